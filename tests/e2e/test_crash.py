"""Nothing lost, nothing corrupted: a short run of the SIGKILL harness (tools/crash_harness.py;
`make crash` runs hundreds of kills)."""

import pytest

from intake.config import Config
from tests.conftest import CHEAP_KDF
from tools.crash_harness import run


@pytest.mark.slow
def test_killing_the_server_mid_autosave_loses_no_acknowledged_save(tmp_path):
    figures = run(kills=6, seconds=60, home=tmp_path / "home")
    assert figures["kills"] >= 3 and figures["acknowledged_saves"] > 0
    assert Config(home=tmp_path / "home", kdf=CHEAP_KDF).is_initialised
