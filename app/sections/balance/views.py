"""The balancing lab's views: the run (a job over the study's parts, with progress, time left and Stop),
what our own runs showed for the scenario, and the views of a finished (or stopped) study: the claim
check against EW, the seesaw map, the trade-off curve, task-weight and loss-ratio trajectories side by
side, the gradient-conflict timeline and the comparison table."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from mtl_core import admission
from mtl_core.experiments import balance as bx
from mtl_core.grid import plan_grid

from ...figures.balance import (comparison_frame, conflict_figure, seesaw_figure, tradeoff_figure,
                                trajectories_figure, verdict_table)
from ...figures.rule import effect_text
from ...i18n import current_lang, t, translator
from ...ui.charts import chart
from ...ui.export import csv_text
from ...ui.jobs import Job, Progress, job_panel
from ...ui.run import Cost, fit_batch, run_panel
from ...ui.section import keyer
from ...ui.state import section_state
from . import SECTION
from .controls import Knobs, short_names, strategy_names
from .measured import found_text, measured_results

JOB_KEY = "balance-job"
SNAPSHOTS_PER_EPOCH = 2
MAX_BATCH = 256  # runs of one part trained as one batched model, at most
_k = keyer(SECTION)


def _table(df: pd.DataFrame) -> None:
    """A table shown whole (no inner scrolling)."""
    st.dataframe(df, hide_index=True, width="stretch", height=36 * (len(df) + 1) + 4)


# ---- the run ----------------------------------------------------------------------------------------------
def _parts(knobs: Knobs) -> list[bx.Part]:
    return bx.plan_study(knobs.cfg, knobs.axes, knobs.seeds, baselines=knobs.baselines, static=knobs.static)


def _cost(parts: list[bx.Part]) -> Cost:
    """What the study would train, for the admission gate: every part, in batches that fit the caps."""
    return Cost(tuple((p.cfg, p.n_runs) for p in parts),
                fit_batch(parts[0].cfg, min(MAX_BATCH, max(p.n_runs for p in parts))))


def _start(knobs: Knobs, batch: int) -> None:
    state = section_state(SECTION)
    old: Job | None = state.get("job")
    if old is not None:
        old.stop()
    parts = _parts(knobs)
    runs, _ = bx.study_size(parts, batch)
    record = bx.StudyRecord()

    def events():
        for p in bx.iter_study(parts, record_conflict=knobs.conflict, snapshots_per_epoch=SNAPSHOTS_PER_EPOCH,
                               max_batch=batch):
            record.add(p)
            yield p

    job = Job(events(), runs_total=runs, keep_events=False,
              progress=lambda p: Progress(p.runs_done, p.runs_total, p.steps_done / max(1, p.steps_total)))

    def ended(j: Job) -> None:
        state.update(record=record, ran=dict(scenario=knobs.scenario, problem=knobs.problem,
                                             weightings=knobs.weightings, archs=knobs.archs,
                                             seeds=len(knobs.seeds), status=j.status,
                                             elapsed=j.elapsed_s, conflict=knobs.conflict))
    job.on_end = ended
    job.cost = admission.estimate_batches([(b.cfg, len(b.runs)) for p in parts
                                           for b in plan_grid(p.cfg, p.axes, p.seeds)], runs)  # the admission gate
    state.update(job=job, live=record)


def _live(job: Job | None) -> None:
    if job is None or not job.active:
        return
    record: bx.StudyRecord | None = section_state(SECTION).get("live")
    if record is None or not record.traj:
        st.caption(t("bal.preparing"))
        return
    traj = record.trajectories()
    ws = list(dict.fromkeys(traj[traj.role == bx.ROLE_MTL].weighting)) if "role" in traj else []
    names = short_names()
    if ws:
        chart(trajectories_figure(traj, ws[-4:], value="weight", names=names, tr=translator(current_lang())),
              t("bal.live_caption"), live_key=_k("live_chart"))


def study_panel(knobs: Knobs) -> None:
    st.subheader(t("bal.run_title"), divider="gray")
    job: Job | None = section_state(SECTION).get("job")
    note, cost = "", None
    if not knobs.errors:
        parts = _parts(knobs)
        cost = _cost(parts)
        kinds = bx.describe(parts)
        note = (t("bal.plan", strategies=len(knobs.weightings), archs=len(knobs.archs), seeds=len(knobs.seeds),
                  mtl=kinds.get(bx.ROLE_MTL, 0), static=kinds.get(bx.ROLE_STATIC, 0),
                  single=kinds.get(bx.ROLE_SINGLE, 0))
                + (" " + t("bal.plan_conflict") if knobs.conflict else ""))
    run_panel(_k("run"), t("bal.run"), _start, (knobs, cost.batch if cost else 1), cost=cost,
              busy=job is not None and job.active, note=note, errors=knobs.errors, errors_title=t("bal.invalid"))
    job_panel(JOB_KEY, lambda: section_state(SECTION).get("job"), _live)


# ---- what our runs showed ----------------------------------------------------------------------------------
def measured_panel(scenario: str) -> None:
    """The scenario's claim, checked in our runs (shipped with the app): which strategy helped, with the
    numbers and the command that produced them."""
    df, command = measured_results(scenario)
    if df is None or df.empty:
        return
    tr = translator(current_lang())
    with st.expander(t("bal.measured_title"), expanded=section_state(SECTION).get("record") is None,
                     icon=":material/fact_check:"):
        st.markdown(found_text(scenario, df, tr, short_names()))
        _claims(df, tr, measured=True)
        st.caption(t("bal.measured_caption", seeds=df.seed.nunique(), command=command))


def _claims(df: pd.DataFrame, tr, measured: bool = False) -> None:
    """The headline sentences and the verdict table of a study (our runs or the learner's)."""
    names = short_names()
    verdicts = bx.verdict_frame(df)
    if verdicts.empty:
        st.info(t("bal.no_reference"), icon=":material/info:")
        return
    for arch, v in verdicts.groupby("arch", sort=False):
        prefix = f"**{names.get(arch, arch)}** · " if verdicts.arch.nunique() > 1 else ""
        for task, vt in v.groupby("task", sort=False):
            vt = vt.sort_values("change_pct", ascending=False)
            helps, hurts, unclear = (_listed(vt[vt.effect == e], names) for e in ("helps", "hurts", "unclear"))
            st.markdown(prefix + t("bal.claim_line", task=task, helps=", ".join(helps) or "—",
                                   hurts=", ".join(hurts) or "—", unclear=", ".join(unclear) or "—"))
    _table(verdict_table(verdicts, names=names, tr=tr))


def _listed(v: pd.DataFrame, names: dict[str, str]) -> list[str]:
    """"UW +53 % [+31, +70] (10/10)": each strategy with its effect, interval and agreeing seeds."""
    return [f"{names.get(r.weighting, r.weighting)} {effect_text(r.change_pct / 100, r.low_pct / 100, r.high_pct / 100)}"
            f" ({r.agree}/{r.n})" for r in v.itertuples()]


# ---- the views of a study ----------------------------------------------------------------------------------
def _pick(label_key: str, options: list[str], default: list[str], name: str) -> list[str]:
    key = _k(name)
    names = short_names()
    if key in st.session_state and not set(st.session_state[key]) <= set(options):
        del st.session_state[key]
    if key not in st.session_state:
        st.session_state[key] = [o for o in default if o in options]
    return st.multiselect(t(label_key), options, key=key, format_func=lambda x: names.get(x, x))


def results() -> None:
    state = section_state(SECTION)
    record: bx.StudyRecord | None = state.get("record")
    if record is None:
        st.info(t("bal.hint"), icon=":material/lightbulb:")
        return
    ran = state.get("ran", {})
    tr = translator(current_lang())
    names = short_names()
    df = record.results()
    st.subheader(t("bal.results_title"), divider="gray")
    # one row per (run, task); static-weight runs differ only in their weights, so count rows, not keys
    done = 0 if df.empty else len(df) // df["task"].nunique()
    st.caption(t("bal.results_of", runs=done, s=ran.get("elapsed", 0.0),
                 status=t("status." + ran.get("status", "finished"))))
    if df.empty:
        st.warning(t("bal.nothing_finished"), icon=":material/hourglass_empty:")
        return
    mtl = df[df.role == bx.ROLE_MTL]
    weightings = list(dict.fromkeys(mtl.weighting))
    archs = list(dict.fromkeys(mtl.arch))
    arch = archs[0]

    # 1. claims
    st.markdown(f"#### {t('bal.claims_title')}")
    _claims(df, tr)
    st.caption(t("bal.claims_caption"))

    # 2. seesaw map
    st.markdown(f"#### {t('bal.seesaw_title')}")
    seesaw = bx.seesaw_frame(df)
    chart(seesaw_figure(seesaw, names=names, tr=tr), t("bal.seesaw_caption"), key=_k("seesaw"))
    if not seesaw.empty:
        counts = seesaw.quadrant.value_counts()
        st.caption(t("bal.seesaw_count", win=int(counts.get("both_win", 0)), seesaw=int(counts.get("seesaw", 0)),
                     negative=int(counts.get("negative", 0))))

    if len(archs) > 1:  # the views below show one architecture at a time
        st.divider()
        arch = st.selectbox(t("bal.arch_views"), archs, key=_k("arch"), format_func=lambda a: names.get(a, a))

    # 3. trade-off
    trade = bx.tradeoff_frame(df)
    trade = trade[trade.arch == arch] if len(trade) else trade
    if len(trade):
        st.markdown(f"#### {t('bal.tradeoff_title')}")
        has_static = bool((trade.kind == "static").any())
        chart(tradeoff_figure(trade, names=names, tr=tr),
              t("bal.tradeoff_caption" if has_static else "bal.tradeoff_caption_strategies"), key=_k("tradeoff"))
        _tradeoff_sentence(trade, names)

    # 4. trajectories
    st.markdown(f"#### {t('bal.traj_title')}")
    traj = record.trajectories()
    c1, c2 = st.columns([3, 1])
    with c1:
        chosen = _pick("bal.traj_pick", weightings, [w for w in weightings if w != "ew"][:4] or weightings, "traj")
    with c2:
        value = st.radio(t("bal.traj_value"), ["weight", "loss_ratio"], key=_k("traj_value"),
                         format_func=lambda v: t(f"bal.traj_value.{v}"), horizontal=True)
    chart(trajectories_figure(traj, chosen, value=value, names=names, arch=arch, tr=tr),
          t("bal.traj_caption_weight" if value == "weight" else "bal.traj_caption_ratio"), key=_k("traj_chart"))

    # 5. gradient conflict
    st.markdown(f"#### {t('bal.conflict_title')}")
    steps = record.conflict_steps()
    if steps.empty:
        st.info(t("bal.conflict_off"), icon=":material/info:")
    else:
        chosen_c = _pick("bal.conflict_pick", weightings, weightings[:4], "conflict")
        chart(conflict_figure(steps, chosen_c, names=names, arch=arch, tr=tr), t("bal.conflict_caption"),
              key=_k("conflict_chart"))
        ct = bx.conflict_table(df)
        if not ct.empty:
            st.caption(" · ".join(t("bal.conflict_row", name=names.get(r.weighting, r.weighting),
                                    before=100 * r.conflict_share, after=100 * r.conflict_share_after)
                                  for r in ct.itertuples() if r.arch == arch))

    # 6. comparison table
    st.markdown(f"#### {t('bal.table_title')}")
    comp = bx.comparison_table(df)
    _table(comparison_frame(comp, bx.verdict_frame(df), names=names, tr=tr))
    st.caption(t("bal.table_caption"))
    single = df[df.role == bx.ROLE_SINGLE]
    if len(single):
        st.caption(t("bal.single_line", values=", ".join(f"{k} {v:.4g}" for k, v in
                                                          single.groupby("task").test_loss.mean().items())))
    st.download_button(t("bal.download"), csv_text(df), file_name="results.csv", mime="text/csv",
                       on_click="ignore", icon=":material/download:", key=_k("dl"))


def _tradeoff_sentence(trade: pd.DataFrame, names: dict[str, str]) -> None:
    """Which strategies land on or beyond the static-weight front (within one sd), with the numbers."""
    st_pts = trade[trade.kind == "static"]
    strat = trade[trade.kind == "strategy"]
    if st_pts.empty or strat.empty:
        return
    front = st_pts[st_pts.pareto][["a", "b"]].to_numpy(float)
    beyond, behind = [], []
    for r in strat.itertuples():
        dominated = any((fa < r.a - r.sd_a) and (fb < r.b - r.sd_b) for fa, fb in front)
        (behind if dominated else beyond).append(names.get(r.weighting, r.weighting))
    st.caption(t("bal.tradeoff_line", front=", ".join(beyond) or "—", behind=", ".join(behind) or "—"))


def strategy_help() -> None:
    """Names of the strategies with their papers (the registry), for the learner who wonders what they are."""
    from mtl_core.weighting import WEIGHTINGS

    names = strategy_names()
    with st.expander(t("bal.strategies_ref"), icon=":material/menu_book:"):
        st.markdown("\n".join(f"- **{names.get(w, w)}** — {info.paper}" + (f", {info.year}" if info.year else "")
                              for w, info in WEIGHTINGS.items()))
