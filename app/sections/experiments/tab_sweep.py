"""The Experiments page's first tabs: label correlation (paper Fig. 2), the correlation sweep (Fig. 3-4)
with the claim verdicts, and trainability (Fig. 5)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from mtl_core.experiments.correlation import label_correlation

from ...figures.experiments import (final_loss_figure, label_correlation_figure, loss_curves_figure, param_table,
                                    trainability_figure)
from ...i18n import t
from ...ui.cache import model_info_for
from ...ui.charts import chart
from ...ui.run import admission
from ...ui.text import escape_md, short
from .config import LC_RHOS, LC_SAMPLES, Grid, Study, correlation_params
from .controls import arch_names, correlation_controls, current_study, rho_picker
from .results import estimate_s, run_frame
from .runner import (_k, cost_of, download, fmt_s, follow, job_of, page_tr, recorder, run_row, show_errors,
                     study_workers)
from .verdicts import verdict_view

ESTIMATE_FROM = 300  # studies with this many runs get a timed estimate before they start


# ---- 1. label correlation ----------------------------------------------------------------------------------------
@st.cache_data(max_entries=32, show_spinner=False)
def _label_corr(items: tuple, draws: int) -> pd.DataFrame:
    return label_correlation(rhos=LC_RHOS, draws=range(draws), n=LC_SAMPLES, **dict(items))


def correlation_tab() -> None:
    st.markdown(t("exp.lc.intro"))
    correlation_controls()
    study = current_study()
    if "correlation" in study.errors:
        show_errors(study.errors["correlation"])
        return
    params = correlation_params(study)
    with st.spinner(t("exp.lc.drawing")):
        df = _label_corr(tuple(sorted(params.items())), int(study["lc_draws"]))
    chart(label_correlation_figure(df, tr=page_tr()))
    at = df.set_index("rho")
    st.caption(t("exp.lc.caption", n=LC_SAMPLES, draws=int(study["lc_draws"]),
                 mode=t(f"exp.lc.mode_{study['lc_mode']}"), r05=at.loc[0.5, "mean"], sd05=at.loc[0.5, "sd"],
                 r0=round(at.loc[0.0, "mean"], 2) + 0.0, r1=at.loc[1.0, "mean"]))  # + 0.0: no "-0.00"


# ---- 2. correlation sweep -----------------------------------------------------------------------------------------
@st.cache_data(max_entries=16, show_spinner=False)
def _estimate(key: tuple, _grid: Grid) -> float:
    return estimate_s(_grid)


def _params(study: Study) -> None:
    cfg = study.grids["sweep"].cfg
    counts = {}
    for a in study["archs"]:
        info = model_info_for(cfg.with_changes(model=a))
        counts[a] = (info.n_params, info.n_params_paper)
    names = arch_names()
    ref = "mmoe" if "mmoe" in counts else next(iter(counts))
    st.caption(t("exp.params.line", items=" · ".join(f"{names.get(a, a)} {n:,}" for a, (_, n) in counts.items())))
    with st.expander(t("exp.params.title"), icon=":material/tune:"):
        st.table(param_table(counts, names, ref, tr=page_tr()).set_index(t("exp.col.model")), border="horizontal")
        st.caption(t("exp.params.caption"))


@st.cache_data(max_entries=16, show_spinner=False)
def _quick_estimate(key: tuple, _grid: Grid, workers: int) -> float:
    """Seconds on this machine, from short probes of each batch (mtl_core.timing), for grids too small for
    the timed estimate below."""
    from mtl_core import timing
    from mtl_core.grid import plan_grid

    batches = plan_grid(_grid.cfg, _grid.axes, _grid.seeds)
    return timing.estimate([(b.cfg, len(b.runs)) for b in batches], workers=workers).seconds


def _estimate_box(grid: Grid, study: Study) -> None:
    if grid.n_runs < ESTIMATE_FROM:
        try:
            secs = _quick_estimate(grid.key(), grid, study_workers())
        except Exception:  # noqa: BLE001 - no estimate is better than a wrong one or a traceback
            return
        st.caption(t("exp.expected", s=fmt_s(secs)))
        return
    with st.spinner(t("exp.estimating")):
        try:
            secs = _estimate(grid.key(), grid)
        except Exception as err:  # noqa: BLE001 - an estimate that failed is said, never a traceback
            st.warning(t("exp.estimate_failed", msg=escape_md(short(err, 200))))
            return
    workers = study_workers()
    if workers > 1:  # the probes time one model on one core; parallel workers fall a little short of linear
        secs /= 0.9 * workers
    st.info(t("exp.estimate", runs=f"{grid.n_runs:,}", s=fmt_s(secs), preset=study["preset"], workers=workers),
            icon=":material/schedule:")


def sweep_tab() -> None:
    st.markdown(t("exp.sweep.intro"))
    study = current_study()
    errors = study.errors.get("sweep")
    if errors:
        show_errors(errors)
        grid = None
    else:
        grid = study.grids["sweep"]
        _params(study)
        if not admission(cost_of(grid)):  # the estimate trains briefly: not past the caps
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
    tr, names = page_tr(), arch_names()
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
    download(results, "sweep")



# ---- 3. trainability ----------------------------------------------------------------------------------------------
def trainability_view(results: pd.DataFrame, where: str) -> None:
    runs = run_frame(results)
    rhos = sorted(runs["rho"].dropna().unique())
    if not rhos:
        st.caption(t("exp.sweep.waiting"))
        return
    rho = rho_picker(rhos, where)
    chart(trainability_figure(runs, rho, arch_names(), tr=page_tr()), live_key=_k(f"live_trn_{where}"))
    at = runs[np.isclose(runs["rho"], rho)]
    parts = []
    for arch, g in at.groupby("arch", sort=False):
        loss = g["loss"].dropna()
        name = escape_md(arch_names().get(arch, arch))  # from a loaded file, too
        parts.append(t("exp.trn.item", name=name, sd=loss.std(ddof=1) if len(loss) > 1 else 0.0,
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
