"""Gate-weight heatmaps: gates × experts, grouped by level (PLE) and by expert owner (CGC/PLE).

Works from `model.gate_layout()` ({gate: [expert names]}) and the mean gate weights of a snapshot
({gate: (E_gate,)}), so MMoE ("task1" over "E1".."E8"), OMoE ("all tasks") and PLE
("L1/task1" over "task1/1", "shared/2", ...) need no special cases. Cells an expert cannot reach
are NaN and drawn blank.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .i18n import EN, Translator
from .style import FONT_SIZE, GATE_SCALE, base_layout, group_color, message_figure

_LEVEL = re.compile(r"^(L\d+)/(.+)$")


@dataclass
class GateBlock:
    """One heatmap: the gates of one level (rows) over that level's experts (columns)."""

    level: str  # "L1", ... or "" for single-level models
    gates: list[str]  # full gate names, row order
    rows: list[str]  # row labels (gate name without the level)
    experts: list[str]  # column labels
    groups: list[tuple[str, int, int]] = field(default_factory=list)  # (owner, first col, last col + 1)
    z: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (rows, cols), NaN = not allowed


def split_level(gate: str) -> tuple[str, str]:
    m = _LEVEL.match(gate)
    return (m.group(1), m.group(2)) if m else ("", gate)


def expert_group(expert: str) -> str:
    """Owner of an expert: "task1" for "task1/2", "shared" for "shared/1", "" for "E3"."""
    return expert.rsplit("/", 1)[0] if "/" in expert else ""


def _order_experts(experts: list[str], tasks: Sequence[str]) -> tuple[list[str], list[tuple[str, int, int]]]:
    owners: list[str] = []
    for e in experts:
        if expert_group(e) not in owners:
            owners.append(expert_group(e))
    first = {g: i for i, g in enumerate(owners)}
    rank = {g: (tasks.index(g) if g in tasks else len(tasks) + (1 if g == "shared" else 0)) for g in owners}
    owners.sort(key=lambda g: (rank[g], first[g]))
    ordered, groups = [], []
    for g in owners:
        members = [e for e in experts if expert_group(e) == g]
        groups.append((g, len(ordered), len(ordered) + len(members)))
        ordered += members
    return ordered, groups


def gate_blocks(layout: Mapping[str, Sequence[str]], gates: Mapping[str, np.ndarray] | None = None,
                tasks: Sequence[str] = (), by_level: bool = True) -> list[GateBlock]:
    """Group gates into heatmap blocks. Gates with weights but no layout get experts E1..En."""
    gates = {g: np.asarray(w, dtype=float).reshape(-1) for g, w in (gates or {}).items()}
    layout = {g: list(v) for g, v in layout.items()}
    for g, w in gates.items():
        if g not in layout or len(layout[g]) != len(w):
            layout[g] = [f"E{i + 1}" for i in range(len(w))]
    levels: dict[str, list[str]] = {}
    for g in layout:
        lvl = split_level(g)[0] if by_level else ""
        levels.setdefault(lvl, []).append(g)
    blocks = []
    for lvl, names in levels.items():
        experts: list[str] = []
        for g in names:
            experts += [e for e in layout[g] if e not in experts]
        experts, groups = _order_experts(experts, list(tasks))
        z = np.full((len(names), len(experts)), np.nan)
        for i, g in enumerate(names):
            w = gates.get(g)
            for k, e in enumerate(layout[g]):
                z[i, experts.index(e)] = w[k] if w is not None else np.nan
        rows = [split_level(g)[1] if by_level else g for g in names]
        blocks.append(GateBlock(lvl, names, rows, experts, groups if len(groups) > 1 else [], z))
    return blocks


def nice_zmax(values: Sequence[np.ndarray]) -> float:
    """Top of the colour scale: 0.25, 0.5 or 1, whichever first covers the largest weight shown."""
    finite = [float(np.nanmax(v)) for v in values if np.size(v) and np.isfinite(v).any()]
    top = max(finite, default=1.0)
    return next(c for c in (0.25, 0.5, 1.0) if top <= c + 1e-9)


def _row_label(name: str, tasks: Sequence[str]) -> str:
    return f"<span style='color:{group_color(name, tasks)}'><b>{name}</b></span>"


