"""The one statistics rule, on hand-made paired samples whose answer is known."""
import math

import numpy as np
import pytest

from mtl_core.stats import MIN_SEEDS, paired


def test_a_clear_win_is_better_with_an_interval_above_zero():
    b = np.array([1.0, 1.1, 0.9, 1.05, 0.95])
    a = b - 0.5  # lower is better: a wins by 0.5 on every seed, no spread
    v = paired(a, b)
    assert v.word == "better" and v.agree == 5 and v.low > 0
    assert v.mean == pytest.approx(0.5) and v.rel == pytest.approx(0.5)
    assert v.text().startswith("better on 5/5 seeds, +50 %")


def test_a_clear_loss_is_worse():
    b = np.linspace(0.8, 0.9, 8)
    a = b - 0.05  # higher is better (an AUC): a loses on every seed
    v = paired(a, b, higher_is_better=True)
    assert v.word == "worse" and v.agree == 0 and v.high < 0
    assert v.text().startswith("worse on 8/8 seeds")


def test_a_coin_flip_is_too_few_seeds_to_tell():
    rng = np.random.default_rng(1)
    b = rng.normal(1.0, 0.1, 12)
    a = b + rng.choice([-0.05, 0.05], 12) * np.array([1, -1] * 6)  # half better, half worse, equal sizes
    v = paired(a, b)
    assert v.word == "unclear" and v.low < 0 < v.high
    assert v.text().startswith("too few seeds to tell")


def test_five_of_five_wins_with_large_spread_say_why_they_are_unclear():
    b = np.array([1.0, 1.0, 1.0, 1.0, 1.0])
    a = b - np.array([0.01, 0.02, 0.01, 0.9, 0.015])  # wins everywhere, one huge, the rest tiny
    v = paired(a, b)
    assert v.agree == 5 and v.mean > 0 and v.low > 0  # every resample's mean is positive: still a win
    text = v.text()
    assert "5/5" in text and "[" in text  # the interval is printed beside the count, never hidden


def test_wording_never_contradicts_the_interval():
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(3, 30))
        b = rng.normal(1, 0.2, n)
        a = b + rng.normal(rng.normal(0, 0.1), rng.uniform(0.01, 0.3), n)
        v = paired(a, b, higher_is_better=bool(rng.integers(2)))
        if v.word == "better":
            assert v.low > 0
        elif v.word == "worse":
            assert v.high < 0
        else:
            assert v.low <= 0 <= v.high


def test_t_interval_from_twenty_seeds_matches_the_formula():
    rng = np.random.default_rng(3)
    b = rng.normal(1, 0.1, 25)
    a = b - rng.normal(0.02, 0.05, 25)
    v = paired(a, b)
    d = b - a
    half = 2.0638985616280205 * d.std(ddof=1) / math.sqrt(25)  # t_{0.975, 24}
    assert v.method == "t" and v.low == pytest.approx(d.mean() - half) and v.high == pytest.approx(d.mean() + half)


def test_below_three_seeds_there_is_no_verdict():
    v = paired([0.1, 0.2], [1.0, 1.0])
    assert v.n == 2 < MIN_SEEDS and v.word == "unclear" and "too few seeds" in v.text()


def test_equality_claim_needs_the_whole_interval_inside_the_margin():
    b = np.linspace(1, 1.2, 10)
    assert paired(b * 1.001, b).within(0.05)
    assert not paired(b * 1.2, b).within(0.05)


def test_same_numbers_same_verdict_and_non_finite_pairs_dropped():
    a, b = [0.5, 0.6, float("nan"), 0.4, 0.55], [1.0, 1.1, 1.0, 0.9, 1.0]
    v1, v2 = paired(a, b), paired(a, b)
    assert v1 == v2 and v1.n == 4


def test_the_pages_wording_is_the_modules_wording():
    """The app's sentence (app.figures.rule, in English) is exactly `Paired.text()`: one rule, one wording."""
    from app.figures.rule import paired_text

    rng = np.random.default_rng(11)
    for n in (2, 3, 5, 12, 25):
        for shift in (-0.3, 0.0, 0.3):
            b = rng.normal(1, 0.1, n)
            v = paired(b + shift + rng.normal(0, 0.1, n), b)
            assert paired_text(v) == v.text()
