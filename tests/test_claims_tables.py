"""The saved measurement tables the Experiments page shows: how often the quick preset's verdicts held on
fresh seed sets (benchmarks/claims_robustness.py) and the regime screen (claims_robustness.py --screen)."""
from __future__ import annotations

import pandas as pd


def test_the_robustness_table_counts_sets_where_each_claim_held(tmp_path):
    from app.sections.experiments.results import robustness_counts, robustness_table

    rows = []
    for seeds, n, kept, left in (("1-20", 20, "YYYn", "YYYY"), ("21-40", 20, "YnYn", "YnYn"),
                                 ("41-60", 20, "YYYY", "YYYY"), ("100-299", 200, "YYYn", "YYYY")):
        for how, marks in (("kept", kept), ("left_out", left)):
            rows.append({"seeds": seeds, "n_seeds": n, "failed_runs": how,
                         **{f"claim_{c}": m == "Y" for c, m in zip("abcd", marks)}})
    path = tmp_path / "robust.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    counts = robustness_counts(robustness_table(path))
    assert counts["small"] == {"a": (3, 3), "b": (2, 3), "c": (3, 3), "d": (1, 3)}
    assert counts["small_left_out"]["d"] == (2, 3)
    assert [(r["seeds"], r["failed_runs"], r["claim_d"]) for r in counts["large"]] == [
        ("100-299", "kept", False), ("100-299", "left_out", True)]
    assert robustness_table(tmp_path / "missing.csv") is None


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
