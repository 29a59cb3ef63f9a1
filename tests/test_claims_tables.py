"""The saved measurement tables the Experiments page shows: how often the quick preset's verdicts held on
fresh seed sets (benchmarks/claims_robustness.py) and the regime screen (claims_robustness.py --screen)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go


OUTCOME = {"Y": "holds", "n": "fails", "?": "unclear"}


def _robust_rows(sets) -> list[dict]:
    """Rows as claims_robustness.py writes them: per seed set and failed-runs choice, each claim's outcome
    (Y holds, n fails, ? too few seeds to tell) and claim (c)'s paired difference with its interval."""
    rows = []
    for seeds, n, kept, left, c in sets:
        for how, marks in (("kept", kept), ("left_out", left)):
            rows.append({"seeds": seeds, "n_seeds": n, "failed_runs": how,
                         **{f"claim_{k}": m == "Y" for k, m in zip("abcd", marks)},
                         **{f"outcome_{k}": OUTCOME[m] for k, m in zip("abcd", marks)},
                         "c_diff_pct": c[0], "c_low_pct": c[1], "c_high_pct": c[2], "c_agree": c[3], "c_n": n,
                         "rise_mmoe": 0.02, "failed_seeds": ""})
    return rows


SETS = (("1-20", 20, "YYYn", "YYYY", (-2, -8, 4, 9)), ("21-40", 20, "YnYn", "YnYn", (3, -5, 9, 12)),
        ("41-60", 20, "YY?Y", "YY?Y", (-7, -25, 10, 6)), ("61-80", 20, "Y?nY", "Y?nY", (-17, -30, -12, 3)),
        ("100-299", 200, "YYYn", "YYYY", (-1, -4, 2, 101)))


def test_the_robustness_table_counts_each_claims_outcomes_over_the_sets(tmp_path):
    from app.sections.experiments.results import robustness_counts, robustness_table

    path = tmp_path / "robust.csv"
    pd.DataFrame(_robust_rows(SETS)).to_csv(path, index=False)
    counts = robustness_counts(robustness_table(path))
    assert counts["small"] == {"a": (4, 4), "b": (2, 4), "c": (2, 4), "d": (2, 4)}
    assert counts["small_left_out"]["d"] == (3, 4)
    assert counts["outcomes"]["c"] == {"holds": 2, "fails": 1, "unclear": 1}
    assert counts["outcomes"]["b"] == {"holds": 2, "fails": 1, "unclear": 1}
    assert [(r["seeds"], r["failed_runs"], r["outcome_d"]) for r in counts["large"]] == [
        ("100-299", "kept", "fails"), ("100-299", "left_out", "holds")]
    assert robustness_table(tmp_path / "missing.csv") is None


def test_a_robustness_table_judged_before_the_rule_is_not_shown(tmp_path):
    """Point verdicts without outcomes or claim (c)'s interval cannot say how close a claim came: refused."""
    from app.sections.experiments.results import robustness_table

    rows = [{k: v for k, v in r.items() if not k.startswith(("outcome_", "c_"))} for r in _robust_rows(SETS)]
    path = tmp_path / "legacy.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    assert robustness_table(path) is None


