"""A removed or rewritten key slot leaves no bytes behind: the old key-slot file is overwritten in
place before it goes, and a crash at any step of the replace leaves a home that opens with the
right passphrases (docs/security.md, "Master key and key slots")."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from intake.home.instance import unlock, unlock_with_recovery
from intake.home.passphrases import add_user, set_panic_passphrase, set_passphrase
from intake.vault.keyslots import PanicUnlock, UnlockError
from tests.conftest import ADMIN, CHEAP_KDF, OTHER_PASSPHRASE, PASSPHRASE

PANIC = "winter harbour falcon thirty"
NEW = "new harbour pepper quilt"


def _slot_texts(path: Path) -> dict[str, list[bytes]]:
    """Each slot's salt and wrapped key exactly as they appear in the JSON file."""
    data = json.loads(path.read_text("utf-8"))
    slots = data["slots"] + ([data["panic"]] if data.get("panic") else [])
    return {s["label"]: [s["salt"].encode(), s["wrapped"].encode()] for s in slots}


def _home_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file())


def _keys_dir(config) -> list[str]:
    """The files beside the key-slot file, but for the empty lock file of keyslots.editing."""
    lock = config.keyslot_path.with_name(".keyslots.json.lock")
    assert not lock.exists() or lock.stat().st_size == 0
    return sorted(p.name for p in config.keyslot_path.parent.iterdir() if p != lock)


def _assert_gone(removed: list[bytes] | set[bytes], *places: bytes) -> None:
    for secret in removed:
        for place in places:
            assert secret not in place


def _panic(config, vault, admin):
    with pytest.raises(PanicUnlock):
        unlock(config, "anyone", PANIC)


def _change(config, vault, admin):
    set_passphrase(config, vault, ADMIN, NEW)


def _recover(config, vault, admin, recovery_key):
    recovered = unlock_with_recovery(config, recovery_key)
    set_passphrase(config, recovered, ADMIN, NEW)
    recovered.close()


@pytest.mark.parametrize("operation", [_panic, _change])
def test_removed_slots_leave_no_bytes_in_the_old_file_or_under_the_home(
        config, recovery_key, vault, admin, interviewer, operation):
    set_panic_passphrase(config, vault, admin, PANIC)
    before = _slot_texts(config.keyslot_path)
    size = config.keyslot_path.stat().st_size
    with open(config.keyslot_path, "rb") as old:  # the old inode: what its blocks now hold
        operation(config, vault, admin)
        after = _slot_texts(config.keyslot_path)
        removed = [text for label, texts in before.items() if after.get(label) != texts
                   for text in texts]
        assert removed
        left = old.read()
    assert len(left) == size and b'"slots"' not in left  # overwritten in place, not truncated
    _assert_gone(removed, left, _home_bytes(config.home))
    assert _keys_dir(config) == ["keyslots.json"]


def test_recovery_and_every_other_rewrite_overwrite_the_old_file(config, recovery_key, vault,
                                                                admin):
    steps = [lambda: add_user(config, vault, "Dilan", "interviewer", OTHER_PASSPHRASE),
             lambda: set_panic_passphrase(config, vault, admin, PANIC),
             lambda: set_panic_passphrase(config, vault, admin, None),
             lambda: _recover(config, vault, admin, recovery_key)]
    for step in steps:
        before = config.keyslot_path.read_bytes()
        with open(config.keyslot_path, "rb") as old:
            step()
            left = old.read()
        assert len(left) == len(before) and left != before and b'"slots"' not in left


def test_a_leftover_old_file_is_wiped_at_the_next_unlock(config, recovery_key, vault):
    """A crash after the new file went live but before the old one was wiped leaves it under a
    ``.old`` name; the next unlock overwrites and removes it."""
    leftover = config.keyslot_path.with_name(".keyslots.json.old")
    shutil.copyfile(config.keyslot_path, leftover)
    with open(leftover, "rb") as held:
        unlock(config, ADMIN, PASSPHRASE)[0].close()
        assert b'"slots"' not in held.read()
    assert not leftover.exists()


_CRASH = """
import os, sys
from pathlib import Path
from intake.config import Config
from intake.home.instance import unlock
from intake.home.passphrases import set_passphrase
from intake.vault import keyslots
from intake.vault.crypto import KdfParams

home, step, operation = sys.argv[1:4]
setattr(keyslots, step, lambda *args, **kwargs: os._exit(77))  # the power goes at this step
config = Config(home=Path(home), kdf=KdfParams(**{kdf}), testing=True)
if operation == "panic":
    try:
        unlock(config, "anyone", {panic!r})
    except keyslots.PanicUnlock:
        pass
else:
    vault, _ = unlock(config, {admin!r}, {passphrase!r})
    set_passphrase(config, vault, {admin!r}, {new!r})
sys.exit(0)
"""


@pytest.mark.parametrize("operation", ["change", "panic"])
@pytest.mark.parametrize("step", ["_write_new", "_keep_old", "_swap", "_sync_dir", "_shred",
                                  "_forget"])
