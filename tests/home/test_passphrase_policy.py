"""Every domain function that sets a passphrase refuses a weak one, whoever calls it."""

from __future__ import annotations

import io

import pytest

from intake.bundles import own_keys
from intake.config import Config
from intake.home import backup
from intake.home.instance import initialise, unlock
from intake.home.passphrase_policy import WeakPassphrase, require_strong
from intake.home.passphrases import add_user, set_panic_passphrase, set_passphrase
from intake.home.users import list_users
from tests.conftest import ADMIN, PASSPHRASE

SHORT = "short"
GUESSABLE = "password1234"


def test_the_policy_names_its_problem():
    with pytest.raises(WeakPassphrase) as short:
        require_strong(SHORT)
    assert short.value.problem == "too_short"
    assert str(short.value) == "The passphrase is too short: use at least 12 characters."
    with pytest.raises(WeakPassphrase) as guessable:
        require_strong(GUESSABLE)
    assert guessable.value.problem == "too_guessable"
    assert str(guessable.value) == "The passphrase is too easy to guess: add more unrelated words."
    require_strong(PASSPHRASE)


def test_words_related_to_the_user_count_against_the_passphrase():
    require_strong("Rojava Kobani Qamishli")
    with pytest.raises(WeakPassphrase):
        require_strong("Rojava Kobani Qamishli", ("Rojava Kobani Qamishli",))


@pytest.mark.parametrize("weak", [SHORT, GUESSABLE])
def test_initialise_refuses_a_weak_passphrase_and_writes_nothing(config: Config, weak):
    with pytest.raises(WeakPassphrase):
        initialise(config, "Field Org", ADMIN, weak)
    assert not config.is_initialised



def test_initialise_tries_the_names_of_the_user_and_the_organisation(config: Config):
    strong_alone = "Rojava Kobani Qamishli"
    with pytest.raises(WeakPassphrase):
        initialise(config, "Field Org", strong_alone, strong_alone)
    with pytest.raises(WeakPassphrase):
        initialise(config, strong_alone, ADMIN, strong_alone)
    assert not config.is_initialised


@pytest.mark.parametrize("weak", [SHORT, GUESSABLE])
def test_add_user_refuses_a_weak_passphrase(config: Config, vault, conn, weak):
    with pytest.raises(WeakPassphrase):
        add_user(config, vault, "Dilan", "interviewer", weak)
    assert [u.name for u in list_users(conn)] == [ADMIN]


@pytest.mark.parametrize("weak", [SHORT, GUESSABLE])
def test_set_passphrase_refuses_a_weak_passphrase(config: Config, vault, weak):
    with pytest.raises(WeakPassphrase):
        set_passphrase(config, vault, ADMIN, weak)
    unlock(config, ADMIN, PASSPHRASE)[0].close()  # the old passphrase still opens


def test_the_panic_passphrase_must_be_strong_too(config: Config, vault, admin):
    with pytest.raises(WeakPassphrase):
        set_panic_passphrase(config, vault, admin, SHORT)
    set_panic_passphrase(config, vault, admin, None)  # removing it asks for none


def test_a_backup_and_an_identity_export_refuse_a_weak_passphrase(config: Config, vault, admin,
                                                                  conn):
    out = io.BytesIO()
    with pytest.raises(WeakPassphrase):
        backup.write(config, conn, vault, admin, SHORT, out)
    assert out.getvalue() == b""
    own_keys.create_identity(conn, vault)
    with pytest.raises(WeakPassphrase):
        own_keys.export_identities(conn, vault, GUESSABLE, by=admin)
