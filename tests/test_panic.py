"""The opt-in panic passphrase: given at sign-in, with any name, it destroys every passphrase
slot on this laptop, locks every session, and answers exactly like a wrong passphrase; only the
recovery key can open the data afterwards."""

from __future__ import annotations

import json

import pytest

from intake import testimonies
from intake.cli import main
from intake.instance import InstanceError, set_panic_passphrase, unlock, unlock_with_recovery
from intake.keyslots import PanicUnlock, UnlockError

from .conftest import ADMIN, PASSPHRASE, full_record, sign_in

PANIC = "winter harbour falcon thirty"


def test_the_panic_passphrase_leaves_only_the_recovery_slot(config, recovery_key, vault, admin,
                                                            conn):
    record = testimonies.create(conn, vault, admin, full_record())
    set_panic_passphrase(config, vault, admin, PANIC)
    with pytest.raises(UnlockError) as wrong:
        unlock(config, ADMIN, "not the passphrase at all")
    assert not isinstance(wrong.value, PanicUnlock)
    assert unlock(config, ADMIN, PASSPHRASE)  # an ordinary failure destroyed nothing

    with pytest.raises(PanicUnlock):
        unlock(config, "anyone at all", PANIC)
    labels = [s["label"] for s in json.loads(config.keyslot_path.read_text())["slots"]]
    assert labels == ["recovery"] and "panic" not in config.keyslot_path.read_text()
    with pytest.raises(UnlockError):
        unlock(config, ADMIN, PASSPHRASE)
    recovered = unlock_with_recovery(config, recovery_key)
    assert testimonies.load(conn, recovered, record.id, admin).document["notes"]


def test_it_must_differ_from_your_own_passphrase(config, recovery_key, vault, admin):
    with pytest.raises(InstanceError, match="must differ"):
        set_panic_passphrase(config, vault, admin, PASSPHRASE)
    assert "panic" not in config.keyslot_path.read_text()


def test_on_the_web_it_looks_like_a_failed_sign_in_and_locks_every_session(app, config,
                                                                           recovery_key, vault,
                                                                           admin):
    set_panic_passphrase(config, vault, admin, PANIC)
    someone = app.test_client()
    assert sign_in(someone).status_code == 302
    assert someone.get("/").status_code == 200

    duress = app.test_client()
    failed = sign_in(duress, "Layla Admin", "a wrong passphrase entirely")
    panicked = sign_in(duress, "Layla Admin", PANIC)
    assert panicked.status_code == failed.status_code == 200
    assert "Wrong name or passphrase." in panicked.get_data(as_text=True)
    assert someone.get("/").headers["Location"].endswith("/unlock")
    assert sign_in(app.test_client()).status_code == 200  # the real passphrase no longer opens


def test_cli_set_and_remove(runner, monkeypatch):
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("INTAKE_USER", "Layla")
    assert runner.invoke(main, ["init", "--org", "Org", "--user", "Layla"]).exit_code == 0
    monkeypatch.setenv("INTAKE_NEW_PASSPHRASE", PASSPHRASE)
    same = runner.invoke(main, ["panic", "set"])
    assert same.exit_code == 1 and "must differ" in same.output
    monkeypatch.setenv("INTAKE_NEW_PASSPHRASE", PANIC)
    assert runner.invoke(main, ["panic", "set"]).exit_code == 0
    assert runner.invoke(main, ["panic", "remove"]).exit_code == 0
    monkeypatch.setenv("INTAKE_PASSPHRASE", PANIC)
    after = runner.invoke(main, ["testimony", "list"])
    assert after.exit_code == 1  # an ordinary wrong passphrase now
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASSPHRASE)
    assert runner.invoke(main, ["testimony", "list"]).exit_code == 0
