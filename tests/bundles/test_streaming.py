"""Bundles stream: exporting or importing several times more records does not hold several times
more in memory. Records here are large (about 70 KB of Sorani narrative each) so that keeping
them would show; Python's allocations are traced (age's own buffers are fixed-size chunks)."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from intake.archive import importer
from intake.bundles import export as exports
from intake.bundles import own_keys, selection
from intake.records import testimonies
from tests.bundles.test_bundles import field, identity, law, lawyers  # noqa: F401 - fixtures
from tests.conftest import full_record

NARRATIVE = "ئەوان ئێمەیان لە کۆچۆ برد و فرۆشتیان. " * 1000


def _peak(action) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _round_trip(field, law, lawyers, tmp_path, count: int) -> tuple[int, int]:  # noqa: F811
    ids = [testimonies.create(field.conn, field.vault, field.user, full_record(narrative=[
        {"language": "ckb", "text": f"{n} {NARRATIVE}"}]), completed=True).id for n in range(count)]
    plan = selection.plan(field.conn, field.vault, field.user, "trial", [lawyers], ids)
    out = tmp_path / f"{count}.intake.age"
    exported = _peak(lambda: exports.write(field.conn, field.vault, field.user, plan, [lawyers], out))
    trust = own_keys.signing_key(field.conn, field.vault).fingerprint
    imported = _peak(lambda: importer.import_bundle(law.conn, law.vault, law.user, out,
                                                   [identity(law)], trust=trust))
    return exported, imported


@pytest.mark.slow
def test_export_and_import_memory_does_not_grow_with_the_records(field, law, lawyers,  # noqa: F811
                                                                 tmp_path):
    gc.set_threshold(200, 5, 5)  # collect cyclic garbage promptly, so peaks show what is kept
    try:
        small = _round_trip(field, law, lawyers, tmp_path, 10)
        large = _round_trip(field, law, lawyers, tmp_path, 70)
    finally:
        gc.set_threshold(700, 10, 10)
    holding_them = 60 * len(NARRATIVE.encode())  # what keeping the extra records would cost
    for before, after in zip(small, large, strict=True):
        assert after - before < holding_them / 4, (small, large, holding_them)


class _Zeros:
    """A readable source of ``size`` bytes that never exist all at once."""

    def __init__(self, size: int):
        self.left = size

    def read(self, n: int) -> bytes:
        n = min(n, self.left)
        self.left -= n
        return b"\x07" * n


def _attachment_round_trip(field, law, lawyers, tmp_path, size: int) -> tuple[int, int, int]:  # noqa: F811
    from intake.records import attachments

    document = full_record()
    document["consent"].update(audio=True, identity_to_prosecutors=True)
    record = testimonies.create(field.conn, field.vault, field.user, document, completed=True)
    received: list = []
    attached = _peak(lambda: received.append(attachments.receive(
        _Zeros(size), field.config.attachments_path)))
    testimonies.attach(field.conn, field.vault, field.user, record.id, received[0], kind="audio",
                       filename="long.ogg", declared_type="audio/ogg")
    plan = selection.plan(field.conn, field.vault, field.user, "trial", [lawyers], [record.id])
    out = tmp_path / f"{size}.intake.age"
    exported = _peak(lambda: exports.write(field.conn, field.vault, field.user, plan, [lawyers], out))
    trust = own_keys.signing_key(field.conn, field.vault).fingerprint
    imported = _peak(lambda: importer.import_bundle(law.conn, law.vault, law.user, out,
                                                   [identity(law)], trust=trust))
    return attached, exported, imported


def test_a_large_attachment_streams_in_and_out(field, law, lawyers, tmp_path):  # noqa: F811
    """An 80 MiB recording is attached, exported and imported holding no more than an 8 MiB
    one does (give or take 4 MiB), and far less than itself."""
    small = _attachment_round_trip(field, law, lawyers, tmp_path, 8 << 20)
    large = _attachment_round_trip(field, law, lawyers, tmp_path, 80 << 20)
    print("peaks (attach, export, import), 8 and 80 MiB:", small, large)
    for before, after in zip(small, large, strict=True):
        assert after - before < 4 << 20 and after < 40 << 20, (before, after)


def test_produced_hands_over_what_is_written_and_stops_the_writer_when_the_reader_stops():
    from intake.streams import produced

    ended: list[BaseException] = []

    def forever(out) -> None:
        try:
            while True:
                out.write(b"x" * 1024)
        except OSError as exc:
            ended.append(exc)
            raise

    pieces = produced(forever, depth=2)
    assert [next(pieces) for _ in range(3)] == [b"x" * 1024] * 3
    pieces.close()  # a download cancelled half-way: the writer's next write fails, and it ends
    assert [str(e) for e in ended] == ["the reader stopped"]
    assert list(produced(lambda out: out.write(b"all"))) == [b"all"]

    def failing(out) -> None:
        out.write(b"half")
        raise ValueError("disk gone")

    with pytest.raises(ValueError, match="disk gone"):
        list(produced(failing))
