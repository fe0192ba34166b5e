"""Atomic file writes (intake/atomic.py): the old file or the whole new one, never a part; a
replace held up by another program (Windows antivirus) is retried, then refused in one line."""

from __future__ import annotations

import os

import pytest

from intake import atomic


class Crash(Exception):
    pass


def test_a_write_replaces_the_file_whole(tmp_path):
    target = tmp_path / "slots.json"
    target.write_bytes(b"old")
    atomic.write_atomically(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slots.json"]


def test_a_crash_mid_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "bundle.intake.age"
    target.write_bytes(b"the old bundle")
    with pytest.raises(Crash), atomic.streaming(target) as pending:
        pending.file.write(b"half of the new one")
        raise Crash
    assert target.read_bytes() == b"the old bundle"
    assert [p.name for p in tmp_path.iterdir()] == ["bundle.intake.age"]


def test_a_crash_before_anything_existed_leaves_nothing(tmp_path):
    with pytest.raises(Crash), atomic.streaming(tmp_path / "new.zip") as pending:
        pending.file.write(b"x")
        raise Crash
    assert list(tmp_path.iterdir()) == []


def test_a_stale_partial_file_from_a_crash_is_written_over(tmp_path):
    target = tmp_path / "out.zip"
    atomic.partial_name(target).write_bytes(b"left by a crash, longer than the new file")
    atomic.write_atomically(target, b"new")
    assert target.read_bytes() == b"new" and not atomic.partial_name(target).exists()


def test_a_held_file_is_retried_until_it_is_free(tmp_path, monkeypatch):
    real, calls = os.replace, []

    def held_twice(source, target):
        calls.append(target)
        if len(calls) <= 2:
            raise PermissionError(13, "The process cannot access the file", str(target))
        real(source, target)

    monkeypatch.setattr(os, "replace", held_twice)
    target = tmp_path / "identity.age"
    target.write_bytes(b"old")
    atomic.write_atomically(target, b"new")
    assert len(calls) == 3 and target.read_bytes() == b"new"


def test_a_file_held_throughout_is_refused_in_one_line(tmp_path, monkeypatch):
    def always_held(source, target):
        raise PermissionError(13, "The process cannot access the file", str(target))

    monkeypatch.setattr(os, "replace", always_held)
    target = tmp_path / "backup.zip"
    target.write_bytes(b"old")
    with pytest.raises(atomic.ReplaceError) as raised:
        atomic.write_atomically(target, b"new")
    assert str(raised.value) == f"could not replace {target}: another program holds it; try again"
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["backup.zip"]


@pytest.mark.skipif(os.name == "nt", reason="mode bits mean nothing on Windows")
def test_the_new_file_is_owner_only_on_posix(tmp_path):
    target = tmp_path / "identity.age"
    atomic.write_atomically(target, b"secret")
    assert target.stat().st_mode & 0o777 == 0o600
