"""The funnel explorer's views: the funnel of the current data, the comparison as a job (live validation
curves, Stop), and the results: probability decomposition, bias on the entire space, metrics over seeds."""
from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from mtl_core import admission as admission_cost
from mtl_core.experiments import funnel as fx

from ...figures.funnel import (bias_figure, calibration_figure, curves_figure, decomposition_figure, funnel_figure,
                               gap_figure, metrics_table)
from ...figures.rule import paired_text
from ...i18n import current_lang, t, translator
from mtl_core.params import ConfigError

from ...ui.charts import chart
from ...ui.export import csv_text
from ...ui.jobs import Job, Progress, job_panel
from ...ui.run import Cost, admission, errors_box, run_panel
from ...ui.section import keyer
from ...ui.state import section_state
from . import SECTION
from .controls import Knobs, model_names

JOB_KEY = "funnel-job"
SAMPLE = 300  # impressions drawn in the decomposition
SNAPSHOTS_PER_EPOCH = 2
_k = keyer(SECTION)


def cost_of(knobs: Knobs) -> Cost | None:
    """What the comparison would train, for the admission gate: each model's seeds as one batched model."""
    if knobs.errors:
        return None
    try:
        cfgs = [fx.model_config(knobs.flat, m) for m in knobs.models]
    except ConfigError:
        return None
    return Cost(tuple((cfg, len(knobs.seeds)) for cfg in cfgs), max(1, len(knobs.seeds)))


@st.cache_data(max_entries=64, show_spinner=False)
def _data_stats(data_items: tuple, seed: int) -> dict:
    meta = fx.data_stats(dict(data_items), seed)
    return {k: v for k, v in meta.items() if isinstance(v, (int, float))}


# ---- 1. the funnel -------------------------------------------------------------------------------------------
def funnel_sketch(knobs: Knobs) -> None:
    if not knobs.errors and admission(cost_of(knobs)):  # drawing it builds the data: not past the caps either
        return
    st.subheader(t("fx.sketch"), divider="gray")
    if knobs.errors:
        errors_box(t("fx.invalid"), knobs.errors)
        return
    from ... import server  # the sketch generates the data: data over the caps gets their message instead

    cost = admission_cost.estimate(fx.model_config(knobs.flat, knobs.models[0] if knobs.models else fx.DEFAULT_MODELS[0]))
    over = server.cost_over_caps(cost, server.active_limits(), t, only=("max_data_mb", "max_memory_mb"),
                                 section="funnel")
    if over:
        st.error(t("server.cap.title" if server.CLASSROOM else "server.cap.title_open") + "\n\n"
                 + "\n".join(f"- {c}" for c in over), icon=":material/block:")
        return
    tr = translator(current_lang())
    meta = _data_stats(knobs.data_items, knobs.seeds[0] if knobs.seeds else 0)
    left, right = st.columns([3, 2])
    with left:
        chart(funnel_figure(meta, tr=tr))
    with right:
        a, b = st.columns(2)
        a.metric(t("fx.m.ctr"), f"{100 * meta['ctr']:.1f} %")
        b.metric(t("fx.m.cvr"), f"{100 * meta['cvr_given_click']:.1f} %")
        a.metric(t("fx.m.pcvr_clicked"), f"{meta['mean_true_pcvr_clicked']:.3f}")
        b.metric(t("fx.m.pcvr_all"), f"{meta['mean_true_pcvr_all']:.3f}")
        a.metric(t("fx.m.per_user"), f"{meta['impressions_per_user']:.0f}")
        n_users = max(1.0, meta["n_impressions"] / meta["impressions_per_user"])
        b.metric(t("fx.m.conv_per_user"), f"{meta['n_conversions'] / n_users:.2f}")
    st.caption(t("fx.sketch_caption", ratio=meta["mean_true_pcvr_clicked"] / max(meta["mean_true_pcvr_all"], 1e-9)))


