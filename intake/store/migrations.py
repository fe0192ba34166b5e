"""The store's schema, as the ordered list of migrations that build it (``PRAGMA user_version``
counts those applied). A migration is SQL, or a function for what SQL cannot do alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from intake.store.search_index import SEARCH_INDEXES, secure_index
from intake.store.transactions import transaction

if TYPE_CHECKING:
    from intake.store.connection import Connection

_PERSON_SUMMARY = """
CREATE TABLE person_summary (
    person TEXT PRIMARY KEY REFERENCES persons (id),
    names TEXT NOT NULL,
    testimonies INTEGER NOT NULL,
    organisations INTEGER NOT NULL,
    acts TEXT NOT NULL,
    mentions INTEGER NOT NULL
);
CREATE INDEX person_summary_by_rank ON person_summary (testimonies DESC, organisations DESC, person);
CREATE TABLE person_facets (
    kind TEXT NOT NULL CHECK (kind IN ('act', 'role', 'source')),
    value TEXT NOT NULL,
    person TEXT NOT NULL,
    PRIMARY KEY (kind, value, person)
) WITHOUT ROWID;
CREATE INDEX person_facets_by_person ON person_facets (person);
CREATE TABLE person_spellings (
    person TEXT NOT NULL,
    text TEXT NOT NULL,
    folded TEXT NOT NULL,
    PRIMARY KEY (person, text)
) WITHOUT ROWID;
CREATE TABLE person_words (
    key TEXT NOT NULL,
    word TEXT NOT NULL,
    person TEXT NOT NULL,
    PRIMARY KEY (key, word, person)
) WITHOUT ROWID;
CREATE INDEX person_words_by_person ON person_words (person);
CREATE TABLE person_blocks (
    key TEXT NOT NULL,
    person TEXT NOT NULL,
    PRIMARY KEY (key, person)
) WITHOUT ROWID;
CREATE INDEX person_blocks_by_person ON person_blocks (person);
CREATE INDEX archive_records_unindexed ON archive_records (seq) WHERE persons_indexed = 0;
INSERT OR REPLACE INTO settings (key, value) VALUES ('persons_rules', 'stale')
"""

_PERSON_SUMMARY_INDEXES = (
    "ALTER TABLE person_facets ADD COLUMN testimonies INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE person_facets ADD COLUMN organisations INTEGER NOT NULL DEFAULT 0",
    "UPDATE person_facets SET (testimonies, organisations) = (SELECT s.testimonies, "
    "s.organisations FROM person_summary s WHERE s.person = person_facets.person)",
    "CREATE INDEX person_facets_by_rank ON person_facets "
    "(kind, value, testimonies DESC, organisations DESC, person)",
    "CREATE TABLE person_folded (id INTEGER PRIMARY KEY, person TEXT NOT NULL, "
    "folded TEXT NOT NULL)",
    "CREATE INDEX person_folded_by_person ON person_folded (person)",
    "CREATE VIRTUAL TABLE person_grams USING fts5 (folded, content='person_folded', "
    "content_rowid='id', tokenize='trigram case_sensitive 1')",
    # A withdrawn or renamed perpetrator's trigrams leave the index's pages, not just its lists
    # (FTS5 secure-delete, as store/search_index.py does for the testimonies' words).
    "INSERT INTO person_grams (person_grams, rank) VALUES ('secure-delete', 1)",
    "CREATE TRIGGER person_folded_added AFTER INSERT ON person_folded BEGIN "
    "INSERT INTO person_grams (rowid, folded) VALUES (new.id, new.folded); END",
    "CREATE TRIGGER person_folded_removed AFTER DELETE ON person_folded BEGIN "
    "INSERT INTO person_grams (person_grams, rowid, folded) "
    "VALUES ('delete', old.id, old.folded); END",
    "INSERT INTO person_folded (person, folded) SELECT DISTINCT person, folded FROM person_spellings",
)


def _person_summary_indexes(conn: Connection) -> None:
    """The People list's rank in each facet row, so that a filter counts and pages from one
    index; and the folded spellings under trigrams, so that the part-of-a-name test of a search
    reads only the spellings holding the query's trigrams (archive/person_summary.py,
    archive/person_search.py). Statements one by one: the triggers hold semicolons."""
    for statement in _PERSON_SUMMARY_INDEXES:
        conn.execute(statement)


MIGRATIONS: tuple[str | Callable[[Connection], None], ...] = (
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        label TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('interviewer', 'supervisor', 'admin')),
        created_at TEXT NOT NULL
    );
    CREATE TABLE testimonies (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        witness_code TEXT NOT NULL UNIQUE,
        owner_id INTEGER NOT NULL REFERENCES users (id),
        status TEXT NOT NULL CHECK (status IN ('draft', 'complete', 'refused')),
        community TEXT,
        interview_date TEXT,
        consent_summary TEXT NOT NULL,
        step INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        data_key BLOB NOT NULL,
        sealed BLOB NOT NULL
    );
    CREATE INDEX testimonies_by_update ON testimonies (updated_at DESC);
    CREATE INDEX testimonies_by_owner ON testimonies (owner_id, updated_at DESC);
    CREATE VIRTUAL TABLE testimony_search USING fts5 (
        body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    );
    """,
    # Evidence bundles (docs/bundle-format.md): the field side remembers recipients, what it
    # exported to whom, and withdrawals; the archive side remembers trusted sources, imported
    # bundles, the records they carried (sealed, with every earlier version) and revocations.
    """
    ALTER TABLE testimonies ADD COLUMN completed_at TEXT;
    ALTER TABLE testimonies ADD COLUMN completed_by INTEGER REFERENCES users (id);
    CREATE TABLE recipients (
        name TEXT PRIMARY KEY,
        public_key TEXT NOT NULL UNIQUE,
        added_at TEXT NOT NULL
    );
    CREATE TABLE exports (
        bundle_id TEXT PRIMARY KEY,
        purpose TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by INTEGER NOT NULL REFERENCES users (id),
        record_count INTEGER NOT NULL,
        revocation_count INTEGER NOT NULL,
        file_sha256 TEXT NOT NULL
    );
    CREATE TABLE export_recipients (
        bundle_id TEXT NOT NULL REFERENCES exports (bundle_id),
        name TEXT NOT NULL,
        public_key TEXT NOT NULL,
        PRIMARY KEY (bundle_id, public_key)
    );
    CREATE TABLE export_records (
        bundle_id TEXT NOT NULL REFERENCES exports (bundle_id),
        record_id TEXT NOT NULL,
        PRIMARY KEY (bundle_id, record_id)
    );
    CREATE INDEX export_records_by_record ON export_records (record_id);
    CREATE TABLE withdrawals (
        record_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        withdrawn_at TEXT NOT NULL,
        withdrawn_by INTEGER REFERENCES users (id),
        PRIMARY KEY (record_id, purpose)
    );
    CREATE TABLE sources (
        fingerprint TEXT PRIMARY KEY,
        organisation TEXT NOT NULL,
        public_key TEXT NOT NULL,
        trusted_at TEXT NOT NULL
    );
    CREATE TABLE bundles (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL REFERENCES sources (fingerprint),
        purpose TEXT NOT NULL,
        format_version INTEGER NOT NULL,
        exported_at TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        imported_by INTEGER REFERENCES users (id),
        record_count INTEGER NOT NULL,
        revocation_count INTEGER NOT NULL,
        file_sha256 TEXT NOT NULL
    );
    CREATE TABLE archive_records (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL REFERENCES sources (fingerprint),
        record_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        witness_code TEXT NOT NULL,
        version INTEGER NOT NULL,
        bundle_id TEXT NOT NULL REFERENCES bundles (id),
        imported_at TEXT NOT NULL,
        data_key BLOB NOT NULL,
        sealed BLOB NOT NULL,
        UNIQUE (source, record_id, purpose)
    );
    CREATE TABLE archive_history (
        record_seq INTEGER NOT NULL REFERENCES archive_records (seq),
        version INTEGER NOT NULL,
        bundle_id TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        sealed BLOB NOT NULL,
        PRIMARY KEY (record_seq, version)
    );
    CREATE TABLE archive_withdrawals (
        source TEXT NOT NULL,
        record_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        withdrawn_at TEXT NOT NULL,
        bundle_id TEXT NOT NULL,
        PRIMARY KEY (source, record_id, purpose)
    );
    CREATE VIRTUAL TABLE archive_search USING fts5 (
        body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    );
    """,
    # The audit trail (home/audit.py): append-only, each entry chained to the one before by its MAC.
    """
    CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        event TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev TEXT NOT NULL,
        mac TEXT NOT NULL
    );
    CREATE INDEX audit_log_by_time ON audit_log (at);
    """,
    # Attachments (records/attachments.py): the owner is 'testimony:<id>' or 'archive:<seq>'; the file's
    # identity, hash, name and type are sealed under the owning record's data key.
    """
    CREATE TABLE attachments (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('audio', 'consent_form', 'id_document', 'photo')),
        size INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        created_by INTEGER REFERENCES users (id),
        sealed BLOB NOT NULL
    );
    CREATE INDEX attachments_by_owner ON attachments (owner, created_at);
    """,
    # Crypto-shredding reaches the search indexes (docs/security.md, "The search index"): each
    # contentless_delete index is replaced by one whose deletes remove the words (secure_index).
    *(lambda conn, index=index: secure_index(conn, index) for index in SEARCH_INDEXES),
    # A source's key marked compromised since a date (archive/sources.py), by whom and when.
    """
    ALTER TABLE sources ADD COLUMN compromised_since TEXT;
    ALTER TABLE sources ADD COLUMN compromised_by INTEGER REFERENCES users (id);
    ALTER TABLE sources ADD COLUMN compromised_marked_at TEXT;
    """,
    # The perpetrator index (archive/persons.py): each perpetrator a usable archive record names,
    # in plaintext inside the encrypted store (docs/security.md, "The perpetrator index"); the
    # persons they are grouped into, whose ids are never reused; and what people decided. A record
    # imported before the index is indexed by the next import or persons command (catch_up).
    """
    ALTER TABLE archive_records ADD COLUMN persons_indexed INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE persons (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL
    );
    CREATE TABLE archive_mentions (
        record_seq INTEGER NOT NULL REFERENCES archive_records (seq),
        incident INTEGER NOT NULL,
        perpetrator INTEGER NOT NULL,
        mention_id TEXT NOT NULL,
        source TEXT NOT NULL,
        record_id TEXT NOT NULL,
        witness_code TEXT NOT NULL,
        name TEXT NOT NULL,
        aliases TEXT NOT NULL,
        role TEXT NOT NULL,
        acts TEXT NOT NULL,
        date TEXT NOT NULL,
        place TEXT NOT NULL,
        person TEXT REFERENCES persons (id),
        PRIMARY KEY (record_seq, incident, perpetrator)
    );
    CREATE INDEX archive_mentions_by_id ON archive_mentions (mention_id);
    CREATE INDEX archive_mentions_by_person ON archive_mentions (person);
    CREATE TABLE archive_mention_keys (
        record_seq INTEGER NOT NULL REFERENCES archive_records (seq),
        mention_id TEXT NOT NULL,
        key TEXT NOT NULL
    );
    CREATE INDEX archive_mention_keys_by_key ON archive_mention_keys (key);
    CREATE INDEX archive_mention_keys_by_mention ON archive_mention_keys (mention_id);
    CREATE INDEX archive_mention_keys_by_record ON archive_mention_keys (record_seq);
    CREATE TABLE person_decisions (
        seq INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('merge', 'split', 'distinct')),
        first TEXT NOT NULL,
        second TEXT,
        decided_by INTEGER REFERENCES users (id),
        decided_at TEXT NOT NULL,
        CHECK ((kind = 'split') = (second IS NULL))
    );
    CREATE INDEX person_decisions_by_first ON person_decisions (first);
    CREATE INDEX person_decisions_by_second ON person_decisions (second);
    """,
    # The People list's summary (archive/person_summary.py). It is built, with the blocking keys
    # read again under the name rules of this version, by persons.catch_up, which the next
    # import, People page or persons command runs (archive/persons.py RULES).
    _PERSON_SUMMARY,
    # A screened list, its candidates and decisions, sealed (screening/screenings.py).
    """
    CREATE TABLE screenings (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        rows INTEGER NOT NULL,
        with_candidates INTEGER NOT NULL,
        confirmed INTEGER NOT NULL,
        version INTEGER NOT NULL,
        data_key BLOB NOT NULL,
        sealed BLOB NOT NULL
    );
    """,
    # The summary's rank in the facet rows and its folded spellings under trigrams, filled from
    # the summary's own tables.
    _person_summary_indexes,
    # The papers a reparations claim needs (records/claims.py) as kinds of attachment: SQLite
    # cannot change a CHECK, so the table is made again with the rows as they are.
    """
    CREATE TABLE attachments_new (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('audio', 'consent_form', 'id_document',
                                           'civil_document', 'investigation_papers',
                                           'medical_report', 'photo')),
        size INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        created_by INTEGER REFERENCES users (id),
        sealed BLOB NOT NULL
    );
    INSERT INTO attachments_new SELECT id, owner, kind, size, created_at, created_by, sealed
        FROM attachments;
    DROP TABLE attachments;
    ALTER TABLE attachments_new RENAME TO attachments;
    CREATE INDEX attachments_by_owner ON attachments (owner, created_at);
    """,
    # Hand-over to the organisation's own archive and its signed receipts (docs/bundle-format.md,
    # "Hand-over and receipts"). The field side marks recipients that are its own archive,
    # remembers each record's version and file SHA-256 in what it exported, pins the archive's
    # receipt key and keeps the receipts it applied, with the testimonies each destroyed; the
    # archive remembers what each hand-over
    # carried and, sealed, the laptop's register key that came with it.
    """
    ALTER TABLE recipients ADD COLUMN own_archive INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE export_records ADD COLUMN version INTEGER;
    ALTER TABLE export_records ADD COLUMN record_sha256 TEXT;
    CREATE TABLE receipt_signers (
        fingerprint TEXT PRIMARY KEY,
        organisation TEXT NOT NULL,
        public_key TEXT NOT NULL,
        pinned_at TEXT NOT NULL
    );
    CREATE TABLE receipts_applied (
        receipt_id TEXT PRIMARY KEY,
        bundle_id TEXT NOT NULL UNIQUE,
        signer TEXT NOT NULL REFERENCES receipt_signers (fingerprint),
        applied_at TEXT NOT NULL,
        applied_by INTEGER REFERENCES users (id),
        shredded INTEGER NOT NULL,
        kept INTEGER NOT NULL
    );
    CREATE TABLE receipt_records (
        receipt_id TEXT NOT NULL REFERENCES receipts_applied (receipt_id),
        record_id TEXT NOT NULL,
        PRIMARY KEY (receipt_id, record_id)
    );
    CREATE TABLE handovers_received (
        bundle_id TEXT PRIMARY KEY REFERENCES bundles (id),
        register_key BLOB NOT NULL
    );
    CREATE TABLE handover_records (
        bundle_id TEXT NOT NULL REFERENCES handovers_received (bundle_id),
        record_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        record_sha256 TEXT NOT NULL,
        PRIMARY KEY (bundle_id, record_id)
    );
    """,
    # The prior-statements register (archive/register.py, docs/register.md): the entries of the
    # testimonies a receipt destroyed here, keyed hashes only beside what may be shown.
    """
    CREATE TABLE register_entries (
        record_id TEXT PRIMARY KEY,
        witness_code TEXT NOT NULL,
        interview_date TEXT NOT NULL,
        organisation TEXT NOT NULL,
        names TEXT NOT NULL,
        chains TEXT NOT NULL,
        birth_year TEXT NOT NULL,
        origin TEXT NOT NULL,
        bundle_id TEXT NOT NULL,
        received_at TEXT NOT NULL
    );
    """,
    # Per mention, how the survivor knows of the incident and what the perpetrator did, as codes
    # (bundle format version 3): a mention indexed before holds neither, since no bundle of an
    # earlier version could carry them.
    """
    ALTER TABLE archive_mentions ADD COLUMN witnessed TEXT NOT NULL DEFAULT '';
    ALTER TABLE archive_mentions ADD COLUMN roles TEXT NOT NULL DEFAULT '[]';
    """,
    # The trigram index of the folded spellings is written by archive/person_summary.py in one
    # statement for each refresh, not row by row by triggers (twenty times faster to fill).
    """
    DROP TRIGGER IF EXISTS person_folded_added;
    DROP TRIGGER IF EXISTS person_folded_removed;
    """,
)


def migrate(conn: Connection) -> bool:
    """Apply every pending migration; True when there was one."""
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        with transaction(conn):
            if callable(script):
                script(conn)
            else:
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
    return version < len(MIGRATIONS)