def test_a_crash_at_any_step_leaves_a_home_that_opens(config, recovery_key, vault, admin,
                                                      interviewer, step, operation):
    set_panic_passphrase(config, vault, admin, PANIC)
    before = _slot_texts(config.keyslot_path)
    script = _CRASH.format(kdf=CHEAP_KDF.as_dict(), panic=PANIC, admin=ADMIN,
                           passphrase=PASSPHRASE, new=NEW)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    done = subprocess.run([sys.executable, "-c", script, str(config.home), step, operation],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 77, done.stderr  # it did crash at that step

    # Whatever the step, the home opens: with the old secrets, or with the new ones.
    try:
        opened, _ = unlock(config, ADMIN, PASSPHRASE)
        opened.close()
        unlock(config, "Dilan", OTHER_PASSPHRASE)[0].close()
    except UnlockError:  # the new file went live before the crash
        if operation == "change":
            unlock(config, ADMIN, NEW)[0].close()
            unlock(config, "Dilan", OTHER_PASSPHRASE)[0].close()
        else:
            with pytest.raises(UnlockError):
                unlock(config, "Dilan", OTHER_PASSPHRASE)
    unlock_with_recovery(config, recovery_key).close()
    # That unlock swept what the crash left: no stray file, and no removed slot's bytes.
    assert _keys_dir(config) == ["keyslots.json"]
    after = _slot_texts(config.keyslot_path)
    removed = [text for label, texts in before.items() if after.get(label) != texts
               for text in texts]
    _assert_gone(removed, _home_bytes(config.home))


@pytest.fixture
def ext4_home(tmp_path):
    """A home on a freshly made ext4 file system in an image file, mounted through a loop
    device (needs root and loop devices; skipped elsewhere). Yields (home, image)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("mkfs.ext4"):
        pytest.skip("needs root and mkfs.ext4 to mount an ext4 image")
    image, mount = tmp_path / "ext4.img", tmp_path / "mnt"
    mount.mkdir()
    with open(image, "wb") as file:
        file.truncate(16 * 1024 * 1024)
    subprocess.run(["mkfs.ext4", "-q", str(image)], check=True, timeout=60)
    mounted = subprocess.run(["mount", "-o", "loop", str(image), str(mount)],
                             capture_output=True, timeout=60, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a loop device here: {mounted.stderr.decode().strip()}")
    try:
        yield mount / "home", image, mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True, timeout=60, check=False)


def test_on_a_real_ext4_image_no_removed_slot_is_left_on_the_disk(ext4_home):
    """The carving attack itself: unmount, then search the raw blocks of the file system."""
    from intake.config import Config
    from intake.home.instance import initialise

    home, image, mount = ext4_home
    config = Config(home=home, kdf=CHEAP_KDF, testing=True)
    recovery_key = initialise(config, "Field Org", ADMIN, PASSPHRASE)
    vault, admin = unlock(config, ADMIN, PASSPHRASE)
    add_user(config, vault, "Dilan", "interviewer", OTHER_PASSPHRASE)
    set_panic_passphrase(config, vault, admin, PANIC)
    first = _slot_texts(config.keyslot_path)
    set_passphrase(config, vault, "Dilan", NEW)  # a passphrase change, then a panic
    second = _slot_texts(config.keyslot_path)
    with pytest.raises(PanicUnlock):
        unlock(config, "anyone", PANIC)
    last = _slot_texts(config.keyslot_path)
    subprocess.run(["umount", str(mount)], check=True, timeout=60)
    disk = image.read_bytes()
    removed = {text for seen in (first, second) for label, texts in seen.items()
               if last.get(label) != texts for text in texts}
    assert len(removed) == 2 * 4  # Dilan's old and new slots, Layla's, the panic slot
    _assert_gone(removed, disk)
    assert last["recovery"][0] in disk  # the scan does see what is still there
    subprocess.run(["mount", "-o", "loop", str(image), str(mount)], check=True, timeout=60)
    unlock_with_recovery(config, recovery_key).close()


def test_an_edit_in_another_process_waits_for_this_one(config, recovery_key, vault):
    """The lock on the key-slot file holds across processes: a command's change waits while
    the server is changing the slots, then starts from what the server saved."""
    from intake.vault.keyslots import editing

    script = ("import sys; from pathlib import Path; from intake.vault.keyslots import editing\n"
              "with editing(Path(sys.argv[1])) as slots:\n"
              "    print(sorted(slots.slots) == ['recovery'])\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    with editing(config.keyslot_path) as slots:
        other = subprocess.Popen([sys.executable, "-c", script, str(config.keyslot_path)],
                                 env=env, stdout=subprocess.PIPE, text=True)
        try:
            other.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        assert other.poll() is None  # still waiting for the lock
        slots.destroy_passphrase_slots()
    out, _ = other.communicate(timeout=60)
    assert out.strip() == "True"