# ---- the job ----------------------------------------------------------------------------------------------------
def _history_rows(p: fx.FunnelProgress) -> list[dict]:
    snap = p.snapshot
    # a model's final snapshot comes only with its finished rows; after a divergence that event repeats the
    # last snapshot already drawn
    if snap is None or (p.new_rows and not snap.done) or "cvr_auc_all" not in snap.extra_metrics:
        return []
    return [{"model": p.model, "epoch": float(snap.epoch),
             "val_cvr_auc_entire": float(np.nanmean(snap.extra_metrics["cvr_auc_all"]))}]


def _start(knobs: Knobs) -> None:
    state = section_state(SECTION)
    old: Job | None = state.get("job")
    if old is not None:
        old.stop()
    S = len(knobs.seeds)
    events = fx.iter_funnel(knobs.flat, knobs.models, knobs.seeds, snapshots_per_epoch=SNAPSHOTS_PER_EPOCH)
    job = Job(events, runs_total=len(knobs.models) * S, keep_events=False, rows=_history_rows,
              progress=lambda p: Progress((p.model_index + (1 if p.new_rows else 0)) * S, p.n_models * S,
                                          p.steps_done / max(1, p.steps_total)),
              done=lambda p: p.result is not None)

    def ended(j: Job) -> None:
        if j.last is not None and j.last.result is not None:
            state.update(result=j.last.result, history=pd.DataFrame(j.rows))
    job.on_end = ended
    job.cost = admission_cost.estimate_batches([(fx.model_config(knobs.flat, m), S) for m in knobs.models],
                                          len(knobs.models) * S)  # the admission gate (app.server.refusal)
    state.update(job=job, epochs=int(knobs.flat["train.epochs"]))


def _live(job: Job | None) -> None:
    if job is None:
        return
    tr = translator(current_lang())
    history = pd.DataFrame(job.rows, columns=["model", "epoch", "val_cvr_auc_entire"])
    chart(curves_figure(history, model_names(), section_state(SECTION).get("epochs"), tr=tr),
          t("fx.curves_caption"), live_key=_k("live_curves"))


def comparison_panel(knobs: Knobs) -> None:
    st.subheader(t("fx.run_title"), divider="gray")
    job: Job | None = section_state(SECTION).get("job")
    names = model_names()
    note = t("fx.plan", models=len(knobs.models), seeds=len(knobs.seeds),
             names=", ".join(names[m] for m in knobs.models))
    run_panel(_k("run"), t("fx.run"), _start, (knobs,), cost=cost_of(knobs), busy=job is not None and job.active,
              note=note, errors=knobs.errors)
    job_panel(JOB_KEY, lambda: section_state(SECTION).get("job"), _live)


# ---- results ----------------------------------------------------------------------------------------------------
def _sample(result: fx.FunnelResult, mid: str, n: int = SAMPLE, seed: int = 0) -> pd.DataFrame:
    s = result.samples
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(s["click"]), size=min(n, len(s["click"])), replace=False)
    m = s["models"][mid]
    return pd.DataFrame({"true_pctr": s["truth"]["true_pctr"][idx], "true_pcvr": s["truth"]["true_pcvr"][idx],
                         "pctr": m["pctr"][idx], "pcvr": m["pcvr"][idx], "pctcvr": m["pctcvr"][idx],
                         "click": s["click"][idx]})


def _calibration(result: fx.FunnelResult, models: list[str], bins: int = 10) -> pd.DataFrame:
    s = result.samples
    clicked = s["click"] > 0.5
    parts = []
    for mid in models:
        for space, mask in (("clicked", clicked), ("unclicked", ~clicked)):
            c = fx.calibration(s["models"][mid]["pcvr"][mask], s["truth"]["true_pcvr"][mask], bins)
            parts.append(c.assign(model=mid, space=space))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _pick(name: str, options: list[str], default: Any, multi: bool = False):
    names = model_names()
    key = _k(name)
    if key in st.session_state:
        current = st.session_state[key]
        if (multi and not set(current) <= set(options)) or (not multi and current not in options):
            del st.session_state[key]
    if key not in st.session_state:
        st.session_state[key] = default
    if multi:
        return st.multiselect(t(f"fx.{name}"), options, key=key, format_func=names.get)
    return st.selectbox(t(f"fx.{name}"), options, key=key, format_func=names.get)


