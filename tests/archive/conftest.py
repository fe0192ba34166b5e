"""What the archive's tests share: two field laptops of different organisations and an archive,
closed after the test; and two export times, for the compromised-since mark."""

from __future__ import annotations

import pytest

from tests.archive_homes import make_archive, make_home

MARCH, JUNE = "2026-03-01T10:00:00+00:00", "2026-06-01T09:30:00+00:00"


@pytest.fixture
def homes(tmp_path):
    made = (make_home(tmp_path / "a", "Field Org"), make_home(tmp_path / "b", "Second Org"),
            make_archive(tmp_path / "law"))
    yield made
    for home in made:
        home.close()
