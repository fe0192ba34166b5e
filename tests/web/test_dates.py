"""EDTF dates in words (web/dates.py): the forms a testimony uses read as a person says them, and
every valid EDTF value renders in every interface language without EDTF's own signs."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from intake.records.schema import is_edtf
from intake.web.dates import in_words
from intake.web.i18n import LANGUAGES

SIGNS = ("~", "?", "%", "/", "..")


@pytest.fixture
def context(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(("value", "words"), [
    ("2014", "2014"),
    ("2014-08", "August 2014"),
    ("2014-08-03", "August 3, 2014"),
    ("2014-08~", "around August 2014"),
    ("2014?", "perhaps 2014"),
    ("2014-08%", "perhaps around August 2014"),
    ("201X", "some time between 2010 and 2019"),
    ("2014-XX", "2014"),
    ("2014-08-XX", "August 2014"),
    ("2014-22", "summer 2014"),
    ("2014-08-03/2016-05", "from August 3, 2014 to May 2016"),
    ("2014-08-03/..", "from August 3, 2014 onwards"),
    ("2014-08-03/", "from August 3, 2014 to an unknown date"),
    ("../2017", "up to 2017"),
    ("/2017", "from an unknown date to 2017"),
    ("2014~/2015?", "from around 2014 to perhaps 2015"),
    ("{2014,2015}", "2014 and 2015"),
    ("[2014,2016]", "2014 or 2016"),
    ("XXXX", "(unknown)"),
    ("", ""),
    ("summer 2014", "(unknown)"),  # not EDTF: never shown as typed
])
def test_dates_read_as_words(context, value, words):
    with force_locale("en"):
        assert in_words(value) == words


def test_month_names_come_from_the_readers_language(context):
    with force_locale("ar"):
        assert "أغسطس 2014" in in_words("2014-08-03/2017-05")
        assert "مايو 2017" in in_words("2014-08-03/2017-05")
    with force_locale("ku"):
        assert "tebaxa 2014an" in in_words("2014-08~")


_year = st.one_of(st.from_regex(r"\A[0-9]{4}\Z"), st.from_regex(r"\A-[0-9]{4}\Z"),
                  st.from_regex(r"\A[0-9]{2,3}X{1,2}\Z"), st.from_regex(r"\AY-?[1-9][0-9]{4,8}\Z"),
                  st.from_regex(r"\A[0-9]{4}S[1-4]\Z"), st.from_regex(r"\AY[1-9]E[1-9]\Z"))
_month = st.one_of(st.integers(1, 12).map(lambda m: f"{m:02d}"), st.just("XX"),
                   st.integers(21, 41).map(str))
_day = st.one_of(st.integers(1, 31).map(lambda d: f"{d:02d}"), st.just("XX"), st.just("1X"))
_mark = st.sampled_from(["", "", "~", "?", "%"])


@st.composite
def _date(draw) -> str:
    year, parts = draw(_year), []
    if not year.startswith("Y") and "S" not in year and draw(st.booleans()):
        parts.append(draw(_mark) + draw(_month))
        if draw(st.booleans()):
            parts.append(draw(_mark) + draw(_day))
    return "-".join([draw(_mark) + year if parts else year, *parts]) + draw(_mark)


@st.composite
def _value(draw) -> str:
    kind = draw(st.sampled_from(["date", "interval", "open", "set", "time"]))
    if kind == "date":
        return draw(_date())
    if kind == "interval":
        return f"{draw(_date())}/{draw(_date())}"
    if kind == "open":
        return draw(st.sampled_from(["{}/..", "{}/", "../{}", "/{}"])).format(draw(_date()))
    if kind == "set":
        items = draw(st.lists(st.one_of(_date(), _date().map(lambda d: f"{d}.."),
                                        _date().map(lambda d: f"..{d}")), min_size=1, max_size=3))
        return draw(st.sampled_from(["[{}]", "{{{}}}"])).format(",".join(items))
    return draw(st.from_regex(r"\A20[0-9]{2}-0[1-9]-[12][0-9]\Z")) + "T10:20:30Z"


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow,
                                 HealthCheck.function_scoped_fixture])
@given(value=_value())
def test_every_valid_edtf_value_reads_without_its_signs_in_every_language(context, value):
    assume(is_edtf(value))
    for lang in LANGUAGES:
        with force_locale(lang):
            words = in_words(value)
        assert words, (value, lang)
        assert not any(sign in words for sign in SIGNS), (value, lang, words)
        assert value not in words or value.isdigit() or value.lstrip("-").isdigit(), (value, lang)
