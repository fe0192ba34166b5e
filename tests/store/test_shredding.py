"""Crypto-shredding reaches every copy of a record's words in the store: the FTS5 search indexes
(their shadow tables, what fts5vocab rebuilds from them), free pages, stale WAL frames, and the
audit trail. Each test reads every table through SQL and every page of the database and its WAL
decrypted (tests/store_pages.py), with a positive control: a word of a record still alive is
found, so the scan demonstrably reads what it claims to read."""

from __future__ import annotations

import hashlib
import secrets
import string
from pathlib import Path

from intake.archive import catalogue
from intake.home import audit
from intake.records import attachments, testimonies, withdrawal
from intake.records.attachments import Upload
from intake.store.connection import Connection, connect, file_of
from tests.bundles.test_bundles import Side, add, export, field, fingerprint, import_, law, lawyers  # noqa: F401
from tests.conftest import csrf_token, full_record
from tests.store_pages import TAIL, words_in_store

VOCABS = ("testimony_search", "archive_search")


def word() -> str:
    """A random word no dictionary, tokenizer or other record shares."""
    return "qz" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(14))


def words_in_tables(conn: Connection, words: list[str]) -> set[str]:
    """Which of ``words`` (by their last 8 characters) SQL can still read anywhere: every table
    of the schema, shadow tables included, and fts5vocab (row and instance) over each index."""
    for index in VOCABS:
        for kind in ("row", "instance"):
            conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{index}_{kind} USING "
                         f"fts5vocab(main, {index}, {kind})")
    tables = [f"main.{name}" for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")]
    tables += [f"temp.{index}_{kind}" for index in VOCABS for kind in ("row", "instance")]
    found: set[str] = set()
    for table in tables:
        for row in conn.execute(f"SELECT * FROM {table}"):  # noqa: S608 - names from the schema
            for value in row:
                data = value if isinstance(value, bytes) else str(value).encode()
                found.update(w for w in words if w[-TAIL:].encode() in data)
    return found


def leftovers(conn: Connection, key: bytes, words: list[str]) -> set[str]:
    return words_in_tables(conn, words) | words_in_store(file_of(conn), key, words)


def a_record(conn, vault, user, secret: list[str]):
    return testimonies.create(conn, vault, user, full_record(
        notes=" ".join(secret[:2]),
        narrative=[{"language": "en", "text": f"They took us to {secret[2]} at night."}],
        survivor={**full_record()["survivor"], "place_of_origin": secret[3]}))


def test_a_destroyed_testimony_leaves_no_word_in_any_table_or_page(conn, vault, admin):
    alive, gone = [word() for _ in range(4)], [word() for _ in range(4)]
    kept = a_record(conn, vault, admin, alive)
    record = a_record(conn, vault, admin, gone)
    for n in range(12):  # more records and edits: several FTS5 segments, merges, WAL frames
        other = testimonies.create(conn, vault, admin, full_record(notes=f"filler {n}"))
        testimonies.save(conn, vault, admin, other.id, full_record(notes=f"filler {n} again"))
    testimonies.save(conn, vault, admin, record.id, {**testimonies.load(
        conn, vault, record.id, admin).document, "notes": " ".join(gone[:2]) + " edited"})
    assert testimonies.summaries(conn, admin, query=gone[3])[1] == 1
    testimonies.delete(conn, vault, admin, record.id)
    assert leftovers(conn, vault.db_key, alive + gone) == set(alive)
    assert testimonies.summaries(conn, admin, query=alive[3])[1] == 1
    assert testimonies.load(conn, vault, kept.id, admin).document["notes"].startswith(alive[0])


def test_destroying_through_the_web_leaves_no_word(signed_in, config, vault, admin):
    conn = connect(config.database_path, vault.db_key)
    alive, gone = [word() for _ in range(4)], [word() for _ in range(4)]
    a_record(conn, vault, admin, alive)
    record = a_record(conn, vault, admin, gone)
    page = f"/testimonies/{record.id}/delete"
    token = csrf_token(signed_in.get(page).get_data(as_text=True))
    assert signed_in.post(page, data={"csrf_token": token}).status_code == 302
    assert leftovers(conn, vault.db_key, alive + gone) == set(alive)
    conn.close()


def test_a_word_corrected_in_an_autosaved_field_leaves_no_trace(signed_in, config, vault):
    conn = connect(config.database_path, vault.db_key)
    token = csrf_token(signed_in.get("/testimonies/new").get_data(as_text=True))
    made = signed_in.post("/testimonies/new", data={"csrf_token": token, "record": "yes"})
    step = made.headers["Location"].replace("/step/2", "/step/4")
    token = csrf_token(signed_in.get(step).get_data(as_text=True))
    typo, corrected = word(), word()

    def autosave(village: str) -> None:
        body = {"csrf_token": token, "narrative-0-language": "ku",
                "narrative-0-text": f"We fled from {village} to the mountain."}
        assert signed_in.post(step, data=body, headers={"X-Autosave": "1"}).status_code == 200

    autosave(typo)
    assert leftovers(conn, vault.db_key, [typo]) == {typo}  # it was there to be found
    autosave(corrected)
    assert leftovers(conn, vault.db_key, [typo, corrected]) == {corrected}
    conn.close()


def test_an_archive_record_replaced_by_a_newer_version_leaves_no_old_word(
        field, law, lawyers, tmp_path):  # noqa: F811
    old, new, other = word(), word(), word()
    narrative = [{"language": "en", "text": f"They held us in {old}."}]
    (record_id,) = add(field, narrative=narrative)
    add(field, narrative=[{"language": "en", "text": f"Taken to {other}."}])
    first, second = tmp_path / "one.intake.age", tmp_path / "two.intake.age"
    export(field, [lawyers], first)
    import_(law, first, trust=fingerprint(field))
    assert catalogue.search(law.conn, query=old)[1] == 1
    current = testimonies.load(field.conn, field.vault, record_id, field.user).document
    testimonies.save(field.conn, field.vault, field.user, record_id,
                     {**current, "narrative": [{"language": "en", "text": f"Held in {new}."}]})
    testimonies.complete(field.conn, field.vault, field.user, record_id)
    export(field, [lawyers], second, ids=[record_id])
    import_(law, second)
    assert catalogue.search(law.conn, query=new)[1] == 1
    assert leftovers(law.conn, law.vault.db_key, [old, new, other]) == {new, other}


def test_a_perpetrator_renamed_in_a_newer_version_leaves_the_perpetrator_index(
        field, law, lawyers, tmp_path):  # noqa: F811
    old, new = word(), word()

    def incidents(name: str) -> list[dict]:
        return [{"acts": ["abduction"], "date": "2014-08-03", "place": "Sinjar",
                 "perpetrators": [{"name": f"{name.title()} Jasim al-Dulaimi",
                                   "aliases": [f"Abu {name.title()}"], "role": "guard"}]}]

    (record_id,) = add(field, incidents=incidents(old))
    first, second = tmp_path / "one.intake.age", tmp_path / "two.intake.age"
    export(field, [lawyers], first)
    import_(law, first, trust=fingerprint(field))
    assert law.conn.execute("SELECT count(*) FROM archive_mentions").fetchone()[0] == 1
    current = testimonies.load(field.conn, field.vault, record_id, field.user).document
    testimonies.save(field.conn, field.vault, field.user, record_id,
                     {**current, "incidents": incidents(new)})
    testimonies.complete(field.conn, field.vault, field.user, record_id)
    export(field, [lawyers], second, ids=[record_id])
    import_(law, second)
    [(name,)] = law.conn.execute("SELECT name FROM archive_mentions").fetchall()
    assert new.title() in name
    assert leftovers(law.conn, law.vault.db_key, [old.title(), new.title()]) == {new.title()}


def test_a_destroyed_attachment_leaves_no_hash_of_its_plaintext(conn, vault, admin):
    record = testimonies.create(conn, vault, admin, full_record())
    kept = testimonies.create(conn, vault, admin, full_record())
    digests = []
    for owner in (record, kept):
        content = secrets.token_bytes(4096)
        upload = Upload(attachments.directory(conn))
        upload.write(content)
        testimonies.attach(conn, vault, admin, owner.id, upload, kind="photo",
                           filename="a.jpg", declared_type="image/jpeg")
        digests.append(hashlib.sha256(content).hexdigest())
    testimonies.delete(conn, vault, admin, record.id)
    for digest in digests:  # neither the hash of the destroyed file nor that of the one kept
        assert not words_in_tables(conn, [digest[:32], digest[32:]])
        assert not words_in_store(Path(file_of(conn)), vault.db_key, [digest[:32], digest[32:]])
    details = [e.detail for e in audit.entries(conn)
               if e.event == "attachment_added"]
    assert len(details) == 2 and all("sha256" not in d and len(d["digest"]) == 64
                                     for d in details)


def test_the_migration_removes_the_residue_a_store_of_the_previous_schema_holds(
        config, monkeypatch):
    from intake.home.instance import initialise, unlock
    from intake.store import migrations, search_index
    from tests.conftest import ADMIN, PASSPHRASE

    previous = migrations.MIGRATIONS[:4]  # the schema before the search indexes were rebuilt
    monkeypatch.setattr(migrations, "MIGRATIONS", previous)
    initialise(config, "Field Org", ADMIN, PASSPHRASE)
    vault, admin = unlock(config, ADMIN, PASSPHRASE)
    conn = connect(config.database_path, vault.db_key)
    alive, gone, typo = [word() for _ in range(4)], [word() for _ in range(4)], word()
    kept = a_record(conn, vault, admin, alive)
    edited = a_record(conn, vault, admin, [typo, *alive[1:]])
    record = a_record(conn, vault, admin, gone)
    # What the previous code did: a delete or an edit only tombstoned the row's old words.
    seqs = dict(conn.execute("SELECT id, seq FROM testimonies"))
    conn.execute("DELETE FROM testimony_search WHERE rowid = ?", (seqs[record.id],))
    conn.execute("DELETE FROM testimonies WHERE id = ?", (record.id,))
    conn.execute("DELETE FROM testimony_search WHERE rowid = ?", (seqs[edited.id],))
    conn.execute("INSERT INTO testimony_search (rowid, body) VALUES (?, ?)",
                 (seqs[edited.id], " ".join(alive)))
    conn.execute("INSERT INTO archive_search (rowid, body) VALUES (1, ?), (2, ?)",
                 (" ".join(gone), " ".join(alive)))
    conn.execute("DELETE FROM archive_search WHERE rowid = 1")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert leftovers(conn, vault.db_key, [*alive, *gone, typo]) == {*alive, *gone, typo}
    conn.close()

    monkeypatch.undo()
    conn = connect(config.database_path, vault.db_key)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations.MIGRATIONS)
    assert leftovers(conn, vault.db_key, [*alive, *gone, typo]) == set(alive)
    assert testimonies.summaries(conn, admin, query=alive[3])[1] == 2
    assert catalogue.search(conn, query=alive[3])[1] == 0  # no archive_records rows; index only
    assert conn.execute("SELECT count(*) FROM archive_search WHERE archive_search MATCH ?",
                        (alive[3],)).fetchone()[0] == 1
    # The rebuilt index holds exactly the words the sealed records give: deleting works.
    testimonies.delete(conn, vault, admin, kept.id)
    assert testimonies.summaries(conn, admin, query=alive[3])[1] == 1
    for index in search_index.SEARCH_INDEXES:
        conn.execute(f"INSERT INTO {index} ({index}) VALUES ('integrity-check')")  # noqa: S608
    conn.close()
    vault.close()