def results() -> None:
    state = section_state(SECTION)
    result: fx.FunnelResult | None = state.get("result")
    if result is None:
        st.info(t("fx.hint"), icon=":material/lightbulb:")
        return
    tr = translator(current_lang())
    names = model_names()
    table = result.table()
    models = [m for m in result.models if m in table.index]
    seeds_note = t("fx.result_of", models=len(models), seeds=len(result.seeds), s=result.elapsed_s)

    st.subheader(t("fx.decomp"), divider="gray")
    mid = _pick("decomp_model", models, "esmm" if "esmm" in models else models[0])
    chart(decomposition_figure(_sample(result, mid), mid, names[mid], tr=tr), t("fx.decomp_caption", n=SAMPLE))

    st.subheader(t("fx.bias"), divider="gray")
    default = [m for m in ("naive", "esmm") if m in models] or models[:2]
    chosen = _pick("calib_models", models, default, multi=True)
    chart(calibration_figure(_calibration(result, chosen), names, tr=tr), t("fx.calib_caption"))
    chart(bias_figure(table, names, tr=tr), _bias_sentence(table, result, names))

    st.subheader(t("fx.table"), divider="gray")
    shown = metrics_table(table, names, fx.PAPER_ALI_CCP, tr=tr)
    st.table(shown.set_index(shown.columns[0]), border="horizontal")
    st.caption(t("fx.table_caption") + " " + seeds_note + _calibrator_note(table))
    st.markdown(_against_naive(result, names, tr))
    oracle = result.summary()["oracle"]
    st.caption(t("fx.oracle", auc=oracle["cvr_auc_entire"], ctcvr=oracle["ctcvr_auc"]))
    a, b = st.columns(2)
    a.download_button(t("fx.download_summary"), json.dumps(result.summary(), indent=2), file_name="summary.json",
                      mime="application/json", on_click="ignore", icon=":material/download:", key=_k("dl_summary"))
    b.download_button(t("fx.download_results"), csv_text(result.frame()), file_name="results.csv",
                      mime="text/csv", on_click="ignore", icon=":material/download:", key=_k("dl_results"))


def _against_naive(result: fx.FunnelResult, names: dict[str, str], tr) -> str:
    """Each model against the naive one on the entire-space CVR AUC, paired by seed, by the one rule: the
    word, the difference in AUC points with its 95 % interval and the seeds that agree."""
    tests = fx.comparisons(result.frame(), "naive", "cvr_auc_entire")
    if not tests:
        return ""
    return t("fx.vs_naive", items="; ".join(f"{names.get(m, m)}: {paired_text(p, tr, pct=False)}"
                                            for m, p in tests.items()))


def _calibrator_note(table: pd.DataFrame) -> str:
    """AITM with and without its calibrator: say when the calibrator changed nothing in this run."""
    if not {"aitm", "aitm_nocal"} <= set(table.index):
        return ""
    gap = abs(table.loc["aitm", "cvr_auc_entire"] - table.loc["aitm_nocal", "cvr_auc_entire"])
    return " " + t("fx.calibrator_idle" if gap < 1e-6 else "fx.calibrator_active", gap=gap)


def _bias_sentence(table: pd.DataFrame, result: fx.FunnelResult, names: dict[str, str]) -> str:
    """The caption under the bias bars: what we see, with the numbers of this run."""
    truth = result.samples["truth"]["true_pcvr"][result.samples["click"] < 0.5].mean()
    text = t("fx.bias_caption", truth=truth)
    if "naive" in table.index and "esmm" in table.index:
        text += " " + t("fx.bias_naive_esmm", naive=table.loc["naive", "pcvr_bias_unclicked"],
                        esmm=table.loc["esmm", "pcvr_bias_unclicked"],
                        naive_c=table.loc["naive", "pcvr_bias_clicked"])
    return text


# ---- 5. regime map (measured offline) ----------------------------------------------------------------------------
def regime_map(regime: pd.DataFrame | None) -> None:
    if regime is None or regime.empty:
        return
    st.subheader(t("fx.regime"), divider="gray")
    chart(gap_figure(regime, tr=translator(current_lang())), t("fx.regime_caption"))
