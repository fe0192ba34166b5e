"""The one way a command signs in (cli/common.py ``signed_in``): options, order of checks,
refusals, and a store and vault closed whatever the command does."""

import click
import pytest

from intake.cli.common import Session, signed_in
from intake.cli.main import main
from intake.config import Config
from intake.home import audit
from intake.home.instance import unlock
from intake.home.passphrases import add_user
from intake.store.errors import StoreError
from tests.conftest import ADMIN, PASSPHRASE

SUPERVISOR, INTERVIEWER = "Sara Supervisor", "Omar Interviewer"
SECOND = "quiet mountain orchard nine"


@pytest.fixture
def home(config, vault, admin, runner, monkeypatch):
    add_user(config, vault, SUPERVISOR, "supervisor", SECOND)
    add_user(config, vault, INTERVIEWER, "interviewer", SECOND)
    monkeypatch.delenv("INTAKE_USER", raising=False)
    monkeypatch.setenv("INTAKE_PASSPHRASE", SECOND)
    return config


def _sessions(config: Config, *, fail: bool = False, **how) -> tuple[click.Group, list[Session]]:
    """A group like ``intake`` with one signed-in command that keeps its session."""
    seen: list[Session] = []

    @click.group()
    @click.pass_context
    def group(ctx: click.Context) -> None:
        ctx.obj = config

    @group.command("probe")
    @signed_in(**how)
    def probe(session: Session) -> None:
        seen.append(session)
        session.conn.execute("select count(*) from audit_log").fetchone()
        assert not session.vault.closed
        if fail:
            raise StoreError("the probe fails")
        click.echo(f"signed in as {session.user.name}")

    return group, seen


def test_a_wrong_role_is_refused_after_the_sign_in_is_recorded(home, conn, runner):
    add = ["user", "add", "Nour", "--role", "interviewer", "--user"]
    for name in (INTERVIEWER, SUPERVISOR):
        refused = runner.invoke(main, [*add, name])
        assert (refused.exit_code, refused.output) == (
            1, "Error: only an administrator can add users\n")
    backup = runner.invoke(main, ["backup", "--out", str(home.home.parent / "b.age"),
                                  "--user", INTERVIEWER])
    assert (backup.exit_code, backup.output) == (
        1, "Error: only a supervisor or an administrator can back up\n")
    signed = [entry.actor for entry in audit.entries(conn) if entry.event == "sign_in"]
    assert signed == [INTERVIEWER, SUPERVISOR, INTERVIEWER]
    assert not (home.home.parent / "b.age").exists()


def test_the_decorator_refuses_with_the_role_line(home, runner):
    group, refused_only = _sessions(home, roles=("admin",), to="probe the store")
    refused = runner.invoke(group, ["probe", "--user", SUPERVISOR])
    assert (refused.exit_code, refused.output) == (1, "Error: only an administrator can "
                                                      "probe the store\n")
    group, seen = _sessions(home, roles=("supervisor", "admin"), to="probe")
    assert runner.invoke(group, ["probe", "--user", INTERVIEWER]).output == (
        "Error: only a supervisor or an administrator can probe\n")
    allowed = runner.invoke(group, ["probe", "--user", SUPERVISOR])
    assert (allowed.exit_code, allowed.output) == (0, f"signed in as {SUPERVISOR}\n")
    assert refused_only == []  # a refused user never reaches the command
    assert [session.user.name for session in seen] == [SUPERVISOR]


def test_a_wrong_passphrase_is_refused_before_the_role(home, runner, monkeypatch):
    monkeypatch.setenv("INTAKE_PASSPHRASE", "not the passphrase at all")
    result = runner.invoke(main, ["user", "add", "Nour", "--role", "interviewer",
                                  "--user", INTERVIEWER])
    assert (result.exit_code, result.output) == (
        1, "Error: wrong name, passphrase or recovery key\n")


def test_without_user_a_home_of_several_users_asks_which_in_one_line(home, runner,
                                                                     monkeypatch):
    monkeypatch.delenv("INTAKE_PASSPHRASE")  # refused before any passphrase is asked for
    for args in (["testimony", "list"], ["audit", "show"], ["keys", "show"], ["recover"]):
        result = runner.invoke(main, args)
        assert (result.exit_code, result.output) == (
            1, "Error: this home has 3 users: say which with --user NAME (or INTAKE_USER)\n"), args


