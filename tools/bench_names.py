"""Measuring the perpetrator-name grouping (intake/archive/grouping.py): B-cubed precision,
recall and F1 and the wrong merges on the test sets in tests/archive/, and the time to group
200,000 synthetic mentions. `python -m tools.bench_names [--size N] [--libraries]`;
``--libraries`` also scores rapidfuzz, rigour/nomenklatura and PyICU/normality on the same
pairs when they can be imported (they are not dependencies of the app)."""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from pathlib import Path

from intake.archive.grouping import Group, Mention, candidates, group

SETS = Path(__file__).resolve().parent.parent / "tests" / "archive"


def load(path: Path) -> tuple[list[Mention], dict[str, str]]:
    rows = json.loads(path.read_text("utf-8"))
    return ([Mention(r["id"], r["name"], tuple(r["aliases"])) for r in rows],
            {r["id"]: r["person"] for r in rows})


def bcubed(groups: list[Group], truth: dict[str, str]) -> dict[str, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998), and the number of groups
    holding mentions of more than one person (wrong merges) and of pairs of mentions of
    different persons put together."""
    cluster = {m.id: g for g in groups for m in g.mentions}
    sizes = Counter(truth.values())
    precision = recall = 0.0
    for mention, person in truth.items():
        together = [m.id for m in cluster[mention].mentions]
        right = sum(1 for other in together if truth[other] == person)
        precision += right / len(together)
        recall += right / sizes[person]
    precision, recall = precision / len(truth), recall / len(truth)
    wrong_groups = sum(1 for g in groups if len({truth[m.id] for m in g.mentions}) > 1)
    wrong_pairs = sum(1 for g in groups for i, a in enumerate(g.mentions) for b in g.mentions[i + 1:]
                      if truth[a.id] != truth[b.id])
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall),
            "wrong_merges": wrong_groups, "wrong_pairs": wrong_pairs, "groups": len(groups),
            "persons": len(sizes), "mentions": len(truth)}


def measure(path: Path) -> dict[str, float]:
    mentions, truth = load(path)
    return bcubed(group(mentions), truth)


# Invented persons are drawn from these names, each with spellings in Latin and Arabic script.
_NAMES = [line.split() for line in """
Muhammad Mohammed Mohamed محمد مُحَمَّد|Ahmad Ahmed أحمد احمد|Ali Aly علي|Hasan Hassan حسن|
Husain Hussein Hüseyin حسين|Hamid Hamed حامد|Hamad حمد|Khalid Khaled Xalid خالد|Qasim Kasim قاسم|
Jasim Jassim Casim جاسم|Salim Salem سالم|Nasir Nasser ناصر|Umar Omar Ömer عمر|Amir Amer عامر|
Salih Saleh صالح|Ibrahim إبراهيم ابراهيم|Yusuf Yousef يوسف|Yunus Younis يونس|Abbas Ebas عباس|
Faisal Feysel فيصل|Karim Kareem كريم|Rashid Rachid رشيد|Said Saeed سعيد|Saad Sa'ad سعد|
Khalaf Xelef خلف|Jabbar Cabbar جبار|Sattar Settar ستار|Adil Adel عادل|Adnan عدنان|
Mustafa Moustafa مصطفى مصطفي|Mansur Mansour منصور|Yasin Yassin Yaseen ياسين|Ziyad Ziad زياد|
Zaid Zayd زيد|Hamza Hamzah حمزة حمزه|Taha طه|Walid Waleed وليد|Nabil Nabeel نبيل|Mahdi Mehdi مهدي|
Hadi هادي|Shakir Şakir شاكر|Jamal Cemal جمال|Kamal Kemal كمال|Ghazi غازي|Marwan مروان|
Sufyan Sufian سفيان|Hatim Hatem حاتم|Mazin Mazen مازن|Hazim Hazem حازم|Tariq Tarek طارق|
Ammar عمار|Bashar بشار|Haidar Haider حيدر|Jalal Celal جلال|Hisham Hicham هشام|Imad Emad عماد|
Dilshad Dilşad دلشاد|Rebwar ڕێبوار|Shwan Şwan شوان|Sirwan سیروان|Azad ئازاد|Goran گۆران|
Falah فلاح|Nizar نزار|Sami سامي|Zuhair Zouheir زهير|Thamir Thamer ثامر|Raad Ra'ad رعد
""".replace("\n", "").split("|")]
_TRIBES = [line.split() for line in """
al-Dulaimi al-Dulaymi الدليمي|al-Jubouri al-Juburi الجبوري|al-Obaidi al-Ubaidi العبيدي|
al-Shammari eş-Şammari الشمري|al-Tikriti et-Tikriti التكريتي|al-Hamdani الحمداني|
al-Bayati el-Beyati البياتي|al-Zubaidi الزبيدي|al-Anbari el-Anbari الانباري|al-Rawi الراوي|
al-Lahibi اللهيبي|al-Halabi el-Halabi الحلبي|al-Ninawi النينوي|al-Hadidi الحديدي|
al-Faluji al-Falluji الفلوجي|al-Basrawi البصراوي|al-Jumaili الجميلي|al-Mashhadani المشهداني
""".replace("\n", "").split("|")]


# Invented names beyond the list: three root letters in one of three patterns (فاعل, فعيل,
# مفعول), spelled in Arabic script and in Latin letters with the usual variants.
_ROOT = [("ب", ["b"]), ("ت", ["t"]), ("ج", ["j", "c"]), ("د", ["d"]), ("ر", ["r"]), ("ز", ["z"]),
         ("س", ["s"]), ("ش", ["sh", "ş"]), ("ف", ["f"]), ("ك", ["k"]), ("ل", ["l"]), ("م", ["m"]),
         ("ن", ["n"]), ("ق", ["q", "k"]), ("ح", ["h"]), ("خ", ["kh", "x"])]
_PATTERNS = [("{0}ا{1}{2}", ["{0}a{1}i{2}", "{0}a{1}e{2}"]), ("{0}{1}ي{2}", ["{0}a{1}ee{2}", "{0}e{1}î{2}"]),
             ("م{0}{1}و{2}", ["ma{0}{1}u{2}", "ma{0}{1}ou{2}", "me{0}{1}û{2}"])]


def _invented(rng: random.Random) -> list[str]:
    letters = [rng.choice(_ROOT) for _ in range(3)]
    arabic, latin = rng.choice(_PATTERNS)
    spellings = {pattern.format(*(rng.choice(latins) for _, latins in letters)).title()
                 for pattern in latin for _ in range(2)}
    return [arabic.format(*(letter for letter, _ in letters)), *sorted(spellings)]


def synthetic(size: int, seed: int = 7) -> tuple[list[Mention], dict[str, str]]:
    """``size`` mentions of size/5 invented persons (given name, father, grandfather, tribe
    drawn from the lists above and invented names, half of them common) and the person of
    each: each mention spells its person's names in one script with one of their spellings,
    with or without grandfather and tribe."""
    rng = random.Random(seed)
    pool = _NAMES + [_invented(rng) for _ in range(1000)]  # half the names are common ones
    weights = [len(pool) / len(_NAMES) - 1] * len(_NAMES) + [1.0] * (len(pool) - len(_NAMES))
    persons = [(*rng.choices(range(len(pool)), weights, k=3), rng.randrange(len(_TRIBES)))
               for _ in range(size // 5)]
    mentions, truth = [], {}
    for index in range(size):
        person = rng.randrange(len(persons))
        given, father, grandfather, tribe = persons[person]
        arabic = rng.random() < 0.4
        words = [pool[n] for n in (given, father, grandfather)][: rng.choice((2, 3))]
        if rng.random() < 0.7:
            words.append(_TRIBES[tribe])
        spelled = [rng.choice([w for w in spellings if _is_arabic(w) == arabic] or spellings)
                   for spellings in words]
        mentions.append(Mention(f"s{index:06d}", " ".join(spelled)))
        truth[f"s{index:06d}"] = f"person{person}"
    return mentions, truth


def _is_arabic(word: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in word)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--libraries", action="store_true")
    args = parser.parse_args(argv)
    for label, name in (("tuned", "name_mentions.json"), ("held-out", "name_mentions_heldout.json"),
                        ("second held-out", "name_mentions_heldout2.json")):
        path = SETS / name
        if path.exists():
            figures = measure(path)
            print(f"{label}: {figures['mentions']} mentions of {figures['persons']} persons, "
                  f"{figures['groups']} groups; B-cubed precision {figures['precision']:.3f}, "
                  f"recall {figures['recall']:.3f}, F1 {figures['f1']:.3f}; wrong merges "
                  f"{figures['wrong_merges']} (pairs {figures['wrong_pairs']})")
    mentions, truth = synthetic(args.size)
    started = time.perf_counter()
    groups = group(mentions)
    grouped = time.perf_counter() - started
    started = time.perf_counter()
    pairs = candidates(groups)
    listed = time.perf_counter() - started
    figures = bcubed(groups, truth)
    print(f"synthetic: {len(mentions)} mentions of {figures['persons']} persons grouped into "
          f"{len(groups)} groups in {grouped:.1f} s (B-cubed precision {figures['precision']:.3f}, "
          f"recall {figures['recall']:.3f}; wrong merges {figures['wrong_merges']}); "
          f"{len(pairs)} candidate pairs listed in {listed:.1f} s")
    if args.libraries:
        from tools.bench_names_libraries import report

        report(SETS / "name_mentions.json")


if __name__ == "__main__":
    main()
