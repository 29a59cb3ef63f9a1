"""Gate-weight heatmaps: gates × experts, grouped by level (PLE) and by expert owner (CGC/PLE).

Works from the model's declared gates (`model.structure().gates`: each `Gate` names its heatmap row,
its owner, its level and the experts its weights refer to, each with an owner group) and the mean gate
weights of a snapshot ({gate name: (E_gate,)}), so MMoE, OMoE, CGC and PLE need no special cases and
no name parsing. Cells an expert cannot reach are NaN and drawn blank.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from mtl_core.models.base import Expert, Gate

from ..i18n import EN, Translator
from .style import FONT_SIZE, GATE_SCALE, axis_suffix, grid, group_color, make_figure, message_figure, update_axes


@dataclass
class GateBlock:
    """One heatmap: the gates of one level (rows) over that level's experts (columns)."""

    level: str  # "L1", ... or "" for single-level models
    gates: list[str]  # gate names, row order
    rows: list[str]  # row labels (Gate.row)
    experts: list[str]  # column labels
    groups: list[tuple[str, int, int]] = field(default_factory=list)  # (owner, first col, last col + 1)
    z: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (rows, cols), NaN = not allowed
    owners: list[str] = field(default_factory=list)  # Gate.owner per row


def complete_gates(gate_defs: Sequence[Gate], gates: Mapping[str, np.ndarray] | None = None) -> list[Gate]:
    """The declared gates, plus any gate that has weights but no declaration (experts E1..En)."""
    out = list(gate_defs)
    known = {g.name: g for g in out}
    for name, w in (gates or {}).items():
        n = int(np.size(w))
        if name not in known or len(known[name].experts) != n:
            g = Gate(name, name, "", tuple(Expert(f"E{i + 1}") for i in range(n)))
            out = [g if x.name == name else x for x in out] if name in known else out + [g]
    return out


def _order_experts(experts: list[Expert], tasks: Sequence[str]) -> tuple[list[Expert], list[tuple[str, int, int]]]:
    owners: list[str] = []
    for e in experts:
        if e.group not in owners:
            owners.append(e.group)
    first = {g: i for i, g in enumerate(owners)}
    rank = {g: (tasks.index(g) if g in tasks else len(tasks) + (1 if g == "shared" else 0)) for g in owners}
    owners.sort(key=lambda g: (rank[g], first[g]))
    ordered, groups = [], []
    for g in owners:
        members = [e for e in experts if e.group == g]
        groups.append((g, len(ordered), len(ordered) + len(members)))
        ordered += members
    return ordered, groups


def gate_blocks(gate_defs: Sequence[Gate], gates: Mapping[str, np.ndarray] | None = None,
                tasks: Sequence[str] = (), by_level: bool = True) -> list[GateBlock]:
    """Group gates into heatmap blocks, one per level (or one in all with by_level=False)."""
    gates = {g: np.asarray(w, dtype=float).reshape(-1) for g, w in (gates or {}).items()}
    defs = complete_gates(gate_defs, gates)
    levels: dict[int, list[Gate]] = {}
    for g in defs:
        levels.setdefault(g.level if by_level else 0, []).append(g)
    multi = len(levels) > 1
    blocks = []
    for lvl, members in levels.items():
        experts: list[Expert] = []
        for g in members:
            experts += [e for e in g.experts if e not in experts]
        experts, groups = _order_experts(experts, list(tasks))
        z = np.full((len(members), len(experts)), np.nan)
        for i, g in enumerate(members):
            w = gates.get(g.name)
            for k, e in enumerate(g.experts):
                z[i, experts.index(e)] = w[k] if w is not None else np.nan
        several = len({g.level for g in members}) > 1  # all levels in one block: say which row is which
        rows = [f"{g.row} · L{g.level}" if several else g.row for g in members]
        blocks.append(GateBlock(f"L{lvl}" if multi else "", [g.name for g in members], rows,
                                [e.name for e in experts], groups if len(groups) > 1 else [], z,
                                [g.owner for g in members]))
    return blocks


def nice_zmax(values: Sequence[np.ndarray]) -> float:
    """Top of the colour scale: 0.25, 0.5 or 1, whichever first covers the largest weight shown."""
    finite = [float(np.nanmax(v)) for v in values if np.size(v) and np.isfinite(v).any()]
    top = max(finite, default=1.0)
    return next(c for c in (0.25, 0.5, 1.0) if top <= c + 1e-9)


def _row_label(name: str, owner: str, tasks: Sequence[str]) -> str:
    return f"<span style='color:{group_color(owner, tasks)}'><b>{name}</b></span>"