@pytest.fixture
def one_user_home(config, admin, runner, monkeypatch):
    monkeypatch.delenv("INTAKE_USER", raising=False)
    monkeypatch.setenv("INTAKE_PASSPHRASE", PASSPHRASE)
    return config


def test_without_user_the_only_user_of_a_home_signs_in(one_user_home, conn, runner):
    group, seen = _sessions(one_user_home)
    result = runner.invoke(group, ["probe"])
    assert (result.exit_code, result.output) == (0, f"signed in as {ADMIN}\n")
    assert seen[0].user.role == "admin"
    listed = runner.invoke(main, ["testimony", "list"])
    assert (listed.exit_code, listed.output) == (0, "")
    signed = [entry.actor for entry in audit.entries(conn) if entry.event == "sign_in"]
    assert signed == [ADMIN, ADMIN]


def test_the_only_user_still_needs_the_passphrase(one_user_home, runner, monkeypatch):
    monkeypatch.setenv("INTAKE_PASSPHRASE", SECOND)
    result = runner.invoke(main, ["testimony", "list"])
    assert (result.exit_code, result.output) == (
        1, "Error: wrong name, passphrase or recovery key\n")
    named = runner.invoke(main, ["testimony", "list", "--user", "Somebody Else"],
                          env={"INTAKE_PASSPHRASE": PASSPHRASE})
    assert (named.exit_code, named.output) == (
        1, "Error: wrong name, passphrase or recovery key\n")  # a name given is the name used


def test_recover_without_user_sets_the_only_users_passphrase(one_user_home, recovery_key,
                                                             runner, monkeypatch):
    monkeypatch.setenv("INTAKE_RECOVERY_KEY", recovery_key)
    monkeypatch.setenv("INTAKE_NEW_PASSPHRASE", SECOND)
    result = runner.invoke(main, ["recover"])
    assert (result.exit_code, result.output) == (0, f"New passphrase set for {ADMIN}.\n")
    assert unlock(one_user_home, None, SECOND)[1].name == ADMIN


def test_verify_without_identity_signs_the_only_user_in(one_user_home, runner, tmp_path):
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(b"not opened: this field home has no identity to open it with")
    result = runner.invoke(main, ["verify", str(bundle)])
    assert (result.exit_code, result.output) == (
        1, "Error: this archive has no age identity; run 'intake identity create'\n")


def test_without_a_home_the_error_says_so(runner, config, monkeypatch, tmp_path):
    monkeypatch.delenv("INTAKE_USER", raising=False)
    result = runner.invoke(main, ["testimony", "list"])
    assert (result.exit_code, result.output) == (
        1, f"Error: No instance at {config.home}; run 'intake init' first.\n")
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(b"")
    verify = runner.invoke(main, ["verify", str(bundle)])
    assert (verify.exit_code, verify.output) == (
        1, "Error: give --identity FILE, or --user to use this archive's own identity\n")


def test_the_options_keep_their_names_and_environment(home, runner, monkeypatch):
    monkeypatch.setenv("INTAKE_USER", ADMIN)
    monkeypatch.delenv("INTAKE_PASSPHRASE")
    secret = home.home.parent / "secret.txt"
    secret.write_text(PASSPHRASE + "\n", "utf-8")
    group, seen = _sessions(home)
    result = runner.invoke(group, ["probe", "--passphrase-file", str(secret)])
    assert (result.exit_code, result.output) == (0, f"signed in as {ADMIN}\n")
    assert seen[0].user.role == "admin"
    usage = runner.invoke(group, ["probe", "--help"]).output
    assert "--user TEXT" in usage and "Your user name (or INTAKE_USER); needed only when" in usage
    assert "--passphrase-file FILE" in usage and "Read the passphrase from this file." in usage


@pytest.mark.parametrize("fail", [False, True])
def test_the_store_and_the_vault_are_closed_afterwards(home, runner, fail):
    group, seen = _sessions(home, fail=fail)
    result = runner.invoke(group, ["probe", "--user", SUPERVISOR])
    if fail:
        assert (result.exit_code, result.output) == (1, "Error: the probe fails\n")
    else:
        assert result.exit_code == 0, result.output
    [session] = seen
    assert session.vault.closed
    with pytest.raises(Exception, match="closed database"):
        session.conn.execute("select 1")
