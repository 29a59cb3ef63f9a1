"""Expert health and AdaTT's task-to-task fusion: pure figure builders over plain data.

`expert_health_figure` draws one run's report (`mtl_core.experts.ExpertHealth.to_dict()`, as a Snapshot
carries it): on top, per expert, the gate mass each gate gives it, stacked (an expert no gate uses has no
bar), and, hatched, the weight HoME's self-gates give a unit's own experts; below, the share of its hidden
units that pass no gradient (dead), red when the expert is flagged collapsed, the reason written over the bar.
Each gate's entropy is in its legend entry (uniform gates: H = log E).

`adatt_fusion_figure` sums each AdaTT fusion unit's gate weights per expert group
(`mtl_core.experts.group_mass`): a task × task heatmap per level, row t = how much task t's unit draws on
each group's experts (the AdaTT paper's fusion heatmap).
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from mtl_core.experts import group_mass
from mtl_core.models.base import Gate

from ..i18n import EN, Translator
from .gates import nice_zmax
from .style import (FONT_SIZE, GATE_SCALE, NEUTRAL_COLOR, SHARED_COLOR, axis_suffix, grid, group_color, make_figure,
                    message_figure, update_axes)

COLLAPSED_COLOR = "#D55E00"


def _owner(gate: str, gate_defs: Sequence[Gate]) -> str:
    for g in gate_defs:
        if g.name == gate:
            return g.owner
    return gate.rsplit("/", 1)[-1]


def _reason_text(reasons: Sequence[str], tr: Translator) -> str:
    words = []
    for why in reasons:
        kind = "duplicate" if why.startswith("duplicate") else why
        words.append(tr(f"fig.eh.reason.{kind}"))
    return " · ".join(words)


def expert_health_figure(health: Mapping | None, gate_defs: Sequence[Gate] = (), tasks: Sequence[str] = (), *,
                         tr: Translator = EN, title: str | None = None) -> go.Figure:
    """One run's expert health: gate mass per expert (stacked by gate) over dead-unit share (red: collapsed)."""
    title = title or tr("fig.eh.title")
    if not health or not health.get("experts"):
        return message_figure(title, tr("fig.eh.no_data"))
    experts = list(health["experts"])
    x = list(range(len(experts)))
    collapsed = [bool(c) for c in health["collapsed"]]
    reasons = health.get("reasons") or [[] for _ in experts]
    ticks = [("⚠ " if c else "") + e for e, c in zip(experts, collapsed)]
    layout = grid(2, 1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.62, 0.38],
                  subplot_titles=[tr("fig.eh.use"), tr("fig.eh.dead")])
    data: list[dict] = []
    for gate, use in health["utilisation"].items():
        u = np.asarray(use, dtype=float)
        h, hmax = health["entropy"].get(gate, np.nan), health["max_entropy"].get(gate, np.nan)
        owner = _owner(gate, gate_defs)
        colour = group_color(owner, list(tasks)) if owner in tasks else SHARED_COLOR
        data.append(dict(type="bar", x=x, y=np.where(np.isfinite(u), u, 0.0).tolist(),
                         name=tr("fig.eh.gate", gate=gate, h=h, hmax=hmax), legendgroup=gate,
                         marker=dict(color=colour, line=dict(color="white", width=0.5)),
                         hovertemplate=f"{gate} → %{{customdata}}: %{{y:.3f}}<extra></extra>", customdata=experts))
    residual = [np.asarray(r, dtype=float) for r in (health.get("residual") or {}).values()]
    if residual:  # HoME's self-gates: each unit's own experts, one hatched bar (one owner per expert)
        mass = np.nansum(np.stack(residual), axis=0)
        data.append(dict(type="bar", x=x, y=mass.tolist(), name=tr("fig.eh.self"), legendgroup="self",
                         marker=dict(color="rgba(0,0,0,0)", line=dict(color=NEUTRAL_COLOR, width=1),
                                     pattern=dict(shape="/", fgcolor=NEUTRAL_COLOR)),
                         hovertemplate=f"{tr('fig.eh.self')} → %{{customdata}}: %{{y:.3f}}<extra></extra>",
                         customdata=experts))
    dead = np.asarray(health["dead_share"], dtype=float)
    data.append(dict(type="bar", x=x, y=dead.tolist(), showlegend=False, xaxis="x2", yaxis="y2",
                     marker=dict(color=[COLLAPSED_COLOR if c else NEUTRAL_COLOR for c in collapsed]),
                     text=[_reason_text(r, tr) for r in reasons], textposition="outside", cliponaxis=False,
                     textfont=dict(size=FONT_SIZE - 3, color=COLLAPSED_COLOR), customdata=experts,
                     hovertemplate="%{customdata}: %{y:.0%}<extra></extra>"))
    layout["barmode"] = "stack"
    update_axes(layout, "xaxis", [2], tickvals=x, ticktext=ticks, tickangle=-45 if len(x) > 6 else 0,
                title={"text": tr("fig.expert")})
    update_axes(layout, "xaxis", [1], tickvals=x, showticklabels=False)
    update_axes(layout, "yaxis", [1], title={"text": tr("fig.eh.use_axis")}, rangemode="tozero")
    update_axes(layout, "yaxis", [2], range=[0, 1.15], tickformat=".0%", title={"text": tr("fig.eh.dead_axis")})
    legend_rows = _rows_needed([d["name"] for d in data if d.get("showlegend", True)])
    # rotated expert names (HoME's are long) need room in proportion to the longest
    ticks_px = max(30, int(0.71 * _text_px(max(ticks, key=_text_px)))) if len(x) > 6 else 0
    # the legend sits at the bottom of the figure (container coordinates), below the rotated expert names
    layout["legend"] = dict(orientation="h", yref="container", y=0.0, yanchor="bottom", x=0,
                            font=dict(size=FONT_SIZE - 3))
    layout["margin"] = dict(t=80, b=90 + 24 * legend_rows + ticks_px)
    return make_figure(data, layout, title, height=470 + 24 * legend_rows + ticks_px)