def test_claim_c_is_summarised_and_drawn_per_set_with_its_interval_and_the_margin():
    from app.figures.claims import OUTCOME_STYLE, robustness_c_figure
    from app.i18n import translator
    from app.sections.experiments.verdicts import c_summary

    kept = pd.DataFrame(_robust_rows(SETS)).query("failed_runs == 'kept'").reset_index(drop=True)
    text = c_summary(kept, 10, translator("en"))
    # the small sets: the difference's range, holds / fails counts, the median interval width (12, 14, 35, 18 -> 16)
    assert "from -17 % to +3 %" in text and "within the margin on 2 sets" in text and "outside it on 1" in text
    assert "typically 16 points wide" in text and "margin 20 points wide" in text
    assert "rarely show the equality" not in text  # 16 points fit in the 20-point band
    assert "rarely show the equality" in c_summary(kept, 5, translator("en"))  # 16 do not fit in 10
    assert "On 200 seeds (100-299): MMoE − OMoE = -1 % [-4, +2], MMoE lower on 101/200 seeds" in text
    assert "200 个种子" in c_summary(kept, 10, translator("zh"))
    fig = robustness_c_figure(kept, 10, translator("en"))
    go.Figure(fig.to_plotly_json())  # validates every property (make_figure skips it)
    traces = {tr.name: tr for tr in fig.data}
    assert len(traces) == 3  # one per outcome present, each with its own colour and marker
    for outcome, (colour, symbol) in OUTCOME_STYLE.items():
        (trace,) = [tr for tr in fig.data if tr.marker.color == colour]
        part = kept[kept.outcome_c == outcome]
        assert trace.marker.symbol == symbol and list(trace.x) == part.c_diff_pct.tolist()
        # the error bars reach the interval's ends
        assert [x + e for x, e in zip(trace.x, trace.error_x.array)] == part.c_high_pct.tolist()
        assert [x - e for x, e in zip(trace.x, trace.error_x.arrayminus)] == part.c_low_pct.tolist()
    band = fig.layout.shapes[0]
    assert (band.x0, band.x1) == (-10, 10)
    assert list(fig.layout.yaxis.categoryarray) == [f"{s} ({n})" for s, n in zip(kept.seeds, kept.n_seeds)]


def test_the_shipped_robustness_table_is_judged_by_the_rule_and_its_runs_re_judge_it(benchmark_script):
    """The saved table has every claim's outcome and (c)'s interval, and re-judging its saved per-run losses
    with the same rule gives the same outcomes and numbers (nothing in the table was edited by hand)."""
    from app.sections.experiments.results import ROBUSTNESS_CSV, robustness_table

    df = robustness_table()
    assert df is not None, "assets/experiments/claims_robustness.csv is missing or predates the one rule"
    script = benchmark_script("claims_robustness")
    runs = pd.read_csv(script.runs_path(ROBUSTNESS_CSV), dtype={"seeds": str})
    first = str(df["seeds"].iloc[0])
    rejudged = pd.DataFrame(script.judge(script.results_of_runs(runs[runs.seeds == first]), first, 0.0))
    saved = df[df.seeds.astype(str) == first].reset_index(drop=True)
    for col in ("outcome_a", "outcome_b", "outcome_c", "outcome_d", "c_diff_pct", "c_low_pct", "c_high_pct",
                "c_agree"):
        assert list(rejudged[col]) == list(saved[col]), col


def test_the_saved_regime_screen_is_the_benchmarks_screen_and_every_regime_is_a_valid_config(benchmark_script):
    from app.sections.experiments.results import regime_screen_table
    from mtl_core.config import from_flat
    from mtl_core.presets import PRESETS

    script = benchmark_script("claims_robustness")
    df = regime_screen_table()
    assert df is not None, "assets/experiments/regime_screen.csv is missing: run claims_robustness.py --screen"
    assert list(df["changes"]) == [script.changes_text(c) for c in script.SCREEN]
    assert df["changes"].iloc[0] == "" and set(df["seeds"]) == {"0-39"}
    preset = PRESETS["mmoe_paper_quick"].config
    base = from_flat(preset).to_flat()
    for changes in script.SCREEN:  # each regime changes exactly what it names, nothing silently dropped
        cfg = from_flat({**preset, **changes}).to_flat()
        assert {k for k in cfg if cfg[k] != base.get(k)} == set(changes), changes


def test_a_regime_screen_row_reads_as_the_parameters_labels(tmp_path):
    from app.sections.experiments.results import regime_screen_table
    from app.sections.experiments.verdicts import changes_label

    rows = [{"changes": c, "seeds": "0-39", "n_seeds": 40, **{f"claim_{k}": True for k in "abcd"}}
            for c in ("", "data.c=2.5; train.lr=0.005")]
    path = tmp_path / "screen.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    df = regime_screen_table(path)
    assert list(df["changes"]) == ["", "data.c=2.5; train.lr=0.005"]  # the empty change stays text, not NaN
    assert changes_label("data.c=2.5; train.lr=0.005") == "Weight scale c = 2.5 · Learning rate = 0.005"
    assert regime_screen_table(tmp_path / "missing.csv") is None
    pd.DataFrame([{"seeds": "0-39"}]).to_csv(path, index=False)
    assert regime_screen_table(path) is None  # not a screen table
