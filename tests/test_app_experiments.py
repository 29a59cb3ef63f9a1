"""The Experiments section: figure builders on hand-made frames, the page's pure helpers (the recorder, loading a
results.csv; its settings are in test_experiments_settings.py) and the page itself through AppTest on tiny settings
(a sweep run to the verdict table, every tab, both languages, a bad link)."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.figures.census import census_figure, census_table
from app.figures.claims import verdict_notes, verdict_table
from app.figures.experiments import (difficulty_figure, difficulty_table, final_loss_figure, gate_distance_figure,
                                     gate_trend, label_correlation_figure, loss_curves_figure, param_table,
                                     trainability_figure)
from app.i18n import translator
from app.sections.experiments import config as C
from app.sections.experiments.results import (Recorder, census_summary, degradation, published_frame, read_upload,
                                              robustness_table, run_frame)
from mtl_core.experiments.claims import verdicts

ROOT = Path(__file__).resolve().parents[1]
NAMES = {"shared_bottom": "Shared-Bottom", "omoe": "OMoE", "mmoe": "MMoE", "cgc": "CGC", "single_task": "Single"}
ZH = translator("zh")
Z = np.array([-1.5, -1.0, -0.5, -0.2, 0.0, 0.0, 0.2, 0.5, 1.0, 1.5])
Z = (Z - Z.mean()) / Z.std(ddof=1)


def results_table(spec: dict, status=None, collapsed=None, extra_axis: dict | None = None) -> pd.DataFrame:
    """Records rows (two tasks per run) whose run loss is mean + sd * Z[seed]: spec = {arch: {rho: (mean, sd)}}."""
    rows = []
    for arch, by_rho in spec.items():
        for rho, (mean, sd) in by_rho.items():
            for seed, z in enumerate(Z):
                for task, delta in (("task1", 0.01), ("task2", -0.01)):
                    rows.append(dict(schema_version=2, data="synthetic", arch=arch, weighting="ew", seed=seed,
                                     relatedness_param="rho", relatedness=rho, task=task, task_kind="regression",
                                     val_loss=mean + sd * z + delta + 0.5, test_loss=mean + sd * z + delta,
                                     status=(status or {}).get((arch, rho, seed), "ok"),
                                     collapsed=(collapsed or {}).get((arch, rho, seed), False),
                                     **{"data.rho": f"{rho:g}"}, **(extra_axis or {})))
    return pd.DataFrame(rows)


PAPER_LIKE = {"shared_bottom": {1.0: (0.20, 0.10), 0.9: (0.30, 0.10), 0.5: (0.60, 0.15)},
              "omoe": {1.0: (0.15, 0.02), 0.9: (0.25, 0.02), 0.5: (0.45, 0.03)},
              "mmoe": {1.0: (0.15, 0.02), 0.9: (0.17, 0.02), 0.5: (0.20, 0.03)}}
OPPOSITE = {"shared_bottom": {1.0: (0.20, 0.01), 0.5: (0.19, 0.01)},
            "omoe": {1.0: (0.15, 0.01), 0.5: (0.40, 0.01)},
            "mmoe": {1.0: (0.30, 0.05), 0.5: (0.35, 0.20)}}


# ---- figures on hand-made frames --------------------------------------------------------------------------------
def test_label_correlation_figure_draws_mean_band_and_identity():
    df = pd.DataFrame({"rho": [-1.0, 0.0, 1.0], "mean": [-0.6, 0.0, 0.99], "sd": [0.1, 0.05, 0.0],
                       "n_draws": [10, 10, 10]})
    df["lower"], df["upper"] = df["mean"] - 2 * df["sd"], df["mean"] + 2 * df["sd"]
    fig = label_correlation_figure(df)
    identity, band, mean = fig.data
    assert list(identity.x) == [-1, 1] and list(identity.y) == [-1, 1] and identity.line.dash == "dash"
    assert band.fill == "toself" and max(band.y) == pytest.approx(0.99) and min(band.y) == pytest.approx(-0.8)
    assert list(mean.y) == [-0.6, 0.0, 0.99]
    assert label_correlation_figure(pd.DataFrame()).layout.annotations  # "no data yet"


def test_loss_curves_figure_has_a_panel_per_rho_and_the_median_over_seeds():
    rows = [{"arch": a, "seed": s, "data.rho": r, "step": step, "epoch": step / 10, "val_loss": (1 + s) / max(step, 1)}
            for a in ("shared_bottom", "mmoe") for r in ("0.5", "1") for s in range(3) for step in (0, 10, 20)]
    fig = loss_curves_figure(pd.DataFrame(rows), NAMES)
    assert [a.text for a in fig.layout.annotations] == ["ρ = 0.5", "ρ = 1"]
    lines = [t for t in fig.data if t.mode == "lines" and t.fill is None]
    assert len(lines) == 4 and {t.name for t in lines} == {"Shared-Bottom", "MMoE"}
    assert list(lines[0].x) == [10, 20] and list(lines[0].y) == pytest.approx([2 / 10, 2 / 20])  # median of 1,2,3
    assert fig.layout.yaxis.type == "log"


def test_final_loss_figure_draws_median_band_and_mean_per_model():
    runs = run_frame(results_table(PAPER_LIKE))
    fig = final_loss_figure(runs, NAMES)
    median = next(t for t in fig.data if t.name == "MMoE · median")
    mean = next(t for t in fig.data if t.name == "MMoE · mean")
    assert list(median.x) == [0.5, 0.9, 1.0]
    assert list(mean.y) == pytest.approx([0.20, 0.17, 0.15])
    expected = runs[(runs.arch == "mmoe")].groupby("rho")["loss"].median().to_list()
    assert list(median.y) == pytest.approx(expected)
    assert sum(t.fill == "toself" for t in fig.data) == 3  # one IQR band per model


def test_trainability_figure_counts_failed_and_diverged_runs():
    df = results_table(PAPER_LIKE, status={("mmoe", 0.5, 9): "diverged"},
                       collapsed={("shared_bottom", 0.5, 0): True})
    stuck = (df.arch == "omoe") & (df.seed == 4) & (df.relatedness == 0.5)
    df.loc[stuck, "test_loss"] = 10.0  # a task that did not learn: far over 3x the median, not flagged collapsed
    runs = run_frame(df)
    assert runs["failed"].sum() == 2 and runs["collapsed"].sum() == 1
    fig = trainability_figure(runs, 0.5, NAMES)
    labels = list(fig.layout.xaxis.ticktext)
    assert "1 failed" in labels[0] and "0 diverged" in labels[0] and "1 failed" in labels[1]
    assert "0 failed" in labels[2] and "1 diverged" in labels[2]
    dots = [t for t in fig.data if t.type == "scatter"]
    assert sum(len(t.y) for t in dots) == 29  # 30 runs at rho 0.5, one diverged has no loss
    crosses = [t for t in dots if t.marker.symbol == "x"]
    assert sorted(int(t.customdata[0][0]) for t in crosses) == [0, 4] and all(len(t.y) == 1 for t in crosses)
    assert sum(t.type == "violin" for t in fig.data) == 3
    zh = trainability_figure(runs, 0.5, NAMES, tr=ZH)
    assert "次失败" in zh.layout.xaxis.ticktext[0]


def test_gate_figure_and_trend_on_gates_that_separate():
    rows = [{"arch": "mmoe", "seed": s, "data.rho": f"{r:g}", "distance": 0.5 - 0.4 * r + 0.01 * s}
            for r in (0.0, 0.5, 1.0) for s in range(4)]
    gates = pd.DataFrame(rows)
    fig = gate_distance_figure(gates, NAMES)
    line = next(t for t in fig.data if t.name == "MMoE")
    assert list(line.x) == [0.0, 0.5, 1.0] and line.y[0] > line.y[-1]
    assert sum(len(t.y) for t in fig.data if t.mode == "markers") == 12  # every run a dot
    trend = gate_trend(gates).iloc[0]
    assert trend.spearman < -0.8 and trend.low > trend.high and trend.runs == 12


def test_difficulty_bars_and_table_follow_the_degradation():
    parts = [results_table({"shared_bottom": {1.0: (0.2, 0.01), 0.5: (0.6, 0.01)},
                            "omoe": {1.0: (0.2, 0.01), 0.5: (0.5, 0.01)},
                            "mmoe": {1.0: (0.2, 0.01), 0.5: (0.25, 0.01)}}, extra_axis={"data.c": "2"}),
             results_table({a: {1.0: (0.2, 0.01), 0.5: (0.21, 0.01)} for a in ("shared_bottom", "omoe", "mmoe")},
                           extra_axis={"data.c": "1"})]
    runs = run_frame(pd.concat(parts, ignore_index=True))
    deg = degradation(runs, "data.c")
    assert list(deg["value"]) == ["1", "1", "1", "2", "2", "2"]  # sorted by the knob's value
    sb2 = deg[(deg.value == "2") & (deg.arch == "shared_bottom")].iloc[0]
    assert sb2.degradation == pytest.approx(0.4) and sb2.se > 0
    fig = difficulty_figure(deg, "c", NAMES)
    assert [t.name for t in fig.data] == ["Shared-Bottom", "OMoE", "MMoE"]
    assert list(fig.data[0].y) == pytest.approx([0.01, 0.4])
    table = difficulty_table(deg, "c", NAMES)
    assert list(table["claim (b)"]) == ["✗ does not hold", "✓ holds"]  # at c = 1 nobody degrades more
    assert "8.0×" in table.iloc[1]["rise as a multiple of MMoE's"]


def test_verdict_table_says_holds_and_does_not_hold_with_the_numbers():
    good = verdict_table(verdicts(results_table(PAPER_LIKE)), NAMES)
    assert len(good) == 4 and (good["verdict"] == "✓ holds").all()
    assert "Shared-Bottom +0.4000" in good.iloc[1]["the numbers"] and "8×" in good.iloc[1]["the numbers"]
    bad = verdict_table(verdicts(results_table(OPPOSITE)), NAMES)
    assert (bad["verdict"] == "✗ does not hold").all()
    assert "Shared-Bottom -0.0100" in bad.iloc[1]["the numbers"]
    zh = verdict_table(verdicts(results_table(OPPOSITE)), NAMES, tr=ZH)
    assert list(zh.columns) == ["结论", "具体数字", "判定"] and (zh["判定"] == "✗ 不成立").all()
    assert verdict_notes(verdicts(results_table(PAPER_LIKE)), NAMES) == ""
    odd = results_table(PAPER_LIKE, status={("mmoe", 0.5, 9): "diverged"}, collapsed={("omoe", 1.0, 3): True})
    notes = verdict_notes(verdicts(odd), NAMES)
    assert "dead tower: Shared-Bottom 0, OMoE 1, MMoE 0" in notes
    assert "left out): Shared-Bottom 0, OMoE 0, MMoE 1" in notes


def test_census_figure_and_table_put_our_aucs_next_to_the_published_ones():
    rows = [dict(schema_version=2, data="census", arch=a, weighting="ew", seed=s, task=task, task_kind="binary",
                 val_loss=0.2, test_loss=0.2, test_auc=auc + 0.001 * s, status="ok", collapsed=False)
            for a, base in (("omoe", 0.94), ("mmoe", 0.945)) for s in range(3)
            for task, auc in (("income", base), ("marital", base + 0.05))]
    summary = census_summary(pd.DataFrame(rows))
    mm = summary[(summary.arch == "mmoe") & (summary.task == "income")].iloc[0]
    assert mm["mean"] == pytest.approx(0.946) and mm["sd"] == pytest.approx(0.001) and mm["n"] == 3
    pub = published_frame()
    table = census_table(summary, pub, NAMES)
    row = table.set_index("model").loc["MMoE"]
    assert row["torch-rechub"] == "0.9579 / 0.9950" and row["IJANMC 2024"] == "0.9152 / 0.9756"
    assert table.set_index("model").loc["OMoE", "torch-rechub"] == "—"  # nobody published OMoE
    fig = census_figure(summary, pub, NAMES)
    ours = [t for t in fig.data if t.name.startswith("ours")]
    assert len(ours) == 2 and list(ours[0].y) == pytest.approx([0.941, 0.946])
    assert {t.name for t in fig.data} >= {"torch-rechub", "IJANMC 2024"}
    rechub = next(t for t in fig.data if t.name == "torch-rechub" and t.xaxis == "x")
    assert list(rechub.y) == [0.9579]  # only the architectures we trained


def test_param_table_relative_to_mmoe():
    table = param_table({"shared_bottom": (2920, 2808), "mmoe": (3314, 2816)}, NAMES)
    assert list(table["paper's count"]) == ["2,808", "2,816"] and table.iloc[1]["vs MMoE"] == "1.00×"


# ---- the page's pure helpers --------------------------------------------------------------------------------------
TINY = {"n_train": "200", "epochs": "1", "seeds": "0-1", "rhos": "0.5,1", "gate_seeds": "0-1",
        "gate_rhos": "0,1", "gate_archs": "mmoe,cgc", "diff_values": "0,5", "diff_seeds": "0-1"}


def tiny_study() -> C.Study:
    mem, warnings = C.load_query({f"exp.{k}": v for k, v in TINY.items()})
    assert not warnings
    return C.study_of(mem)


def test_recorder_keeps_results_curves_and_gate_distances():
    grid = C.gate_grid(tiny_study())
    rec = Recorder(grid)
    for progress in rec.events():
        rec(progress)
    results = rec.results_frame()
    assert len(results) == 2 * 2 * 2 * 2  # archs x rhos x seeds x tasks
    curves = rec.curves_frame()
    assert set(curves["step"]) == {0, 1} and len(curves) == 2 * 8  # a snapshot at step 0 and the final one
    gates = rec.gates_frame()
    assert len(gates) == 8 and gates["distance"].between(0, 1).all()
    assert set(gates["data.rho"].astype(float)) == {0.0, 1.0}


def test_loading_a_results_csv_from_the_cli_and_refusing_other_files(tmp_path):
    df = results_table(PAPER_LIKE)
    buf = io.StringIO(df.to_csv(index=False))
    loaded = read_upload(buf)
    assert loaded.kind == "sweep" and loaded.error == "" and len(run_frame(loaded.frame)) == 90
    assert read_upload(io.StringIO("a,b\n1,2\n")).kind == "" and "schema_version" in \
        read_upload(io.StringIO("a,b\n1,2\n")).error
    funnel = df.assign(data="funnel")
    assert "Playground" in read_upload(io.StringIO(funnel.to_csv(index=False))).error
    no_rho = df.assign(relatedness=np.nan)
    assert "relatedness" in read_upload(io.StringIO(no_rho.to_csv(index=False))).error
    census_df = df.assign(data="census", test_auc=0.9)
    assert read_upload(io.StringIO(census_df.to_csv(index=False))).kind == "census"
    assert read_upload(io.BytesIO(b"\xff\xfe\x00garbage")).frame is None  # never raises


# ---- the page -----------------------------------------------------------------------------------------------------
def page(**query):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=180)
    merged = {"page": "experiments", **{f"exp.{k}": v for k, v in TINY.items()}, **query}
    at.query_params.update({k: v for k, v in merged.items() if v is not None})
    return at.run()


def open_tab(at, tab: str):
    at.session_state["experiments.tabs"] = translator(at.session_state["lang"])(f"exp.tab.{tab}")
    return at.run()


def run_until_done(at, max_runs: int = 120):
    state = at.session_state["section:experiments"]
    for _ in range(max_runs):
        if not state["job"].active:
            break
        at.run()
    return state["job"]


def test_the_sweep_runs_in_the_page_to_the_verdict_table():
    at = page()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.query_params["exp.seeds"] == "0-1" and at.query_params["exp.tab"] == "sweep"
    at.button(key="experiments.run_sweep").click().run()
    job = run_until_done(at)
    assert not at.exception and job.status == "finished" and job.runs_done == 12, (job.status, job.message)
    heads = "\n".join(s.value for s in at.subheader)
    assert "Do the paper's claims hold on these runs?" in heads
    table = at.table[-1].value
    outcomes = set(table.iloc[:, -1])
    assert len(table) == 4 and outcomes <= {"✓ holds", "✗ does not hold", "? too few seeds to tell"}
    assert "? too few seeds to tell" in outcomes  # 2 seeds: below the 3 the one rule needs for an interval
    assert any(d.label == "results.csv" for d in at.get("download_button"))
    # under it, the saved fresh-seed sets judged by the same rule: (c)'s difference and interval on every set, drawn
    col = "(c) MMoE − OMoE at ρ = 1, % [95 % interval] (MMoE lower on)"
    robust = next(d.value for d in at.dataframe if col in d.value.columns)
    saved = robustness_table()
    assert list(robust["seeds"]) == saved[saved.failed_runs == "kept"]["seeds"].astype(str).tolist()
    assert robust[col].str.fullmatch(r"[+-]\d+ % \[[+-]\d+, [+-]\d+\] \(\d+/\d+\)").all()
    assert any("Claim (c) on each seed set" in c.proto.spec for c in at.get("plotly_chart"))
    assert not any("before the one statistics rule" in w.value for w in at.warning)
    open_tab(at, "trainability")
    assert not at.exception and any("collapsed" in str(c.value) or "sd" in str(c.value) for c in at.caption)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_tab_renders_in_both_languages(lang):
    at = page(lang=lang)
    tr = translator(lang)
    assert at.title[0].value == tr("exp.title")
    for tab in C.TABS:
        open_tab(at, tab)
        assert not at.exception, (tab, at.exception)
        assert not at.error, (tab, [e.value for e in at.error])
        assert at.query_params["exp.tab"] == tab


def test_a_bad_link_is_warned_in_the_page():
    at = page(**{"exp.rhos": "0.5,7", "exp.bogus": "x"})
    assert not at.exception
    warning = "\n".join(w.value for w in at.warning)
    assert "exp.rhos" in warning and "exp.bogus" in warning
    assert at.query_params["exp.rhos"] == "0.5,0.9,1"  # the preset's value


def test_a_bad_value_is_named_in_the_page_language():
    at = page(lang="zh", **{"exp.rhos": "0.5,7"})
    warning = "\n".join(w.value for w in at.warning)
    assert "exp.rhos：" in warning and "不可用" in warning and "0.5,7" in warning and "not allowed" not in warning
    at.text_input(key="experiments.w:seeds").set_value("0-lots").run()
    error = "\n".join(e.value for e in at.error)
    assert "exp.seeds：" in error and "应为一个数量" in error and "not allowed" not in error


def test_census_view_without_the_cache_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("MTL_EXPLORER_DATA_DIR", str(tmp_path))
    at = page(**{"exp.tab": "census"})
    assert not at.exception
    assert any("python -m mtl_core data fetch census" in i.value for i in at.info)
    assert at.button(key="experiments.fetch").label == "Fetch it now"
    assert "0.9579" in at.table[0].value.to_string()  # the published reproductions are shown meanwhile


def test_the_time_estimate_counts_every_batch():
    from app.sections.experiments.results import estimate_s

    study = tiny_study()
    small, big = C.sweep_grid(study), C.sweep_grid(study)
    big.seeds = list(range(6))  # three times the runs, same batches per model
    a, b = estimate_s(small, probe_runs=4, probe_s=0.2), estimate_s(big, probe_runs=4, probe_s=0.2)
    assert 0 < a < float("inf") and 0 < b < float("inf")


def test_stop_keeps_the_runs_that_finished():
    from app.ui.jobs import Job, Progress

    rec = Recorder(C.sweep_grid(tiny_study()))  # 3 batches, one per architecture
    job = Job(rec.events(), runs_total=12, keep_events=False, rows=rec,
              progress=lambda g: Progress(g.runs_done, g.runs_total, g.steps_done / max(1, g.steps_total)))
    for _ in range(10_000):  # until the first batch (Shared-Bottom's 4 runs) has finished; a pull is time-bounded
        if rec.results:
            break
        job.pull(0.05)
    job.stop()
    assert job.status == "stopped" and job.runs_done == 4
    assert set(rec.results_frame()["arch"]) == {"shared_bottom"} and len(job.rows) == 8
    assert run_frame(rec.results_frame())["loss"].notna().all()


def test_the_full_preset_shows_its_time_on_this_machine_and_suggests_the_cli(monkeypatch):
    from app.sections.experiments import tab_sweep

    monkeypatch.setattr(tab_sweep, "estimate_s", lambda grid: 1234.0)  # one model at a time, on one core
    for workers, minutes in ((1, "21 min"), (2, "11 min")):  # two cores: 1234 s / (0.9 x 2) = 686 s
        monkeypatch.setattr(tab_sweep, "study_workers", lambda: workers)
        at = page(preset="mmoe_paper_full", **{f"exp.{k}": None for k in TINY})
        assert not at.exception
        info = "\n".join(i.value for i in at.info)
        assert "1,800 runs" in info and minutes in info and f"trains {workers} batched" in info
        assert "python -m mtl_core sweep --preset mmoe_paper_full" in info and "--device cuda" in info


def test_the_difficulty_tab_shows_the_regime_screen(benchmark_script):
    at = open_tab(page(), "difficulty")
    assert not at.exception
    titles = [e.label for e in at.expander]
    assert any(label.startswith("Other regimes we tried") for label in titles), titles
    frames = [d.value for d in at.dataframe]
    screen = next(f for f in frames if "change from the quick preset" in f.columns)
    assert list(screen.columns[5:7]) == ["rise", "sd at ρ = 0.5"]
    assert screen.iloc[0, 0] == "none (the quick preset)" and len(screen) == len(
        benchmark_script("claims_robustness").SCREEN)
