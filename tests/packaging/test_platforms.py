"""The lock files install on Windows and macOS, not only on the Linux the suite runs on.

No Windows or Mac is at hand here, so the package index is asked instead, the way pip on such a
machine would ask it: `pip install --dry-run --only-binary=:all: --platform … --python-version …
--implementation cp` (the same finder as `pip download` with those options; dry-run reads the
wheels' metadata, PEP 658, without fetching them). For each target, every pin whose environment
marker (PEP 508) holds there must have a wheel, and that wheel's SHA-256 must be among the lock's
hashes, or `pip install --require-hashes` aborts on that machine. For the test lock, every
dependency a pinned wheel declares for that target must be pinned too (colorama on Windows).

Needs the index: with no network at all this skips, saying so. A pin without a wheel fails, named.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import distribution
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYTHONS = ("3.11", "3.12", "3.13")
# Published as a source archive only (bagit 1.9.0). It is accepted where it is pure Python: the
# wheel pip built from it here, from the hashed sdist in the lock, is tagged for any platform.
PURE_PYTHON_SDISTS = frozenset({"bagit"})


@dataclass(frozen=True)
class Target:
    """A platform pip can be asked about, and the PEP 508 environment its markers see there."""

    platform: str
    sys_platform: str
    platform_system: str
    os_name: str
    machine: str

    def environment(self, python: str) -> dict[str, str]:
        return {"sys_platform": self.sys_platform, "platform_system": self.platform_system,
                "os_name": self.os_name, "platform_machine": self.machine,
                "implementation_name": "cpython", "platform_python_implementation": "CPython",
                "python_version": python, "python_full_version": f"{python}.0", "extra": ""}


WINDOWS = Target("win_amd64", "win32", "Windows", "nt", "AMD64")
MAC_ARM = Target("macosx_11_0_arm64", "darwin", "Darwin", "posix", "arm64")
# Not Intel Macs: cryptography 50 and argon2-cffi-bindings 26 publish no x86_64 macOS wheel.
TARGETS = (WINDOWS, MAC_ARM)


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    marker: Marker | None
    hashes: frozenset[str]

    def applies(self, environment: dict[str, str]) -> bool:
        return self.marker is None or self.marker.evaluate(environment)


def read_lock(path: Path) -> dict[str, Pin]:
    """The pins of a hashed requirements file as `make lock` writes it."""
    text = re.sub(r"\\\n", " ", path.read_text("utf-8"))
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        hashes = frozenset(re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
        spec = line.split("--hash", 1)[0].strip()
        requirement, _, marker = spec.partition(";")
        name, version = requirement.strip().split("==")
        pins[canonicalize_name(name)] = Pin(canonicalize_name(name), version.strip(),
                                            Marker(marker) if marker.strip() else None, hashes)
    return pins


_OFFLINE = ("NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
            "Name or service not known", "Network is unreachable", "ConnectTimeoutError", "ProxyError")


def ask_index(pins: list[Pin], target: Target, python: str, work: Path) -> list[dict]:
    """pip's answer for these pins on this target: one report entry per pin, or the test fails
    naming the first pin pip found no wheel for (or skips if the index cannot be reached)."""
    work.mkdir(parents=True)
    wanted = work / "requirements.txt"
    wanted.write_text("".join(f"{p.name}=={p.version}\n" for p in pins), "utf-8")
    report = work / "report.json"
    run = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--retries", "2", "--ignore-installed", "--no-deps",
         "--only-binary=:all:", "--platform", target.platform, "--python-version", python,
         "--implementation", "cp", "--target", str(work / "target"), "--report", str(report),
         "-r", str(wanted)], capture_output=True, text=True, timeout=300, check=False)
    if run.returncode != 0:
        offline = [line for line in run.stderr.splitlines() if any(sign in line for sign in _OFFLINE)]
        if offline:
            pytest.skip(f"the package index cannot be reached from here: {offline[-1].strip()[:300]}")
        missing = re.search(r"satisfies the requirement (\S+)", run.stderr)
        pytest.fail(f"{missing.group(1) if missing else 'a pin'} has no wheel for {target.platform}, "
                    f"CPython {python}:\n{run.stderr[-2000:]}")
    return json.loads(report.read_text("utf-8"))["install"]


def check(lock: Path, targets: tuple[Target, ...], pythons: tuple[str, ...], work: Path,
          closed: bool = False) -> None:
    """Each target and Python asked at once (three at a time, pip's cache shared), then judged:
    a wheel for every pin that applies there, its hash in the lock, and (closed) nothing missing."""
    pins = read_lock(lock)
    jobs = [(t, py) for t in targets for py in pythons]

    def one(job: tuple[Target, str]) -> tuple[Target, str, dict[str, Pin], list[dict]]:
        target, python = job
        here = {n: p for n, p in pins.items()
                if p.applies(target.environment(python)) and n not in PURE_PYTHON_SDISTS}
        return target, python, here, ask_index(list(here.values()), target, python,
                                               work / f"{target.platform}-{python}")

    for name in PURE_PYTHON_SDISTS & pins.keys():
        wheel = distribution(name).read_text("WHEEL") or ""
        tags = re.findall(r"^Tag: (\S+)$", wheel, re.M)
        assert tags and all(t.endswith("-none-any") for t in tags), f"{name} is not pure Python: {tags}"
        assert distribution(name).version == pins[name].version and pins[name].hashes, name
    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(one, jobs))
    for target, python, here, installs in answers:
        where = f"{target.platform}, CPython {python}"
        found = {canonicalize_name(i["metadata"]["name"]): i for i in installs}
        assert sorted(found) == sorted(here), where
        for name, item in found.items():
            url = item["download_info"]["url"]
            assert url.endswith(".whl"), f"{name}: {url}"
            digest = item["download_info"]["archive_info"]["hashes"]["sha256"]
            assert digest in here[name].hashes, (
                f"{lock.name}: the hash of {url.rsplit('/', 1)[-1]} ({where}) is not pinned, "
                "so pip --require-hashes refuses it there; run make lock")
        if closed:
            assert_closed(here, found, target.environment(python), where)


def assert_closed(here: dict[str, Pin], found: dict[str, dict], environment: dict[str, str], where: str) -> None:
    """Every dependency a pinned wheel declares for this environment (with the extras asked of
    it), and every direct dependency in pyproject.toml, is pinned: else --require-hashes aborts."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    extras: dict[str, set[str]] = {name: {""} for name in found}
    for _ in range(3):  # extras asked of a package can ask for further extras
        for name, item in found.items():
            for line in item["metadata"].get("requires_dist", []):
                req = Requirement(line)
                if any(req.marker is None or req.marker.evaluate({**environment, "extra": e})
                       for e in extras[name]):
                    extras.setdefault(canonicalize_name(req.name), {""}).update(req.extras)
    for line in wanted:
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(environment):
            extras.setdefault(canonicalize_name(req.name), {""})
    unpinned = sorted(set(extras) - set(here) - PURE_PYTHON_SDISTS)
    assert not unpinned, f"needed on {where} but not pinned: {unpinned}"


def test_every_runtime_pin_has_a_hashed_wheel_for_windows_and_macos(tmp_path):
    check(ROOT / "requirements.lock", TARGETS, PYTHONS, tmp_path)


def test_the_test_lock_installs_whole_on_windows_and_macos(tmp_path):
    """Linux-only tools (atheris) are behind markers, and Windows gets what pytest needs there."""
    check(ROOT / "requirements-test.lock", (WINDOWS, MAC_ARM), ("3.11",), tmp_path, closed=True)


def test_linux_only_tools_are_pinned_for_linux_alone():
    pins = read_lock(ROOT / "requirements-test.lock")
    assert str(pins["atheris"].marker) == 'sys_platform == "linux"'
    assert not pins["atheris"].applies(WINDOWS.environment("3.11"))
    assert pins["colorama"].applies(WINDOWS.environment("3.11"))
