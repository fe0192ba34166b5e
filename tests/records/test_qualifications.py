"""The legal data: every act of the taxonomy has its qualifications, the file is refused when
damaged, and amnesty bars are asserted only where the record shows every condition."""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.records import qualifications as q
from intake.records.taxonomy import acts

FULL = q.Context(victim_community="yazidi", victim_sex="female", victim_under_18=False,
                 incident_date="2014-08-03/2015-05", captivity=True)


def _data() -> dict:
    return json.loads(resources.files("intake").joinpath("data/qualifications.json")
                      .read_text("utf-8"))


def test_the_file_loads_and_has_an_entry_for_every_act():
    table = q._parse(_data(), acts())
    assert list(table.acts) == list(acts())
    assert set(q.provisions()) == set(_data()["provisions"])


def test_every_act_has_its_rome_statute_articles_first():
    for act, articles in acts().items():
        found = q.qualifications(act)
        rome = [x for x in found if isinstance(x, q.RomeStatuteArticle)]
        assert [x.article for x in rome] == articles
        assert found[:len(rome)] == rome
        assert all(x.covers for x in rome)
        if act != "other":  # 'other' names no article: the lawyer reads the description
            assert rome, act


def test_every_act_has_iraqi_provisions_that_list_it():
    for act in acts():
        provisions = [x for x in q.qualifications(act) if isinstance(x, q.Provision)]
        assert provisions, act
        assert all(act in p.acts for p in provisions)


def test_the_yazidi_survivors_law_and_the_speicher_law_bar_amnesty():
    ysl, speicher = q.provisions()["ysl_9_1"], q.provisions()["speicher_5"]
    assert ysl.bars_amnesty and (ysl.law, ysl.number, ysl.year, ysl.article) == (
        "Yazidi [Female] Survivors Law", 8, 2021, "9 (First)")
    assert speicher.bars_amnesty and (speicher.number, speicher.year, speicher.article) == (
        12, 2019, "5")
    assert {"abduction", "captivity", "enslavement", "sexual_slavery"} <= set(ysl.acts)
    assert set(speicher.acts) == {"killing", "mass_killing"}
    assert not q.provisions()["amnesty_2025_retrial"].bars_amnesty


def test_an_article_not_confirmed_says_so():
    for provision in q.provisions().values():
        assert provision.sources
        if provision.article is None:
            assert "article not confirmed" in (provision.needs_reading or "").lower()


def test_a_bar_is_asserted_when_the_record_shows_every_condition():
    bars = {bar.provision.id: bar for bar in q.amnesty_bars(["abduction", "rape"], FULL)}
    assert bars["ysl_9_1"].shown and bars["ysl_9_1"].not_shown == ()
    assert bars["ysl_9_1"].acts == ("abduction", "rape")
    assert not bars["amnesty_2016_rape"].shown  # the charge is not in the record
    assert bars["amnesty_2016_rape"].not_shown == ("not_in_record",)
    assert all(bar.provision.bars_amnesty for bar in bars.values())


@pytest.mark.parametrize(("context", "unshown"), [
    (q.Context(), ("victim_community", "victim_female", "incident_from", "during_captivity")),
    (q.Context(victim_community="prefer_not_to_say", victim_sex="female",
               incident_date="2014-08-03", captivity=True), ("victim_community",)),
    (q.Context(victim_community="other", victim_sex="female", incident_date="2014",
               captivity=True), ("victim_community", "incident_from")),
    (q.Context(victim_community="yazidi", victim_sex="prefer_not_to_say",
               incident_date="not a date", captivity=None),
     ("victim_female", "incident_from", "during_captivity")),
    (q.Context(victim_community="shabak", victim_sex="female", incident_date="2014-08~",
               captivity=True), ("incident_from",)),
], ids=["nothing said", "community withheld", "other community, year only",
        "sex withheld, bad date, captivity unknown", "approximate month"])
def test_a_record_that_does_not_say_enough_is_flagged_not_asserted(context, unshown):
    bars = {bar.provision.id: bar for bar in q.amnesty_bars(["captivity"], context)}
    assert not bars["ysl_9_1"].shown
    assert bars["ysl_9_1"].not_shown == unshown


@pytest.mark.parametrize("context", [
    q.Context(victim_community="yazidi", victim_sex="male", incident_date="2014-08-03",
              captivity=True),
    q.Context(victim_community="yazidi", victim_sex="female", incident_date="2014-06-12",
              captivity=True),
    q.Context(victim_community="yazidi", victim_sex="female", incident_date="2014-08-03",
              captivity=False),
], ids=["male", "before 3 August 2014", "not in captivity"])
def test_a_record_that_contradicts_a_condition_drops_the_bar(context):
    assert "ysl_9_1" not in {bar.provision.id for bar in q.amnesty_bars(["rape"], context)}


