"""The prior-statements register (docs/register.md): has this organisation met this survivor
before, asked without holding her earlier testimony?

Each testimony gives a register **entry**: keyed hashes (HMAC-SHA256 under the laptop's register
key, bundles/own_keys.py) of script-independent keys of the survivor's names, of her birth year
and of her place of origin, with the witness code, the interview date and the organisation. A
name key is her given name with one other word of the same name, each as the perpetrator index
reads it across Arabic, Sorani, Kurmanji, Turkish and English spellings (archive/names.py: the
consonant skeleton of its reading), so that "Khalida Khalaf Murad", "Xalida Xelef" and
"خالدة خلف مراد" share keys. The archive computes the entries of a hand-over's records with the
laptop's key and sends them in its receipt (archive/receipts.py); the laptop keeps them here
after it destroyed those testimonies, and computes its own testimonies' entries when asked.

A **candidate** shares at least one name key with the survivor being interviewed; where both
gave three names or more, they share the first three; and its birth year, where both are known,
is within a year of hers. Sharing two keys, or one and the year or
the place of origin, makes it strong. Only its witness code and interview date are shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

from intake.archive.names import read_name
from intake.bundles.own_keys import register_key
from intake.clock import now_utc
from intake.home.users import User
from intake.records import testimonies
from intake.records.folding import fold
from intake.store.connection import Connection
from intake.vault.crypto import keyed_hash
from intake.vault.keys import Vault

MAX_NAME_KEYS = 200
_HEX32 = re.compile(r"[0-9a-f]{32}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_YEAR = re.compile(r"^(\d{4})")
_SEP = "\x1f"


@dataclass(frozen=True)
class Candidate:
    record_id: str
    witness_code: str
    interview_date: str
    where: str  # "here": a testimony on this laptop; "archive": from a receipt
    shared: int  # name keys in common
    strong: bool


# ---- keys ----

def name_keys(full_name: str, other_names: list[str] | tuple[str, ...] = ()) -> set[str]:
    """The script-independent keys of a survivor's names: for each written name of two words or
    more, its given name with each other word, as consonant skeletons."""
    keys: set[str] = set()
    if not full_name.strip():
        return keys
    name = read_name(full_name.strip(), tuple(n.strip() for n in other_names if n.strip()))
    for chain in name.chains:
        given, others = chain[0], chain[1:]
        for word in (*others, *sorted(name.nisbas, key=lambda w: w.reading)):
            for a, b in product(given.skeletons, word.skeletons):
                if a and b:
                    keys.add(f"g{_SEP}{a}{_SEP}{b}")
    return keys


def chain_keys(full_name: str) -> set[str]:
    """Her given, father's and grandfather's names together, as skeletons, when she gave three
    or more: two such names that share none are two people (sisters, or namesakes), however
    many pairs they share."""
    keys: set[str] = set()
    chains = read_name(full_name.strip()).chains if full_name.strip() else ()
    if chains and len(chains[0]) >= 3:
        for a, b, c in product(*(word.skeletons for word in chains[0][:3])):
            keys.add(f"c{_SEP}{a}{_SEP}{b}{_SEP}{c}")
    return keys


def birth_year(document: dict) -> int | None:
    """Her year of birth: from the date of birth, or else from her age at the interview."""
    survivor = document.get("survivor") or {}
    found = _YEAR.match(str(survivor.get("date_of_birth") or ""))
    if found:
        return int(found.group(1))
    interviewed = _YEAR.match(str((document.get("interview") or {}).get("date") or ""))
    age = survivor.get("age")
    if interviewed and isinstance(age, int) and not isinstance(age, bool):
        return int(interviewed.group(1)) - age
    return None


def _origin(document: dict) -> str:
    return " ".join(fold(str((document.get("survivor") or {}).get("place_of_origin") or "")).split())


@dataclass(frozen=True)
class _Hashes:
    names: list[str]
    chains: list[str]
    year: str
    origin: str


def _hashes(document: dict, key: bytes) -> _Hashes:
    survivor = document.get("survivor") or {}
    full_name = str(survivor.get("full_name") or "")
    names = name_keys(full_name, [str(n) for n in survivor.get("other_names") or []])
    year = birth_year(document)
    origin = _origin(document)
    return _Hashes(sorted(keyed_hash(key, f"name{_SEP}{k}") for k in names)[:MAX_NAME_KEYS],
                   sorted(keyed_hash(key, f"chain{_SEP}{k}")
                          for k in chain_keys(full_name))[:MAX_NAME_KEYS],
                   keyed_hash(key, f"year{_SEP}{year}") if year is not None else "",
                   keyed_hash(key, f"origin{_SEP}{origin}") if origin else "")


def entry(document: dict, key: bytes, *, record_id: str, witness_code: str,
          organisation: str) -> dict:
    """The register entry of one testimony: keyed hashes and what may be shown, nothing else."""
    hashed = _hashes(document, key)
    return {"record_id": record_id, "witness_code": witness_code,
            "interview_date": str((document.get("interview") or {}).get("date") or "")[:64],
            "organisation": organisation[:200], "names": hashed.names, "chains": hashed.chains,
            "birth_year": hashed.year, "origin": hashed.origin}


def check_entry(value: object) -> dict:
    """An entry read from a receipt (untrusted), or ValueError naming what is wrong."""
    if not isinstance(value, dict):
        raise ValueError("a register entry is not an object")
    names, chains = (value.get(k) for k in ("names", "chains"))
    texts = [value.get(k) for k in ("record_id", "witness_code", "interview_date",
                                    "organisation", "birth_year", "origin")]
    if not all(isinstance(t, str) for t in texts) or not isinstance(names, list) \
            or not isinstance(chains, list):
        raise ValueError("a register entry lacks a field")
    record_id, witness_code, interview_date, organisation, year, origin = (str(t) for t in texts)
    if not _HEX32.fullmatch(record_id) or len(witness_code) > 64 or len(interview_date) > 64 \
            or len(organisation) > 200 \
            or not all(len(v) <= MAX_NAME_KEYS and all(isinstance(h, str) and _HEX64.fullmatch(h)
                                                      for h in v) for v in (names, chains)) \
            or not all(h == "" or _HEX64.fullmatch(h) for h in (year, origin)):
        raise ValueError("a register entry is malformed")
    return {"record_id": record_id, "witness_code": witness_code,
            "interview_date": interview_date, "organisation": organisation,
            "names": sorted(set(names)), "chains": sorted(set(chains)), "birth_year": year,
            "origin": origin}


# ---- the laptop's register ----

def remember(conn: Connection, entries: list[dict], bundle_id: str) -> int:
    """Keep the entries of an applied receipt (inside the caller's transaction)."""
    stamp = now_utc()
    for item in entries:
        conn.execute(
            "INSERT INTO register_entries (record_id, witness_code, interview_date, "
            "organisation, names, chains, birth_year, origin, bundle_id, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET "
            "witness_code = excluded.witness_code, interview_date = excluded.interview_date, "
            "organisation = excluded.organisation, names = excluded.names, "
            "chains = excluded.chains, birth_year = excluded.birth_year, "
            "origin = excluded.origin, bundle_id = excluded.bundle_id, "
            "received_at = excluded.received_at",
            (item["record_id"], item["witness_code"], item["interview_date"],
             item["organisation"], " ".join(item["names"]), " ".join(item["chains"]),
             item["birth_year"], item["origin"], bundle_id, stamp))
    return len(entries)


def candidates(conn: Connection, vault: Vault, viewer: User, document: dict, *,
               exclude: str | None = None) -> list[Candidate]:
    """Earlier testimonies that may be this survivor's: on this laptop, and from the archive's
    receipts; strongest first. Those already linked in ``document`` are left out."""
    key = register_key(conn, vault)
    ours = _hashes(document, key)
    if not ours.names:
        return []
    year = birth_year(document)
    years = {keyed_hash(key, f"year{_SEP}{y}") for y in (year - 1, year, year + 1)} \
        if year is not None else set()
    linked = {e.get("record_id") for e in (document.get("interview") or {})
              .get("earlier_interviews", [])}
    found: dict[str, Candidate] = {}
    rows = conn.execute("SELECT record_id, witness_code, interview_date, names, chains, "
                        "birth_year, origin FROM register_entries").fetchall()
    for record_id, code, date, names, chains, held_year, held_origin in rows:
        _consider(found, Candidate(record_id, code, date, "archive", 0, False), ours, years,
                  _Hashes(names.split(), chains.split(), held_year, held_origin))
    for summary in _all_summaries(conn, viewer):
        if summary.id == exclude or summary.id in found:
            continue
        other = testimonies.load(conn, vault, summary.id, viewer).document
        date = str((other.get("interview") or {}).get("date") or "")
        _consider(found, Candidate(summary.id, summary.witness_code, date, "here", 0, False),
                  ours, years, _hashes(other, key))
    kept = [c for c in found.values() if c.record_id not in linked and c.record_id != exclude]
    return sorted(kept, key=lambda c: (not c.strong, -c.shared, c.witness_code))


def _consider(found: dict[str, Candidate], seen: Candidate, ours: _Hashes, years: set[str],
              theirs: _Hashes) -> None:
    shared = len(set(ours.names).intersection(theirs.names))
    if not shared:
        return
    if years and theirs.year and theirs.year not in years:
        return  # both birth years known, and more than a year apart
    if ours.chains and theirs.chains and not set(ours.chains).intersection(theirs.chains):
        return  # both gave three names, and the third differs: sisters, or namesakes
    strong = shared >= 2 or bool(years and theirs.year) or \
        bool(ours.origin and ours.origin == theirs.origin)
    found[seen.record_id] = Candidate(seen.record_id, seen.witness_code, seen.interview_date,
                                      seen.where, shared, strong)


def _all_summaries(conn: Connection, viewer: User) -> list[testimonies.Summary]:
    page, rows = 1, []
    while True:
        found, total = testimonies.summaries(conn, viewer, page=page, per_page=500)
        rows += found
        if page * 500 >= total:
            return rows
        page += 1


def link(conn: Connection, vault: Vault, viewer: User, record_id: str, earlier_id: str,
         organisation: str) -> Candidate:
    """Link one of a testimony's candidates to it as an earlier interview (saved, so audited as
    an edit); LookupError when ``earlier_id`` is not one of its candidates."""
    record = testimonies.load(conn, vault, record_id, viewer)
    chosen = next((c for c in candidates(conn, vault, viewer, record.document, exclude=record_id)
                   if c.record_id == earlier_id), None)
    if chosen is None:
        raise LookupError(earlier_id)
    document = {**record.document}
    interview = {**document.get("interview", {})}
    interview["earlier_interviews"] = [
        *[e for e in interview.get("earlier_interviews", []) if any(e.values())],
        {"organisation": organisation, "date": chosen.interview_date, "kind": "ngo",
         "copy_available": True, "witness_code": chosen.witness_code,
         "record_id": chosen.record_id}]
    document["interview"] = interview
    testimonies.save(conn, vault, viewer, record_id, document, draft=record.status != "complete")
    return chosen
