"""Synthetic testimonies for `make bench`: realistic in shape and size (multilingual narratives of
2–20 KB, incidents with acts, dates and places, relatives, needs, varied consent), reproducible
from a fixed seed, and valid against the schema. No real person's words or names.

The perpetrators are invented too (:func:`perpetrator`): Iraqi names of four parts (given name,
father, grandfather, great-grandfather) drawn from tools/bench_names.py's common names and
invented ones, a nisba, and a kunya, each written in Arabic or Latin letters with the usual
spelling variants; a record names two, three or four parts, with or without the nisba, or the
kunya alone or as an alias. A few perpetrators are named in many records and most in few, so
that an import groups new mentions with those of earlier records, as a real archive's would.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate

from intake.records.taxonomy import acts
from tools.bench_names import _NAMES, _TRIBES, _invented, _is_arabic

SEED = 2014_08_03
# Short everyday phrases per language; narratives are built by drawing from them.
PHRASES = {
    "ku": ["Di sibehê de ew hatin gund", "em birin dibistanê", "jin û zarok ji mêran veqetandin",
           "me tiştek nizanibû", "piştî çend rojan em birin Tel Ezer", "bavê min li wir ma",
           "me av nedît", "ez bi şev reviyam", "xwişka min hîn winda ye", "em li çiyê man"],
    "ar": ["جاؤوا إلى القرية في الصباح", "أخذونا إلى المدرسة", "فصلوا النساء والأطفال عن الرجال",
           "لم نكن نعرف شيئا", "بعد أيام نقلونا إلى تلعفر", "بقي أبي هناك", "لم نجد الماء",
           "هربت في الليل", "أختي ما زالت مفقودة", "بقينا في الجبل"],
    "ckb": ["بەیانی هاتنە ناو گوندەکە", "بردیانین بۆ قوتابخانەکە", "ژن و منداڵیان جیاکردەوە",
            "هیچمان نەدەزانی", "دوای چەند ڕۆژێک بردیانین", "باوکم لەوێ مایەوە", "ئاومان نەبوو"],
    "tr": ["Sabah köye geldiler", "bizi okula götürdüler", "kadınları ve çocukları ayırdılar",
           "hiçbir şey bilmiyorduk", "birkaç gün sonra Telafer'e götürdüler", "babam orada kaldı"],
    "syr": ["ܐܬܘ ܠܩܪܝܬܐ ܒܨܦܪܐ", "ܕܒܪܘܢ ܠܒܝܬ ܣܦܪܐ", "ܦܪܫܘ ܢܫܐ ܘܝܠܘܕܐ", "ܠܐ ܝܕܥܝܢ ܗܘܝܢ ܡܕܡ",
            "ܒܬܪ ܝܘܡܬܐ ܕܒܪܘܢ", "ܐܒܝ ܦܫ ܬܡܢ"],
    "en": ["They came to the village in the morning", "we were taken to the school",
           "they separated the women and children from the men", "we knew nothing",
           "after some days they moved us to Tal Afar", "my father stayed there"],
}
GIVEN = ["Nadia", "Layla", "Xelîl", "Dilan", "Sara", "Murad", "Ibrahim", "Maryam", "Yousif",
         "Ezîz", "Shirin", "Khalida", "Adnan", "Gule", "Ameena", "Ne'man", "ناديه", "خليل", "ليلى"]
PLACES = ["Kocho", "Tal Afar", "Sinjar", "Khanke", "Bashiqa", "Bartella", "Qaraqosh",
          "Tel Banat", "Hardan", "Solagh", "Raqqa", "Mosul", "Tal Qasab", "Siba Sheikh Khidir"]
COMMUNITIES = ["yazidi", "yazidi", "yazidi", "turkmen", "shabak", "christian"]
RELATIONS = ["mother", "father", "brother", "sister", "son", "daughter", "husband", "cousin"]
STATUSES = ["missing", "killed", "survived", "unknown"]
NEEDS = ["medical", "psychosocial", "legal", "livelihood", "shelter"]


PERPETRATORS = 5_000  # invented perpetrators the records name
ROLES = ["guard", "emir", "driver", "judge", "interrogator", ""]


@lru_cache(maxsize=1)
def _perpetrators() -> tuple[list[tuple[list[str], ...]], list[float]]:
    """The invented perpetrators, each four name parts, a nisba and the name of the son of
    their kunya (each part its spellings), and the cumulative weights of drawing them: the
    n-th named about 1/(n+10) as often as the others together."""
    rng = random.Random(SEED + 1)
    pool = _NAMES + [_invented(rng) for _ in range(1000)]  # half the names drawn are common ones
    weights = [len(pool) / len(_NAMES) - 1] * len(_NAMES) + [1.0] * (len(pool) - len(_NAMES))
    found = [tuple(pool[n] for n in rng.choices(range(len(pool)), weights, k=5))
             + (rng.choice(_TRIBES),) for _ in range(PERPETRATORS)]
    return found, list(accumulate(1 / (n + 10) for n in range(PERPETRATORS)))


def _spell(rng: random.Random, spellings: list[str], arabic: bool) -> str:
    return rng.choice([w for w in spellings if _is_arabic(w) == arabic] or spellings)


def perpetrator(rng: random.Random) -> dict:
    """One mention of an invented perpetrator (module docstring)."""
    found, weights = _perpetrators()
    *parts, son, nisba = rng.choices(found, cum_weights=weights)[0]
    arabic = rng.random() < 0.4
    kunya = ("أبو " if arabic else rng.choice(["Abu ", "Abu ", "Ebu "])) + _spell(rng, son, arabic)
    words = [_spell(rng, part, arabic) for part in parts[:rng.choice((2, 3, 3, 4))]]
    if rng.random() < 0.6:
        words.append(_spell(rng, nisba, arabic))
    form = rng.random()
    if form < 0.1:  # the kunya alone
        named = {"name": kunya}
    elif form < 0.2:  # the kunya and the nisba
        named = {"name": f"{kunya} {_spell(rng, nisba, arabic)}"}
    elif form < 0.4:
        named = {"name": " ".join(words), "aliases": [kunya]}
    else:
        named = {"name": " ".join(words)}
    return {**named, "role": rng.choice(ROLES)}


def _name(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN)} {rng.choice(GIVEN)}"


def _date(rng: random.Random) -> str:
    year = rng.choice([2014, 2014, 2014, 2015, 2016, 2017])
    return f"{year}-{rng.randint(1, 12):02d}" + ("~" if rng.random() < 0.3 else "")


def _narrative(rng: random.Random, language: str, size: int) -> str:
    words, total = [], 0
    while total < size:
        phrase = rng.choice(PHRASES[language])
        words.append(phrase)
        total += len(phrase.encode()) + 2
    return ". ".join(words) + "."


def testimony(rng: random.Random) -> dict:
    """One record: 2–20 KB of narrative in one or two languages, 1–3 incidents, 0–4 relatives."""
    language = rng.choice(list(PHRASES))
    size = rng.randint(2_000, 20_000)
    blocks = [{"language": language, "text": _narrative(rng, language, size * 2 // 3)},
              {"language": "ar", "text": _narrative(rng, "ar", size // 3)}]
    taxonomy = sorted(acts())
    minor = rng.random() < 0.1
    consent = {"record": True, "audio": rng.random() < 0.4, "trial": rng.random() < 0.8,
               "identity_to_prosecutors": rng.random() < 0.5, "reparations": rng.random() < 0.9,
               "international": rng.random() < 0.5, "research": rng.random() < 0.7,
               "recontact": rng.random() < 0.6, "method": rng.choice(["verbal", "written",
                                                                     "thumbprint"]),
               "witness": _name(rng)}
    if minor:
        consent["guardian"] = {"name": _name(rng), "relation": "mother", "consent": True,
                               "child_assent": True}
    return {
        "consent": consent,
        "interview": {"date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                      "location": rng.choice(["Khanke camp", "Duhok", "Sinjar", "Erbil"]),
                      "language": language, "interviewer": _name(rng), "interpreter": ""},
        "survivor": {"full_name": _name(rng), "other_names": [_name(rng)],
                     "community": rng.choice(COMMUNITIES), "sex": rng.choice(["female", "male"]),
                     "date_of_birth": f"{rng.randint(1950, 2010)}~",
                     "place_of_origin": rng.choice(PLACES), "minor": minor,
                     "phone": f"0750 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                     "id_number": str(rng.randint(10_000_000, 99_999_999))},
        "narrative": blocks,
        "incidents": [{"acts": rng.sample(taxonomy, rng.randint(1, 3)), "date": _date(rng),
                       "place": rng.choice(PLACES),
                       "perpetrators": [perpetrator(rng) for _ in range(rng.randint(1, 2))],
                       "description": _narrative(rng, language, 300)}
                      for _ in range(rng.randint(1, 3))],
        "ysl": {"category": "yazidi_female_captivity", "abduction_date": "2014-08-03"}
        if rng.random() < 0.5 else {},
        "relatives": [{"name": _name(rng), "relation": rng.choice(RELATIONS),
                       "status": rng.choice(STATUSES)} for _ in range(rng.randint(0, 4))],
        "needs": [{"kind": kind} for kind in rng.sample(NEEDS, rng.randint(0, 2))],
        "notes": "",
    }


def testimonies(count: int, seed: int = SEED) -> Iterator[dict]:
    rng = random.Random(seed)
    for _ in range(count):
        yield testimony(rng)