def _add_block(fig: go.Figure, b: GateBlock, tasks: Sequence[str], row: int, col: int, axis: int, *,
               text: bool, tick_labels: bool = True, show_groups: bool = True) -> None:
    """Add block `b` as subplot (row, col), whose axes are x{axis}/y{axis} (1 -> "x"/"y")."""
    fig.add_trace(go.Heatmap(
        z=b.z, x=list(range(len(b.experts))), y=list(range(len(b.rows))), coloraxis="coloraxis",
        xgap=3, ygap=3, texttemplate="%{z:.2f}" if text else None, textfont=dict(size=FONT_SIZE - 2),
        customdata=np.array([[(r, e) for e in b.experts] for r in b.rows], dtype=object),
        hovertemplate="%{customdata[0]} → %{customdata[1]}: %{z:.3f}<extra></extra>"), row=row, col=col)
    fig.update_xaxes(tickvals=list(range(len(b.experts))), ticktext=b.experts if tick_labels else None,
                     showticklabels=tick_labels, showgrid=False, zeroline=False, row=row, col=col)
    fig.update_yaxes(tickvals=list(range(len(b.rows))), ticktext=[_row_label(r, tasks) for r in b.rows],
                     autorange="reversed", showgrid=False, zeroline=False, row=row, col=col)
    if not show_groups:
        return
    suffix = "" if axis == 1 else str(axis)
    for owner, start, end in b.groups:
        if start > 0:
            fig.add_shape(type="line", x0=start - 0.5, x1=start - 0.5, y0=-0.5, y1=len(b.rows) - 0.5,
                          xref=f"x{suffix}", yref=f"y{suffix}", line=dict(color="#222222", width=3))
        fig.add_annotation(text=f"<b>{owner or '·'}</b>", x=(start + end - 1) / 2, y=-0.5, yshift=4,
                           xref=f"x{suffix}", yref=f"y{suffix}", showarrow=False, yanchor="bottom",
                           font=dict(color=group_color(owner, tasks), size=FONT_SIZE - 1))


def gate_heatmap_figure(layout: Mapping[str, Sequence[str]], gates: Mapping[str, np.ndarray] | None,
                        tasks: Sequence[str] = (), *, tr: Translator = EN, title: str | None = None,
                        zmax: float | None = None) -> go.Figure:
    """Current gate weights: one heatmap per level, experts grouped by owner, shared colour scale."""
    title = title or tr("view.gates.title")
    blocks = gate_blocks(layout, gates, tasks)
    if not blocks:
        return message_figure(title, tr("fig.no_gates"))
    if not gates:
        return message_figure(title, tr("fig.no_data"))
    n = len(blocks)
    titles = [tr("fig.level", level=b.level[1:]) for b in blocks] if n > 1 else None
    extra = 0.09 if any(b.groups for b in blocks) else 0.0
    fig = make_subplots(rows=n, cols=1, row_heights=[len(b.rows) + 1.2 for b in blocks],
                        subplot_titles=titles, vertical_spacing=0.12 + extra if n > 1 else 0.0)
    for i, b in enumerate(blocks):
        _add_block(fig, b, tasks, i + 1, 1, i + 1, text=len(b.experts) <= 16)
        fig.update_xaxes(title_text=tr("fig.expert") if i == n - 1 else None, row=i + 1, col=1)
    zmax = zmax or nice_zmax([b.z for b in blocks])
    fig.update_layout(coloraxis=dict(colorscale=GATE_SCALE, cmin=0.0, cmax=zmax, colorbar=dict(
        title=dict(text=tr("fig.colorbar"), side="top"), thickness=16, len=0.9)))
    height = 150 + sum(48 * len(b.rows) + (95 if n > 1 else 40) for b in blocks)
    fig = base_layout(fig, title, height=max(300, height))
    fig.update_layout(margin=dict(t=90 if any(b.groups for b in blocks) else 60))
    return fig


def gate_evolution_figure(layout: Mapping[str, Sequence[str]], gate_series: Mapping[str, np.ndarray],
                          epochs: np.ndarray, tasks: Sequence[str] = (), *, frames: int = 5,
                          tr: Translator = EN, title: str | None = None) -> go.Figure:
    """Small multiples: the gate heatmap at `frames` moments of training (start ... now)."""
    title = title or tr("view.evolution.title")
    n = len(epochs)
    if not gate_series or n == 0:
        return message_figure(title, tr("fig.no_gates" if not gate_series else "fig.no_data"))
    picks = sorted({int(round(i)) for i in np.linspace(0, n - 1, min(frames, n))})
    blocks = [gate_blocks(layout, {g: w[i] for g, w in gate_series.items()}, tasks, by_level=False)[0]
              for i in picks]
    fig = make_subplots(rows=1, cols=len(picks), shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=[tr("fig.at_epoch", epoch=float(epochs[i])) for i in picks])
    for ann in fig.layout.annotations:
        ann.font = dict(size=FONT_SIZE - 1)
    for j, b in enumerate(blocks):
        _add_block(fig, b, tasks, 1, j + 1, j + 1, text=False, tick_labels=False, show_groups=False)
    fig.update_layout(coloraxis=dict(colorscale=GATE_SCALE, cmin=0.0, cmax=nice_zmax([b.z for b in blocks]),
                                     colorbar=dict(title=dict(text=tr("fig.colorbar"), side="top"), thickness=14)))
    fig.update_xaxes(title_text=tr("fig.expert"), row=1, col=(len(picks) + 1) // 2)
    return base_layout(fig, title, height=max(260, 150 + 34 * len(blocks[0].rows)))