def _add_block(data: list[dict], layout: dict, b: GateBlock, tasks: Sequence[str], k: int, *, text: bool,
               tick_labels: bool = True, show_groups: bool = True) -> None:
    """Add block `b` as subplot k (1-based; its axes are x{k}/y{k}) to plain Plotly JSON."""
    suffix = axis_suffix(k)
    data.append(dict(
        type="heatmap", z=b.z, x=list(range(len(b.experts))), y=list(range(len(b.rows))), coloraxis="coloraxis",
        xgap=3, ygap=3, **({"texttemplate": "%{z:.2f}"} if text else {}), textfont=dict(size=FONT_SIZE - 2),
        customdata=[[[r, e] for e in b.experts] for r in b.rows],
        hovertemplate="%{customdata[0]} → %{customdata[1]}: %{z:.3f}<extra></extra>",
        xaxis="x" + suffix, yaxis="y" + suffix))
    update_axes(layout, "xaxis", [k], tickvals=list(range(len(b.experts))),
                **({"ticktext": list(b.experts)} if tick_labels else {}),
                showticklabels=tick_labels, showgrid=False, zeroline=False)
    update_axes(layout, "yaxis", [k], tickvals=list(range(len(b.rows))),
                ticktext=[_row_label(r, o, tasks) for r, o in zip(b.rows, b.owners or b.rows)],
                autorange="reversed", showgrid=False, zeroline=False)
    if not show_groups:
        return
    for owner, start, end in b.groups:
        if start > 0:
            layout.setdefault("shapes", []).append(dict(
                type="line", x0=start - 0.5, x1=start - 0.5, y0=-0.5, y1=len(b.rows) - 0.5,
                xref="x" + suffix, yref="y" + suffix, line=dict(color="#222222", width=3)))
        layout.setdefault("annotations", []).append(dict(
            text=f"<b>{owner or '·'}</b>", x=(start + end - 1) / 2, y=-0.5, yshift=4, xref="x" + suffix,
            yref="y" + suffix, showarrow=False, yanchor="bottom",
            font=dict(color=group_color(owner, tasks), size=FONT_SIZE - 1)))


def _colour_axis(tr: Translator, zmax: float, **bar) -> dict:
    return dict(colorscale=GATE_SCALE, cmin=0.0, cmax=zmax,
                colorbar=dict(title=dict(text=tr("fig.colorbar"), side="top"), **bar))


def gate_heatmap_figure(gate_defs: Sequence[Gate], gates: Mapping[str, np.ndarray] | None,
                        tasks: Sequence[str] = (), *, tr: Translator = EN, title: str | None = None,
                        zmax: float | None = None) -> go.Figure:
    """Current gate weights: one heatmap per level, experts grouped by owner, shared colour scale."""
    title = title or tr("view.gates.title")
    blocks = gate_blocks(gate_defs, gates, tasks)
    if not blocks:
        return message_figure(title, tr("fig.no_gates"))
    if not gates:
        return message_figure(title, tr("fig.no_data"))
    n = len(blocks)
    extra = 0.09 if any(b.groups for b in blocks) else 0.0
    layout = grid(n, 1, row_heights=[len(b.rows) + 1.2 for b in blocks], vertical_spacing=0.12 + extra if n > 1 else 0.0)
    data: list[dict] = []
    for i, b in enumerate(blocks):
        _add_block(data, layout, b, tasks, i + 1, text=len(b.experts) <= 16)
        if n > 1:  # the level names its block from the left, where the expert groups' names above it are not
            update_axes(layout, "yaxis", [i + 1], title={"text": f"<b>{tr('fig.level', level=b.level[1:])}</b>",
                                                         "standoff": 8})
        if i == n - 1:
            update_axes(layout, "xaxis", [i + 1], title={"text": tr("fig.expert")})
    # the colour bar below the top edge, so its title does not sit on its top tick label
    layout["coloraxis"] = _colour_axis(tr, zmax or nice_zmax([b.z for b in blocks]), thickness=16, len=0.8, y=0.45,
                                       yanchor="middle")
    layout["margin"] = dict(t=90 if any(b.groups for b in blocks) else 60)
    height = 150 + sum(48 * len(b.rows) + (95 if n > 1 else 40) for b in blocks)
    return make_figure(data, layout, title, height=max(300, height))


def gate_evolution_figure(gate_defs: Sequence[Gate], gate_series: Mapping[str, np.ndarray],
                          epochs: np.ndarray, tasks: Sequence[str] = (), *, frames: int = 5,
                          tr: Translator = EN, title: str | None = None) -> go.Figure:
    """Small multiples: the gate heatmap at `frames` moments of training (start ... now)."""
    title = title or tr("view.evolution.title")
    n = len(epochs)
    if not gate_series or n == 0:
        return message_figure(title, tr("fig.no_gates" if not gate_series else "fig.no_data"))
    picks = sorted({int(round(i)) for i in np.linspace(0, n - 1, min(frames, n))})
    blocks = [gate_blocks(gate_defs, {g: w[i] for g, w in gate_series.items()}, tasks, by_level=False)[0]
              for i in picks]
    layout = grid(1, len(picks), shared_yaxes=True, horizontal_spacing=0.03,
                  subplot_titles=[tr("fig.at_epoch", epoch=float(epochs[i])) for i in picks])
    for ann in layout.get("annotations", []):
        ann["font"] = dict(size=FONT_SIZE - 1)
    data: list[dict] = []
    for j, b in enumerate(blocks):
        _add_block(data, layout, b, tasks, j + 1, text=False, tick_labels=False, show_groups=False)
    layout["coloraxis"] = _colour_axis(tr, nice_zmax([b.z for b in blocks]), thickness=14)
    update_axes(layout, "xaxis", [(len(picks) + 1) // 2], title={"text": tr("fig.expert")})
    return make_figure(data, layout, title, height=max(260, 150 + 34 * len(blocks[0].rows)))
