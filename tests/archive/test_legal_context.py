"""What a record shows about an incident for the bars to amnesty: the survivor's community, sex
and age, the incident's date and captivity, taken from the record itself; what it leaves empty
or its records disagree on stays unknown, so the bar is flagged, never asserted."""

from __future__ import annotations

from intake.archive import legal_context
from intake.archive.legal_context import combine, context
from intake.records.qualifications import Context, amnesty_bars
from tests.archive.test_persons import HAMID, Sender, record_naming
from tests.conftest import full_record


def document(*, acts=("abduction", "sexual_slavery"), date="2014-08-15", **survivor):
    base = full_record()
    return {**base, "survivor": {**base["survivor"], **survivor},
            "incidents": [{"acts": list(acts), "date": date, "place": "Sinjar",
                           "perpetrators": [{"name": HAMID, "aliases": [], "role": "guard"}]}]}


def bar(doc, provision: str, incident: int = 0):
    said = context(doc, incident)
    return next((b for b in amnesty_bars(doc["incidents"][incident]["acts"], said)
                 if b.provision.id == provision), None)


def test_a_yazidi_woman_abducted_in_august_2014_shows_the_ysl_bar():
    found = bar(document(), "ysl_9_1")
    assert found is not None and found.shown
    assert context(document(), 0) == Context("yazidi", "female", False, "2014-08-15", True)


def test_a_male_survivor_contradicts_it():
    assert bar(document(sex="male"), "ysl_9_1") is None


def test_a_record_without_community_leaves_it_flagged():
    found = bar(document(community=""), "ysl_9_1")
    assert found is not None and found.not_shown == ("victim_community",)
    found = bar(document(community="prefer_not_to_say"), "ysl_9_1")
    assert found is not None and found.not_shown == ("victim_community",)


def test_speicher_stays_flagged_the_cadets_are_never_in_a_record():
    doc = document(acts=("killing",), date="2014-06-12", sex="male")
    found = bar(doc, "speicher_5")
    assert found is not None and found.not_shown == ("not_in_record",)
    assert bar(document(acts=("killing",), date="2014-08-15"), "speicher_5") is None


def test_captivity_from_the_acts_or_from_inside_the_abduction_and_release_dates():
    rape = document(acts=("rape",), date="2015-03")
    assert context(rape, 0).captivity is True  # 2014-08-03 to 2017-05~ (2016-04 at the earliest)
    assert context(document(acts=("rape",), date="2016-09"), 0).captivity is None  # maybe freed
    outside = document(acts=("rape",), date="2014-07")
    assert context(outside, 0).captivity is None  # before: another captivity, perhaps; never False
    no_dates = {**rape, "ysl": {}}
    assert context(no_dates, 0).captivity is None
    found = bar(no_dates, "ysl_9_1")
    assert found is not None and found.not_shown == ("during_captivity",)
    assert context(no_dates | {"incidents": [{"acts": ["captivity"], "date": "2015"}]},
                   0).captivity is True


def test_under_18_from_the_minor_flag_or_an_age_that_settles_it():
    assert context(document(minor=True), 0).victim_under_18 is True
    # born 1996~ (1995 to 1997), 18 at the abduction of 2014-08-03: an adult by August 15
    assert context(document(), 0).victim_under_18 is False
    child = document(date_of_birth="2004-05", age=None)
    child["ysl"] = {}
    assert context(child, 0).victim_under_18 is True
    unknown = document(date_of_birth="", age=None)
    unknown["ysl"] = {}
    assert context(unknown, 0).victim_under_18 is None
    near = document(date_of_birth="1996", age=None, date="2014-03")
    near["ysl"] = {}
    assert context(near, 0).victim_under_18 is None  # 17 or 18: not shown either way
    aged = document(date_of_birth="", age=30)  # 30 at the 2024-03-12 interview: born 1993-94
    aged["ysl"] = {}
    assert context(aged, 0).victim_under_18 is False


def test_an_incident_without_a_date_of_its_own_takes_the_index_date():
    doc = document(date="")
    assert context(doc, 0, "2014-08-20").incident_date == "2014-08-20"
    assert context(doc, 5) == Context("yazidi", "female", None, "", None)  # no such incident


def test_records_that_disagree_show_nothing_and_the_first_date_wins():
    trial = Context("yazidi", "female", None, "2014-08-15", True)
    research = Context("yazidi", "male", False, "2014-08", None)
    assert combine([trial, research]) == Context("yazidi", None, False, "2014-08-15", True)
    assert combine([], "2014") == Context(incident_date="2014")


def test_the_records_of_the_archive_are_opened_and_combined(homes, tmp_path, monkeypatch):
    first, _second, law = homes
    ship = Sender(tmp_path, monkeypatch, law)
    record = record_naming(first, HAMID, acts=("sexual_slavery",))
    ship(first, [record])
    ship(first, [record], purpose="reparations")
    seqs = [seq for (seq,) in law.conn.execute("SELECT seq FROM archive_records ORDER BY seq")]
    assert len(seqs) == 2
    said = legal_context.of_records(law.conn, law.vault, seqs, 0, "2014")
    assert said == Context("yazidi", "female", False, "2014-08-03", True)
