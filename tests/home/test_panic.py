"""The opt-in panic passphrase: given at sign-in, with any name, it destroys every passphrase
slot on this laptop, locks every session, and answers exactly like a wrong passphrase; only the
recovery key can open the data afterwards."""

from __future__ import annotations

import json

import pytest

from intake.cli.main import main
from intake.home.errors import InstanceError
from intake.home.instance import unlock, unlock_with_recovery
from intake.home.passphrases import set_panic_passphrase
from intake.records import testimonies
from intake.vault.keyslots import PanicUnlock, UnlockError
from tests.conftest import ADMIN, PASSPHRASE, csrf_token, full_record, sign_in

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


def _labels(config) -> list[str]:
    return [s["label"] for s in json.loads(config.keyslot_path.read_text())["slots"]]


def test_setting_the_same_panic_passphrase_again_destroys_nothing(config, recovery_key, vault,
                                                                  admin, interviewer):
    set_panic_passphrase(config, vault, admin, PANIC)
    set_panic_passphrase(config, vault, admin, PANIC)  # the "must differ" check is side-effect free
    assert len(_labels(config)) == 3 and "panic" in config.keyslot_path.read_text()
    unlock(config, ADMIN, PASSPHRASE)[0].close()
    unlock(config, "Dilan", "quiet mountain orchard nine")[0].close()


def test_cli_panic_set_twice_with_the_same_passphrase(runner, monkeypatch):
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("INTAKE_USER", "Layla")
    assert runner.invoke(main, ["init", "--org", "Org", "--user", "Layla"]).exit_code == 0
    monkeypatch.setenv("INTAKE_NEW_PASSPHRASE", PANIC)
    assert runner.invoke(main, ["panic", "set"]).exit_code == 0
    assert runner.invoke(main, ["panic", "set"]).exit_code == 0
    assert runner.invoke(main, ["testimony", "list"]).exit_code == 0  # Layla's slot is still there


def _locked_elsewhere(app, config, vault, admin):
    """A panic passphrase, and another browser signed in with its session open."""
    set_panic_passphrase(config, vault, admin, PANIC)
    someone = app.test_client()
    assert sign_in(someone).status_code == 302
    assert someone.get("/").status_code == 200
    return someone


def _slots_gone_and_sessions_locked(config, someone, vault):
    assert _labels(config) == ["recovery"] and "panic" not in config.keyslot_path.read_text()
    assert someone.get("/").headers["Location"].endswith("/unlock")
    assert vault.closed  # every vault open in the process, not only the web's


def test_panic_on_the_unlock_page(app, config, recovery_key, vault, admin):
    someone = _locked_elsewhere(app, config, vault, admin)
    locked = app.test_client()
    assert sign_in(locked).status_code == 302
    locked.post("/lock", data={"csrf_token": csrf_token(locked.get("/").get_data(as_text=True))})
    token = csrf_token(locked.get("/unlock").get_data(as_text=True))
    page = locked.post("/unlock", data={"csrf_token": token, "passphrase": PANIC})
    assert "Wrong name or passphrase." in page.get_data(as_text=True)
    _slots_gone_and_sessions_locked(config, someone, vault)


def test_panic_in_the_current_field_of_a_passphrase_change(app, config, recovery_key, vault,
                                                           admin):
    someone = _locked_elsewhere(app, config, vault, admin)
    changer = app.test_client()
    assert sign_in(changer).status_code == 302
    token = csrf_token(changer.get("/passphrase").get_data(as_text=True))
    changer.post("/passphrase", data={"csrf_token": token, "current": PANIC,
                                      "passphrase": "fresh valley copper drum",
                                      "confirm": "fresh valley copper drum"})
    _slots_gone_and_sessions_locked(config, someone, vault)
    assert changer.get("/").headers["Location"].endswith("/unlock")


@pytest.mark.parametrize("named", [True, False])
def test_panic_through_any_cli_command(app, config, recovery_key, vault, admin, runner,
                                       monkeypatch, named):
    """With --user or without (the home's only user is then meant), the same wipe."""
    someone = _locked_elsewhere(app, config, vault, admin)
    if named:
        monkeypatch.setenv("INTAKE_USER", ADMIN)
    else:
        monkeypatch.delenv("INTAKE_USER", raising=False)
    monkeypatch.setenv("INTAKE_PASSPHRASE", PANIC)
    result = runner.invoke(main, ["testimony", "list"])
    assert result.exit_code == 1 and "wrong name, passphrase or recovery key" in result.output
    _slots_gone_and_sessions_locked(config, someone, vault)
    again = runner.invoke(main, ["testimony", "list"], env={"INTAKE_PASSPHRASE": PASSPHRASE})
    assert (again.exit_code, again.output) == (
        1, "Error: wrong name, passphrase or recovery key\n")  # no slot left: as a wrong one


def test_the_panic_check_alone_changes_nothing(config, recovery_key, vault, admin):
    from intake.vault.keyslots import KeySlotFile

    set_panic_passphrase(config, vault, admin, PANIC)
    before = config.keyslot_path.read_bytes()
    slots = KeySlotFile.load(config.keyslot_path)
    assert slots.is_panic(PANIC) and not slots.is_panic(PASSPHRASE)
    with pytest.raises(PanicUnlock):
        slots.open_user(ADMIN, PANIC)
    assert config.keyslot_path.read_bytes() == before and not vault.closed


def test_a_panic_in_another_process_locks_the_servers_sessions(app, config, recovery_key, vault,
                                                               admin):
    """A command is its own process: it cannot reach the server's vaults, so each session checks
    at its next request that its user still has a key slot."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    someone = _locked_elsewhere(app, config, vault, admin)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2]),
           "INTAKE_HOME": str(config.home), "INTAKE_USER": ADMIN, "INTAKE_PASSPHRASE": PANIC,
           **{f"INTAKE_KDF_{k.upper()}": str(v) for k, v in config.kdf.as_dict().items()}}
    done = subprocess.run([sys.executable, "-c", "from intake.cli.main import main; main()",
                           "testimony", "list"], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 1 and "wrong name, passphrase" in done.stderr
    assert _labels(config) == ["recovery"]
    assert someone.get("/").headers["Location"].endswith("/unlock")


def test_a_slot_edit_in_flight_cannot_bring_the_slots_back(config, recovery_key, vault, admin,
                                                          monkeypatch):
    """A passphrase change that read the slots before a panic must not write them back after."""
    import threading

    from intake.home.passphrases import set_passphrase
    from intake.vault import keyslots

    set_panic_passphrase(config, vault, admin, PANIC)
    inside, go_on = threading.Event(), threading.Event()
    real = keyslots.KeySlot.create

    def slow_create(*args, **kwargs):
        inside.set()
        go_on.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(keyslots.KeySlot, "create", slow_create)
    errors: list[BaseException] = []

    def change() -> None:
        try:
            set_passphrase(config, vault, ADMIN, "fresh valley copper drum")
        except Exception as exc:  # noqa: BLE001 - refused because of the panic: also fine
            errors.append(exc)

    changer = threading.Thread(target=change)
    changer.start()
    assert inside.wait(10)
    panicked = threading.Thread(target=lambda: pytest.raises(PanicUnlock, unlock, config,
                                                             "anyone", PANIC))
    panicked.start()
    panicked.join(0.5)  # the panic now waits for the change, or has finished before it
    go_on.set()
    changer.join(10)
    panicked.join(10)
    assert _labels(config) == ["recovery"]
    with pytest.raises(UnlockError):
        unlock(config, ADMIN, "fresh valley copper drum")
