"""The Lessons' numbers: the interactive pieces' maths, and claims checked against the balancing lab's shipped
measurements. (The lesson files: tests/test_lessons.py; the page: tests/test_lessons_page.py.)"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from app.sections.lessons.interactive import (CATALOGUE, fit_wce_logit, rank, scores, simulate_impressions,
                                              wce_odds)
from test_lessons import LESSONS, ROOT


# ---- interactive maths -------------------------------------------------------------------------------------
def _item(id_):
    return next(it for it in CATALOGUE if it.id == id_)


def test_fusion_order_changes_with_the_weights():
    by_ctr = [it.id for it in rank(CATALOGUE, (1, 0, 0))]
    assert by_ctr == [it.id for it in sorted(CATALOGUE, key=lambda it: -it.pctr)]
    with_watch = [it.id for it in rank(CATALOGUE, (1, 0, 1))]
    assert with_watch != by_ctr
    assert with_watch == [it.id for it in sorted(CATALOGUE, key=lambda it: -(it.pctr * it.watch))]


def test_lesson_9_claims_hold_for_the_ranking():
    lesson = next(x for x in LESSONS["en"] if x.number == 9)
    # q "watch": pCTR × watch puts the documentary first (0.06 × 240 = 14.4 beats 0.15 × 70 = 10.5, ...)
    q = lesson.question("watch")
    assert "documentary" in q.choices[q.answer].lower()
    assert rank(CATALOGUE, (1, 0, 1))[0].id == "documentary" and rank(CATALOGUE, (1, 0, 1))[-1].id == "clickbait"
    # q "sum": in the mean-normalised sum the clickbait clip is second
    q = lesson.question("sum")
    assert q.choices[q.answer] == "Second"
    order = [it.id for it in rank(CATALOGUE, (1, 0, 1), "sum")]
    assert order.index("clickbait") == 1
    mean_ctr = np.mean([it.pctr for it in CATALOGUE])
    mean_watch = np.mean([it.watch for it in CATALOGUE])
    c = _item("clickbait")
    assert scores(CATALOGUE, (1, 0, 1), "sum")[CATALOGUE.index(c)] == pytest.approx(
        c.pctr / mean_ctr + c.watch / mean_watch)
    assert c.pctr / mean_ctr + c.watch / mean_watch == pytest.approx(1.95, abs=0.01)


def test_fusion_product_is_the_weighted_geometric_form_and_rejects_bad_input():
    s = scores(CATALOGUE, (0.5, 2.0, 1.0))
    for it, v in zip(CATALOGUE, s):
        assert v == pytest.approx(it.pctr ** 0.5 * it.plike ** 2 * it.watch)
    with pytest.raises(ValueError):
        scores(CATALOGUE, (1, 1), "product")
    with pytest.raises(ValueError):
        scores(CATALOGUE, (1, 1, 1), "max")


def test_weighted_cross_entropy_closed_form_matches_a_numerical_fit():
    clicked, watch = simulate_impressions(0.05, 60.0, n=20_000, seed=3)
    z_closed = fit_wce_logit(clicked, watch)
    z = 0.0  # gradient descent on the weighted BCE of one constant logit
    w_pos, n_neg = watch[clicked > 0].sum(), (clicked == 0).sum()
    for _ in range(5000):
        p = 1 / (1 + math.exp(-z))
        grad = (-w_pos * (1 - p) + n_neg * p) / len(clicked)
        z -= 2.0 * grad
    assert z == pytest.approx(z_closed, abs=1e-4)
    assert math.exp(z_closed) == pytest.approx(wce_odds(0.05, 60.0), rel=0.1)
    assert math.exp(z_closed) == pytest.approx(0.05 * 60.0, rel=0.15)  # ≈ expected watch time per impression


def test_lesson_1_numbers_come_from_the_widget():
    clicked, watch = simulate_impressions(0.05, 60.0)  # the widget's defaults
    assert f"{math.exp(fit_wce_logit(clicked, watch)):.2f}" == "3.32"
    assert f"{wce_odds(0.05, 60.0):.2f}" == "3.16" and f"{wce_odds(0.4, 60.0):.0f}" == "40"


# ---- claims checked against the balancing lab's shipped measurements -------------------------------------------
MEASURED = ROOT / "app" / "sections" / "balance" / "measured.csv"


def _measured(scenario: str) -> pd.DataFrame:
    if not MEASURED.is_file():
        pytest.skip("the balancing lab's measured.csv is not there")
    df = pd.read_csv(MEASURED)
    part = df[(df.scenario == scenario) & (df.role == "mtl")]
    if part.empty:
        pytest.skip(f"no measured rows for {scenario}")
    return part


def test_lessons_1_and_4_seesaw_claims_hold_in_the_measured_runs():
    df = _measured("balance_seesaw")
    gain = df[df.weighting == "ew"].pivot_table(index=["arch", "seed"], columns="task", values="mtl_gain_pct")
    assert (gain.loc["shared_bottom", "task2"] < 0).all()  # lesson 1: Shared-Bottom loses task2 on every seed
    # MMoE seesaws: task1 gains by the one rule (on fresh seeds 100-109 on 9 of 10 seeds), task2 loses on every seed
    from mtl_core.stats import paired
    assert paired(gain.loc["mmoe", "task1"].to_numpy(), np.zeros(len(gain.loc["mmoe"])), True).word == "better"
    assert (gain.loc["mmoe", "task2"] < 0).all()
    # CGC holds task2 near its single-task level, far closer than MMoE (its task1 gain is positive on average)
    assert gain.loc["cgc", "task1"].mean() > 0 and abs(gain.loc["cgc", "task2"].mean()) < 5
    assert gain.loc["cgc", "task2"].mean() > gain.loc["mmoe", "task2"].mean() + 10


def test_lesson_6_loss_scale_claim_holds_in_the_measured_runs():
    df = _measured("balance_loss_scale")
    t1 = df[df.task == "task1"].pivot_table(index="seed", columns="weighting", values="test_loss")
    single = df[df.task == "task1"].single_task_metric.mean()
    assert (t1.uw < t1.ew).all()  # UW helps on every seed ...
    assert t1.uw.mean() > 1.2 * single  # ... but stays clearly behind the single-task model
    assert t1.famo.mean() < 1.15 * single and t1.nash_mtl.mean() < single * 1.15


def test_lesson_7_conflict_claims_hold_in_the_measured_runs():
    df = _measured("balance_conflict")
    by = df.groupby("weighting")
    assert 0.4 <= by.conflict_share.mean()["ew"] <= 0.6
    assert (df[df.weighting == "pcgrad"].conflict_share_after == 0).all()
    loss = df.pivot_table(index="seed", columns=["weighting", "task"], values="test_loss")
    for task in ("task1", "task2"):  # PCGrad's final losses within one sd of EW's
        ew, pc = loss[("ew", task)], loss[("pcgrad", task)]
        assert abs(pc.mean() - ew.mean()) < ew.std()


# ---- every verdict a lesson quotes is the one rule's sentence on the measured rows --------------------------------
SEESAW_PLE = ROOT / "assets" / "lessons" / "seesaw_ple.csv"  # lesson 4's PLE runs (its command is in the lesson)
SINGLE = "single"
SB, EW = "shared_bottom", "ew"
# lesson -> (scenario, a, b, task): a against b, paired by seed; a side is (arch, weighting) or SINGLE
QUOTED = {
    1: [("balance_seesaw", (SB, EW), SINGLE, "task1"), ("balance_seesaw", (SB, EW), SINGLE, "task2")],
    4: [("balance_seesaw", (arch, w), SINGLE, task) for arch, w in (("mmoe", EW), ("cgc", EW), ("ple", EW))
        for task in ("task1", "task2")]
       + [("balance_seesaw", ("mmoe", "uw"), SINGLE, "task2"), ("balance_seesaw", ("cgc", "uw"), SINGLE, "task2"),
          ("balance_seesaw", ("cgc", EW), ("mmoe", EW), "task2"), ("balance_seesaw", ("ple", EW), ("mmoe", EW), "task1"),
          ("balance_seesaw", ("ple", EW), ("cgc", EW), "task1"), ("balance_seesaw", ("ple", EW), ("cgc", EW), "task2")],
    6: [("balance_loss_scale", (SB, "uw"), (SB, EW), "task1"), ("balance_loss_scale", (SB, "uw"), SINGLE, "task1"),
        ("balance_loss_scale", (SB, "famo"), (SB, EW), "task1"), ("balance_loss_scale", (SB, "famo"), SINGLE, "task1"),
        ("balance_loss_scale", (SB, "nash_mtl"), (SB, EW), "task1"),
        ("balance_loss_scale", (SB, "nash_mtl"), SINGLE, "task1"),
        ("balance_loss_scale", (SB, "gradnorm"), (SB, EW), "task2"), ("balance_loss_scale", (SB, "dwa"), (SB, EW), "task1"),
        ("balance_speed", (SB, "gradnorm"), (SB, EW), "task1"), ("balance_speed", (SB, "gradnorm"), (SB, EW), "task2"),
        ("balance_speed", (SB, "famo"), (SB, EW), "task1"), ("balance_speed", (SB, "famo"), (SB, EW), "task2"),
        ("balance_speed", (SB, "dwa"), (SB, EW), "task1")],
    7: [("balance_conflict", (SB, w), (SB, EW), task) for w in ("pcgrad", "nash_mtl") for task in ("task1", "task2")]
       + [("balance_conflict", (SB, "cagrad"), (SB, EW), "task1"), ("balance_conflict", (SB, "mgda"), (SB, EW), "task2"),
          ("balance_conflict", (SB, "nash_mtl"), SINGLE, "task1")],
}
# lesson -> (scenario, weighting, task) whose test loss it tables as "mean ± sd" over the seeds
TABLED = {6: [("balance_loss_scale", w, t) for w in (EW, "uw", "gradnorm", "dwa", "famo", "nash_mtl")
              for t in ("task1", "task2")] + [("balance_speed", w, t) for w in (EW, "gradnorm", "famo", "dwa")
                                              for t in ("task1", "task2")],
          7: [("balance_conflict", EW, "task1"), ("balance_conflict", EW, "task2")]}


def _all_measured() -> pd.DataFrame:
    if not MEASURED.is_file() or not SEESAW_PLE.is_file():
        pytest.skip("the measured tables are not there")
    ple = pd.read_csv(SEESAW_PLE).assign(scenario="balance_seesaw")
    return pd.concat([pd.read_csv(MEASURED), ple[ple.role == "mtl"]], ignore_index=True)


def _losses(df: pd.DataFrame, scenario: str, side, task: str) -> pd.Series:
    """seed -> test loss of one side of a comparison (the single-task network's rows are role single_task)."""
    d = df[(df.scenario == scenario) & (df.task == task) & (df.status == "ok")]
    if side == SINGLE:
        d = d[d.role == "single_task"]
    else:
        d = d[(d.role == "mtl") & (d.arch == side[0]) & (d.weighting == side[1])]
    return d.groupby("seed").test_loss.first()


def _lesson_text(number: int, lang: str) -> str:
    (path,) = (ROOT / "lessons" / lang).glob(f"{number:02d}-*.md")
    return path.read_text(encoding="utf-8").replace("−", "-")  # the lessons print a typographic minus


def _mean_sd(x: pd.Series) -> str:
    return f"{'%#.3g' % x.mean()} ± {'%#.2g' % x.std()}"


@pytest.mark.parametrize("number", sorted(QUOTED))
def test_each_quoted_verdict_is_the_rules_sentence_on_the_measured_seeds(number):
    from app.figures.rule import paired_text
    from app.i18n import translator
    from app.sections.balance.measured import SEEDS
    from mtl_core.stats import paired

    df = _all_measured()
    texts = {lang: _lesson_text(number, lang) for lang in ("en", "zh")}
    for scenario, a, b, task in QUOTED[number]:
        la, lb = _losses(df, scenario, a, task), _losses(df, scenario, b, task)
        seeds = sorted(set(la.index) & set(lb.index))
        assert f"{seeds[0]}-{seeds[-1]}" == SEEDS and len(seeds) == 10, (scenario, a, b, task)
        p = paired(la.loc[seeds].to_numpy(), lb.loc[seeds].to_numpy(), higher_is_better=False)
        for lang, text in texts.items():
            sentence = paired_text(p, translator(lang))
            assert sentence in text, (number, lang, scenario, a, b, task, sentence)
    for scenario, w, task in TABLED.get(number, ()):
        cell = _mean_sd(_losses(df, scenario, (SB, w), task))
        assert all(cell in text for text in texts.values()), (number, scenario, w, task, cell)
    for text in texts.values():  # the fresh seeds, not the old ones
        assert "100–109" in text and "10–14" not in text


def test_lesson_7_quotes_the_measured_conflict_shares():
    df = _all_measured()
    runs = df[(df.scenario == "balance_conflict") & (df.role == "mtl") & (df.task == "task1")]
    by = runs.groupby("weighting")
    share, uphill = by.conflict_share, by.conflict_share_after
    cells = [f"{100 * share.mean()[EW]:.0f} % ± {100 * share.std()[EW]:.1f}",
             f"{100 * uphill.mean()[EW]:.1f} % ± {100 * uphill.std()[EW]:.1f}",
             *(f"| {100 * uphill.mean()[w]:.1f} % |" for w in ("pcgrad", "gradvac", "nash_mtl", "cagrad", "mgda"))]
    ew = runs[runs.weighting == EW]
    cells += [f"{100 * ew.conflict_share.min():.1f} % ", f"{100 * ew.conflict_share.max():.1f} % ",
              f"{ew.cos_before_mean.mean():.3f}".replace("−", "-")]
    for lang in ("en", "zh"):
        text = _lesson_text(7, lang)
        for cell in cells:
            assert cell in text, (lang, cell)


def test_the_seesaw_lessons_name_the_command_that_measured_them():
    from app.sections.balance.measured import COMMANDS

    for number in (1, 4):
        for lang in ("en", "zh"):
            assert COMMANDS["balance_seesaw"] in _lesson_text(number, lang), (number, lang)
    ple = pd.read_csv(SEESAW_PLE)  # lesson 4's PLE runs are what its command writes: ple with EW and UW, 10 seeds
    assert set(ple[ple.role == "mtl"].arch) == {"ple"} and set(ple.weighting) >= {"ew", "uw"}
    assert sorted(set(ple.seed)) == list(range(100, 110))


def test_lesson_3_quotes_the_robustness_table_on_the_sets_it_names():
    """The fresh-seed counts of lesson 3 are the saved robustness table's, over the first sets it names."""
    import re

    from app.sections.experiments.results import robustness_table

    df = robustness_table()
    if df is None:
        pytest.skip("assets/experiments/claims_robustness.csv is not there")
    kept = df[(df.failed_runs == "kept") & (df.n_seeds < 100)].reset_index(drop=True)
    for lang in ("en", "zh"):
        text = _lesson_text(3, lang)
        (first, last) = re.findall(r"(\d+)000–\d+019 … (\d+)000–\d+019", text)
        named = [f"{k}000-{k}019" for a, b in (first, last) for k in range(int(a), int(b) + 1)]
        (count,) = re.findall(r"(?:over |，)(\d+) ?(?:fresh sets|组新的)", text)
        assert int(count) == len(named), lang
        sets = kept[kept.seeds.astype(str).isin(named)]
        assert sorted(sets.seeds.astype(str)) == sorted(named), lang
        for c in "abcd":
            counts = [int((sets[f"outcome_{c}"] == o).sum()) for o in ("holds", "fails", "unclear")]
            assert f"| ({c}) | " + " | ".join(map(str, counts)) + " |" in text, (lang, c, counts)
        width = (sets.c_high_pct - sets.c_low_pct).median()
        assert f"{width:.0f} " in text and f"{sets.c_diff_pct.min():+.0f} % " in text, lang
        assert f"{sets.c_diff_pct.max():+.0f} % " in text, lang