def _text_px(text: str) -> float:
    """Rough width of a label in the legend's font: CJK characters about twice as wide as Latin ones."""
    return sum(12.0 if ord(ch) > 0x2E80 else 6.5 for ch in text)


def _rows_needed(labels: Sequence[str], width: float = 520.0) -> int:
    """Rows a horizontal legend of `labels` takes in a half-page chart (`width` px; a marker and gap each)."""
    rows, used = 1, 0.0
    for label in labels:
        w = _text_px(label) + 40
        if used and used + w > width:
            rows, used = rows + 1, 0.0
        used += w
    return rows


def fusion_blocks(gate_defs: Sequence[Gate], gates: Mapping[str, np.ndarray] | None,
                  tasks: Sequence[str]) -> list[tuple[int, list[str], list[str], np.ndarray]]:
    """(level, row owners, column groups, mass (rows, cols)) per level, from the gates' group masses."""
    mass = group_mass(gate_defs, dict(gates or {}))
    levels: dict[int, list[Gate]] = {}
    for g in gate_defs:
        if g.name in mass:
            levels.setdefault(g.level, []).append(g)
    out = []
    for level in sorted(levels):
        members = levels[level]
        groups: list[str] = []
        for e in (e for g in members for e in g.experts):
            if e.group not in groups:
                groups.append(e.group)
        order = {t: i for i, t in enumerate(tasks)}
        groups.sort(key=lambda grp: order.get(grp, len(order)))
        z = np.array([[mass[g.name].get(grp, np.nan) for grp in groups] for g in members])
        out.append((level, [g.owner for g in members], groups, z))
    return out


def adatt_fusion_figure(gate_defs: Sequence[Gate], gates: Mapping[str, np.ndarray] | None, tasks: Sequence[str],
                        *, tr: Translator = EN, title: str | None = None) -> go.Figure:
    """AdaTT's fusion weights as task × task heatmaps (one per level): row = fusing unit, column = the expert
    group it draws on; a row sums to 1."""
    title = title or tr("fig.fusion.title")
    if not gates:
        return message_figure(title, tr("fig.no_data"))
    blocks = fusion_blocks(gate_defs, gates, tasks)
    if not blocks:
        return message_figure(title, tr("fig.no_gates"))
    n = len(blocks)  # levels stacked: the view sits in a narrow column
    layout = grid(n, 1, vertical_spacing=0.14 if n > 1 else 0.0,
                  subplot_titles=[tr("fig.level", level=lvl) for lvl, *_ in blocks] if n > 1 else None)
    data: list[dict] = []
    for k, (level, rows, cols, z) in enumerate(blocks, start=1):
        suffix = axis_suffix(k)
        data.append(dict(type="heatmap", z=z.tolist(), x=list(range(len(cols))), y=list(range(len(rows))),
                         coloraxis="coloraxis", xgap=2, ygap=2, texttemplate="%{z:.2f}",
                         textfont=dict(size=FONT_SIZE - 4), customdata=[[[r, c] for c in cols] for r in rows],
                         hovertemplate="%{customdata[0]} ← %{customdata[1]}: %{z:.3f}<extra></extra>",
                         xaxis="x" + suffix, yaxis="y" + suffix))
        update_axes(layout, "xaxis", [k], tickvals=list(range(len(cols))), showgrid=False, zeroline=False,
                    ticktext=[f"<span style='color:{group_color(c, list(tasks))}'><b>{c}</b></span>" for c in cols],
                    **({"title": {"text": tr("fig.fusion.cols")}} if k == n else {}))
        update_axes(layout, "yaxis", [k], tickvals=list(range(len(rows))), autorange="reversed", showgrid=False,
                    zeroline=False, ticktext=[f"<span style='color:{group_color(r, list(tasks))}'><b>{r}</b></span>"
                                              for r in rows])
    layout["coloraxis"] = dict(colorscale=GATE_SCALE, cmin=0.0, cmax=nice_zmax([b[3] for b in blocks]),
                               colorbar=dict(title=dict(text=tr("fig.fusion.colorbar"), side="top"), thickness=12))
    layout["margin"] = dict(t=70, l=70)
    rows = sum(len(b[1]) for b in blocks)
    return make_figure(data, layout, title, height=max(320, 150 + 38 * rows + 70 * n))
