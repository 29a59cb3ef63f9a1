"""The Experiments page's own studies: gate separation (do the tasks' gates part as ρ falls?) and the
difficulty explorer (claim (b) over one knob of the data regime), with the measured regime screen."""
from __future__ import annotations

import streamlit as st

from ...figures.experiments import difficulty_figure, difficulty_table, gate_distance_figure, gate_trend
from ...i18n import t
from ...ui.charts import chart
from ...ui.widgets import param_label
from .config import DIFF_RHOS
from .controls import arch_names, current_study, difficulty_controls, gate_controls
from .results import degradation, run_frame
from .runner import _k, download, follow, job_of, page_tr, recorder, run_row, show_errors
from .verdicts import regime_screen_view, verdict_style


# ---- 4. gate separation -------------------------------------------------------------------------------------------
def gates_tab() -> None:
    st.markdown(t("exp.gates.intro"))
    gate_controls()
    study = current_study()
    errors = study.errors.get("gates")
    grid = None
    if errors:
        show_errors(errors)
    else:
        grid = study.grids["gates"]
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
    chart(gate_distance_figure(gates, names, tr=page_tr()), t("exp.gates.caption"), live_key=_k("live_gates"))
    trend = gate_trend(gates)
    lines = []
    for _, r in trend.iterrows():
        key = ("exp.gates.apart" if r.spearman < -0.3 and r.low > r.high else
               "exp.gates.closer" if r.spearman > 0.3 and r.low < r.high else "exp.gates.flat")
        lines.append("- " + t(key, name=names.get(r.arch, r.arch), low=r.low, high=r.high, lo=f"{r.rho_low:g}",
                              hi=f"{r.rho_high:g}", rs=r.spearman, n=int(r.runs)))
    st.markdown(t("exp.gates.found") + "\n" + "\n".join(lines))
    if job is None or job.ended:
        download(rec.results_frame(), "gates")


# ---- 5. difficulty ------------------------------------------------------------------------------------------------
def difficulty_tab() -> None:
    st.markdown(t("exp.diff.intro"))
    difficulty_controls()
    study = current_study()
    errors = study.errors.get("difficulty")
    grid = None
    if errors:
        show_errors(errors)
    else:
        grid = study.grids["difficulty"]
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
    chart(difficulty_figure(deg, label, names, tr=page_tr(), rho_high=max(DIFF_RHOS), rho_low=min(DIFF_RHOS)),
          t("exp.diff.caption"), live_key=_k("live_difficulty"))
    table = difficulty_table(deg, label, names, tr=page_tr())
    if not table.empty:
        st.table(verdict_style(table.set_index(label), t("exp.col.claim_b")), border="horizontal")
    st.caption(t("exp.diff.why"))
    if job is None or job.ended:
        download(results, "difficulty")
