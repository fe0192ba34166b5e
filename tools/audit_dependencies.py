"""`make lint`: pip-audit over the installed dependencies (pinned by the lock files).

A known vulnerability fails the build. Where pip-audit cannot reach vulnerability data for a
package (offline, or behind a mirror that does not serve it), that is said plainly and the check
is skipped for that package rather than failing the build.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def main() -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    run = subprocess.run([str(pip_audit), "--local", "--format", "json", "--progress-spinner",
                          "off"], capture_output=True, text=True, timeout=600, check=False)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit skipped: it could not run here ({run.stderr.strip().splitlines()[-1:]})")
        return 0
    found = [(d["name"], d["version"], v["id"]) for d in report["dependencies"]
             for v in d.get("vulns", [])]
    for name, version, vuln in found:
        print(f"pip-audit: {name} {version} has a known vulnerability: {vuln}")
    skipped = [d["name"] for d in report["dependencies"] if d.get("skip_reason")]
    audited = len(report["dependencies"]) - len(skipped)
    if skipped:
        print(f"pip-audit: no vulnerability data reachable for {len(skipped)} of "
              f"{len(report['dependencies'])} packages (offline or a mirror without it); "
              "those were not audited.")
    print(f"pip-audit: {audited} packages audited, {len(found)} known vulnerabilities.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
