"""The live expert-health view under the gate heatmap, and AdaTT's task × task fusion heatmap.

The engine measures expert health at some snapshots (`mtl_core.engine.health`: the last one always, a
live run's about once a second); the view shows the latest report at or before the scrubbed snapshot.
"""
from __future__ import annotations

from typing import Callable, Sequence

import pandas as pd
import streamlit as st

from ...figures.experts import adatt_fusion_figure, expert_health_figure
from ...i18n import Translator, t
from ...ui.charts import chart
from ...ui.modelinfo import ModelInfo
from ...ui.section import keyer
from . import SECTION

_k = keyer(SECTION)
HEALTH_VIEWS_S = 1.0  # while training, redrawn at most this often (the engine measures about as often)


def health_at(snaps: Sequence, idx: int, run: int = 0) -> tuple[dict | None, float | None]:
    """The latest expert-health report of run `run` at or before snapshot `idx` (-1: the last), and its epoch."""
    if not snaps:
        return None, None
    idx = len(snaps) - 1 if idx < 0 else min(idx, len(snaps) - 1)
    for snap in reversed(snaps[:idx + 1]):
        health = getattr(snap, "expert_health", None)
        if health and run < len(health) and health[run] is not None:
            return health[run], float(snap.epoch)
    return None, None


def entropy_table(health: dict, tr: Translator) -> pd.DataFrame:
    """One row per gate: entropy, its maximum log E, and their ratio (1 = uniform, 0 = one expert)."""
    rows = []
    for gate, h in health["entropy"].items():
        hmax = health["max_entropy"][gate]
        rows.append({tr("eh.col.gate"): gate, tr("eh.col.entropy"): round(h, 3), tr("eh.col.max"): round(hmax, 3),
                     tr("eh.col.ratio"): round(h / hmax, 2) if hmax > 0 else float("nan")})
    return pd.DataFrame(rows)


def expert_views(run, idx: int, info: ModelInfo | None, gates_now: dict | None, tasks: Sequence[str],
                 figure: Callable, tr: Translator) -> None:
    """Expert health (left) and, for AdaTT, its fusion heatmap (right; otherwise each gate's entropy)."""
    if info is None or info.error or not info.gates or any(not g.sums_to_one for g in info.gates):
        return
    health, epoch = health_at(run.snaps, idx) if run is not None else (None, None)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        fig = figure("experts", (epoch,), lambda: expert_health_figure(health, info.gates, tasks, tr=tr),
                     HEALTH_VIEWS_S)
        chart(fig, t("eh.caption") + (" " + t("eh.measured", epoch=epoch) if epoch is not None else ""),
              live_key=_k("live_experts"))
    with right:
        if run is not None and run.cfg.model.id == "adatt":
            chart(figure("fusion", (), lambda: adatt_fusion_figure(info.gates, gates_now, tasks, tr=tr),
                         HEALTH_VIEWS_S), t("eh.fusion_caption"), live_key=_k("live_fusion"))
        elif health is not None:
            st.markdown(f"**{t('eh.entropy_title')}**")
            st.dataframe(entropy_table(health, tr), hide_index=True, width="stretch")
            flagged = [f"{e}: {', '.join(r)}" for e, r in zip(health["experts"], health["reasons"]) if r]
            st.caption(t("eh.flagged", list="; ".join(flagged)) if flagged else t("eh.none_flagged"))
