"""The measurement on the tuned test set: B-cubed F1 at least 0.95 and no wrong merge."""

from pathlib import Path

from tools.bench_names import measure

SETS = Path(__file__).resolve().parent


def test_the_tuned_set_groups_with_f1_of_at_least_095_and_no_wrong_merge():
    figures = measure(SETS / "name_mentions.json")
    assert figures["mentions"] >= 150 and figures["persons"] >= 45
    assert figures["wrong_merges"] == 0 and figures["wrong_pairs"] == 0
    assert figures["precision"] == 1.0
    assert figures["f1"] >= 0.95