def test_the_speicher_bar_is_flagged_since_the_record_cannot_show_the_victims_were_cadets():
    june = q.Context(incident_date="2014-06-12")
    (bar,) = [b for b in q.amnesty_bars(["mass_killing"], june) if b.provision.id == "speicher_5"]
    assert bar.not_shown == ("not_in_record",)
    assert "speicher_cadets" in bar.provision.conditions.not_in_record
    august = q.Context(incident_date="2014-08-03")
    assert "speicher_5" not in {b.provision.id for b in q.amnesty_bars(["killing"], august)}
    year = q.Context(incident_date="2014")
    (bar,) = [b for b in q.amnesty_bars(["killing"], year) if b.provision.id == "speicher_5"]
    assert bar.not_shown == ("incident_within", "not_in_record")


def test_acts_without_a_bar_give_none_and_unknown_acts_are_refused():
    assert q.amnesty_bars([], FULL) == []
    assert q.amnesty_bars(["pillage", "other"], FULL) == []
    with pytest.raises(KeyError, match="not an act"):
        q.amnesty_bars(["arson"], FULL)
    with pytest.raises(KeyError, match="not an act"):
        q.qualifications("arson")


def _damaged(change) -> dict:
    data = copy.deepcopy(_data())
    change(data)
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["acts"].update(arson=[]), "acts: arson: not an act of the taxonomy"),
    (lambda d: d["acts"].pop("pillage"), "acts: pillage: missing"),
    (lambda d: d["acts"]["rape"].append("ysl_99"), "acts: rape: ysl_99: no such provision"),
    (lambda d: d["acts"].update({a: [p for p in ps if p != "speicher_5"]
                                 for a, ps in d["acts"].items()}),
     "provisions: speicher_5: no act refers to it"),
    (lambda d: d["provisions"]["ysl_9_1"].update(scope="all"),
     "provisions: ysl_9_1: unknown key 'scope'"),
    (lambda d: d["provisions"]["ysl_9_1"].pop("bars_amnesty"),
     "provisions: ysl_9_1: missing key 'bars_amnesty'"),
    (lambda d: d["provisions"]["ysl_9_1"]["conditions"].update(victim_age=17),
     "provisions: ysl_9_1: conditions: unknown key 'victim_age'"),
    (lambda d: d["provisions"]["ysl_9_1"]["conditions"].update(victim_community=["kurd"]),
     "provisions: ysl_9_1: conditions: victim_community: not a community code: kurd"),
    (lambda d: d["provisions"]["speicher_5"]["conditions"].update(incident_within="June"),
     "provisions: speicher_5: conditions: incident_within: not an EDTF date"),
    (lambda d: d["provisions"]["speicher_5"].update(sources=["hearsay"]),
     "provisions: speicher_5: sources: hearsay: no such source"),
    (lambda d: d["provisions"]["speicher_5"].update(bars_amnesty="yes"),
     "provisions: speicher_5: bars_amnesty: must be true or false"),
    (lambda d: d["provisions"]["speicher_5"].update(article=None),
     "provisions: speicher_5: article: null without 'article not confirmed' in needs_reading"),
    (lambda d: d["rome_statute"]["articles"].pop("6(e)"),
     "rome_statute: articles: 6\\(e\\): missing"),
    (lambda d: d["rome_statute"]["articles"].update({"8(2)(b)(xxii)": "x"}),
     "rome_statute: articles: 8\\(2\\)\\(b\\)\\(xxii\\): not named in data/acts.json"),
    (lambda d: d.update(notes=""), "unknown key 'notes'"),
], ids=["unknown act", "missing act", "missing provision", "orphan provision",
        "unknown provision key", "missing provision key", "unknown condition",
        "unknown community", "bad date", "unknown source", "bad flag", "invented article",
        "undescribed article", "extra article", "unknown top key"])
def test_a_damaged_file_is_refused_with_a_clear_error(change, message):
    with pytest.raises(ValueError, match="data/qualifications.json: " + message):
        q._parse(_damaged(change), acts())


def test_the_loader_reads_the_file_once():
    assert q._table() is q._table()


@given(st.sets(st.sampled_from(list(acts()))),
       st.builds(q.Context,
                 victim_community=st.sampled_from(
                     [None, "", "yazidi", "turkmen", "shabak", "christian", "other",
                      "prefer_not_to_say"]),
                 victim_sex=st.sampled_from([None, "", "female", "male", "other"]),
                 victim_under_18=st.sampled_from([None, True, False]),
                 incident_date=st.sampled_from(["", "2014", "2014-06", "2014-06-12",
                                                "2014-08-02/2014-08-05", "2014-08-03",
                                                "2015~", "2014-08-XX", "nonsense"]),
                 captivity=st.sampled_from([None, True, False])))
def test_any_acts_yield_only_bars_of_provisions_listing_those_acts(chosen, context):
    bars = q.amnesty_bars(sorted(chosen), context)
    assert len({bar.provision.id for bar in bars}) == len(bars)
    for bar in bars:
        assert bar.provision.bars_amnesty
        assert bar.acts and set(bar.acts) <= chosen and set(bar.acts) <= set(bar.provision.acts)
        assert bar.shown == (bar.not_shown == ())
    if not chosen:
        assert bars == []
