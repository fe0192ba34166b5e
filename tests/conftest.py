"""Shared fixtures: a temporary home with cheap Argon2 settings, the app, a signed-in client,
the CLI runner, and record factories. Cheap KDF parameters come through Config, the same code
path as production."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from intake.config import Config
from intake.home.instance import initialise, unlock
from intake.home.passphrases import add_user
from intake.home.users import User
from intake.store.connection import connect
from intake.vault.crypto import KdfParams
from intake.web.app import create_app

CHEAP_KDF = KdfParams(memory_kib=64, time_cost=1, parallelism=1)
PASSPHRASE = "amber river lantern seven"
OTHER_PASSPHRASE = "quiet mountain orchard nine"
ADMIN = "Layla Admin"


def _own_temp_folder() -> None:
    """On a pytest-xdist worker: a temp folder of the worker's own, for this process and every
    server and browser it starts, so that the leak scans can tell its files from the other
    workers' (tests/leak_scan.py)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        folder = tempfile.mkdtemp(prefix=f"intake-tmp-{worker}-")
        os.environ["TMPDIR"] = folder
        tempfile.tempdir = None
        atexit.register(shutil.rmtree, folder, ignore_errors=True)


_own_temp_folder()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(home=tmp_path / "home", kdf=CHEAP_KDF, testing=True, login_backoff_seconds=1.0)


@pytest.fixture
def recovery_key(config: Config) -> str:
    return initialise(config, "Field Org", ADMIN, PASSPHRASE)


@pytest.fixture
def vault(config: Config, recovery_key: str):
    opened, _user = unlock(config, ADMIN, PASSPHRASE)
    yield opened
    opened.close()


@pytest.fixture
def admin(config: Config, vault) -> User:
    return unlock(config, ADMIN, PASSPHRASE)[1]


@pytest.fixture
def conn(config: Config, vault):
    connection = connect(config.database_path, vault.db_key)
    yield connection
    connection.close()


@pytest.fixture
def interviewer(config: Config, vault) -> User:
    add_user(config, vault, "Dilan", "interviewer", OTHER_PASSPHRASE)
    return unlock(config, "Dilan", OTHER_PASSPHRASE)[1]


@pytest.fixture
def app(config: Config):
    return create_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(config: Config, monkeypatch) -> CliRunner:
    monkeypatch.setenv("INTAKE_HOME", str(config.home))
    monkeypatch.setenv("INTAKE_KDF_MEMORY_KIB", str(CHEAP_KDF.memory_kib))
    monkeypatch.setenv("INTAKE_KDF_TIME_COST", str(CHEAP_KDF.time_cost))
    monkeypatch.setenv("INTAKE_KDF_PARALLELISM", str(CHEAP_KDF.parallelism))
    return CliRunner()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client, name: str = ADMIN, passphrase: str = PASSPHRASE):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"csrf_token": token, "name": name,
                                       "passphrase": passphrase})


@pytest.fixture
def signed_in(client, recovery_key):
    response = sign_in(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def full_record(**overrides) -> dict:
    """A realistic testimony in several scripts, valid against the schema."""
    record = {
        "consent": {"record": True, "trial": True, "reparations": True, "research": False,
                    "method": "verbal", "witness": "Sara Ali"},
        "interview": {"date": "2024-03-12", "location": "Khanke camp", "language": "ku",
                      "interviewer": "Dilan", "interpreter": "",
                      "earlier_interviews": [{"organisation": "Yazda", "date": "2019"}]},
        "survivor": {"full_name": "Nadia Xelîl", "other_names": ["ناديه خليل"],
                     "community": "yazidi", "sex": "female", "date_of_birth": "1996~",
                     "place_of_origin": "Kocho", "phone": "0750 123 4567",
                     "id_number": "19960042", "minor": False},
        "narrative": [{"language": "ku", "text": "Di 3ê Tebaxa 2014an de em ji Koço birin."},
                      {"language": "ar", "text": "أخذونا من كوجو إلى تلعفر"}],
        "restricted_narrative": [{"language": "ku", "text": "Hûrguliyên giran."}],
        "incidents": [{"acts": ["abduction", "sexual_slavery"], "date": "2014-08-03/2017-05",
                       "place": "Tal Afar",
                       "perpetrators": [{"name": "Abu Muhannad", "aliases": ["al-Ansari"],
                                         "role": "buyer"}],
                       "description": "Sold twice in Raqqa."}],
        "ysl": {"category": "yazidi_female_captivity", "abduction_date": "2014-08-03",
                "release_date": "2017-05~", "age_at_abduction": 18},
        "relatives": [{"name": "Elias Xelîl", "relation": "brother", "status": "missing"}],
        "needs": [{"kind": "psychosocial", "referred_to": "Jiyan Foundation"}],
        "notes": "Tired at the end; offered a break.",
    }
    record.update(overrides)
    return record


def home_with(config: Config, documents: list[dict]) -> tuple[bytes, list[str]]:
    """A new home (the admin as its one user) holding ``documents`` as testimonies: the store's
    SQLCipher key (for tests that read its pages) and the testimonies' ids, in order. Nothing
    stays unlocked."""
    from intake.records import testimonies

    initialise(config, "Field Org", ADMIN, PASSPHRASE)
    vault, user = unlock(config, ADMIN, PASSPHRASE)
    key = bytes(vault.db_key)
    conn = connect(config.database_path, vault.db_key)
    try:
        ids = [testimonies.create(conn, vault, user, document).id for document in documents]
    finally:
        conn.close()
        vault.close()
    return key, ids


def with_audio_consent(document: dict) -> dict:
    """``document`` with the survivor's consent to an audio recording."""
    document["consent"]["audio"] = True
    return document