def test_a_damaged_testimony_can_still_be_destroyed_and_leaves_no_word(conn, vault, admin):
    alive, gone = [word() for _ in range(4)], [word() for _ in range(4)]
    a_record(conn, vault, admin, alive)
    record = a_record(conn, vault, admin, gone)
    (sealed,) = conn.execute("SELECT sealed FROM testimonies WHERE id = ?", (record.id,)).fetchone()
    conn.execute("UPDATE testimonies SET sealed = ? WHERE id = ?", (sealed[:-1], record.id))
    testimonies.delete(conn, vault, admin, record.id)
    assert leftovers(conn, vault.db_key, alive + gone) == set(alive)
    conn.execute("INSERT INTO testimony_search (testimony_search) VALUES ('integrity-check')")


def test_a_save_during_a_long_read_defers_the_scrub_and_the_next_one_does_it(
        config, conn, vault, admin):
    from intake.store.connection import scrub_wal

    record = testimonies.create(conn, vault, admin, full_record())
    typo, corrected = word(), word()
    reader = connect(config.database_path, vault.db_key)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM testimonies").fetchone()  # an export reading, say
    testimonies.save(conn, vault, admin, record.id, full_record(notes=typo))
    testimonies.save(conn, vault, admin, record.id, full_record(notes=corrected))
    wal = file_of(conn).with_name(file_of(conn).name + "-wal")
    assert wal.stat().st_size > 0  # not truncated yet: the reader holds an older snapshot
    reader.execute("COMMIT")
    reader.close()
    assert scrub_wal(conn)
    assert leftovers(conn, vault.db_key, [typo, corrected]) == {corrected}


def test_a_withdrawal_leaves_no_earlier_version_in_the_wal(conn, vault, admin):
    """Withdrawing consent saves a new version inside its own transaction; the WAL is scrubbed
    after that transaction, as after every other save."""
    record = testimonies.create(conn, vault, admin, full_record(), completed=True)
    withdrawal.withdraw(conn, vault, admin, record.id, "trial", note="asked by phone")
    wal = file_of(conn).with_name(file_of(conn).name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
