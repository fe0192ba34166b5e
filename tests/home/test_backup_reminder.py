"""The backup reminder: due when the laptop was never backed up or not for longer than the
configured number of days."""

from datetime import UTC, datetime, timedelta

from intake.home.backup_reminder import BackupReminder, reminder
from intake.store.settings import set_setting

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_never_backed_up_is_due(conn):
    assert reminder(conn, 7, now=NOW) == BackupReminder(last_backup="", due=True)


def test_a_recent_backup_is_not_due(conn):
    last = (NOW - timedelta(days=7)).isoformat(timespec="seconds")
    set_setting(conn, "last_backup", last)
    assert reminder(conn, 7, now=NOW) == BackupReminder(last_backup=last, due=False)


def test_an_old_backup_is_due(conn):
    last = (NOW - timedelta(days=7, seconds=1)).isoformat(timespec="seconds")
    set_setting(conn, "last_backup", last)
    assert reminder(conn, 7, now=NOW) == BackupReminder(last_backup=last, due=True)
    assert not reminder(conn, 8, now=NOW).due
