"""Where each method steps: two task gradients and every strategy's update from them, drawn in the plane the
gradients span, with the directions that decrease both losses shaded; for any number of tasks, the table of
each update's cosine to every task gradient. Pure: a `mtl_core.experiments.steps.StepView` in, a `go.Figure`
or a DataFrame out. A strategy keeps its colour from the balancing lab (`strategy_color`).
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from mtl_core.experiments.steps import INITIAL, RANDOM, SKIPPED, StepView

from ..i18n import EN, Translator
from .balance import strategy_color
from .style import FONT_SIZE, finish, message_figure, rgba, task_color

CONE_FILL = "rgba(0, 158, 115, 0.10)"
DASHES = ("solid", "dash", "dot", "dashdot")  # patterns that still show in a legend's short line
# for a strategy whose colour another arrow of the same figure has (colours of strategies added later are hashed)
SPARE_COLORS = ("#E7298A", "#66A61E", "#A6761D", "#1B9E77", "#7570B3", "#D95F02", "#E6AB02", "#666666",
                "#0E4D92", "#B15928")
SAME = 1e-3  # updates closer than this share of the longest arrow are drawn as one arrow
_ARROW = dict(symbol="arrow", angleref="previous")


def _name(names: Mapping[str, str] | None, key: str) -> str:
    return (names or {}).get(key, key)


def _groups(view: StepView, ids: Sequence[str], unit: bool) -> list[tuple[list[str], np.ndarray]]:
    """Strategies whose drawn arrows coincide, merged: [(ids, tip (2,))], in the order of `ids`."""
    tips = {w: np.asarray(view.steps[w].plane, float) for w in ids}
    if unit:
        tips = {w: _unit(p) for w, p in tips.items()}
    scale = max([float(np.linalg.norm(p)) for p in tips.values()] + [1e-30])
    out: list[tuple[list[str], np.ndarray]] = []
    for w in ids:
        for members, tip in out:
            if np.linalg.norm(tip - tips[w]) <= SAME * scale:
                members.append(w)
                break
        else:
            out.append(([w], tips[w]))
    return out


def _distinct_colors(ids: Sequence[str], taken: Sequence[str] = ()) -> list[str]:
    """Each strategy's own colour (`strategy_color`), unless an earlier arrow of this figure (or a task
    gradient: `taken`) has it already: then the first colour of the spare list no arrow uses."""
    used: set[str] = {c.upper() for c in taken}
    out = []
    for wid in ids:
        color = strategy_color(wid)
        if color.upper() in used:
            color = next((c for c in SPARE_COLORS if c.upper() not in used), color)
        used.add(color.upper())
        out.append(color)
    return out


def _unit(p: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(p))
    return p / n if n > 0 else p


def _tag(view: StepView, wid: str, tr: Translator) -> str:
    """The legend's note on an update that is not a pure function of the gradients, or leaves their plane."""
    s = view.steps[wid]
    tags = []
    if s.status == INITIAL:
        tags.append(tr("steps.fig.first_step"))
    elif s.status == RANDOM:
        tags.append(tr("steps.fig.one_draw"))
    if s.norm > 0 and s.off_plane > 1e-6 * max(s.norm, 1e-30):
        tags.append(tr("steps.fig.off_plane", share=100 * s.off_plane / s.norm))
    return f" ({tr('steps.fig.sep').join(tags)})" if tags else ""


def _cone(phi: float, radius: float) -> tuple[list[float], list[float]]:
    """The wedge of directions with a non-negative inner product with g1 (angle 0) and g2 (angle phi)."""
    lo, hi = math.radians(phi) - math.pi / 2, math.pi / 2
    if hi < lo:
        return [], []
    a = np.linspace(lo, hi, 48)
    return [0.0, *(radius * np.cos(a)), 0.0], [0.0, *(radius * np.sin(a)), 0.0]


def step_figure(view: StepView, ids: Sequence[str] | None = None, *, names: Mapping[str, str] | None = None,
                unit: bool = False, title: str | None = None, height: int = 600, tr: Translator = EN) -> go.Figure:
    """Two tasks: g1 and g2 as thick arrows from the origin (task colours), each strategy's update as an arrow
    (its colour, a dash pattern, one legend entry; strategies whose updates coincide share one arrow and one
    entry), on equal axes: x along g1, y across it in the plane of g1 and g2. The shaded wedge holds the
    directions that decrease both losses (to first order). `unit`: every arrow drawn at length 1 (directions
    only; the lengths are in the table)."""
    norms = np.linalg.norm(view.grads, axis=1)
    ratio = float(norms[-1] / norms[0]) if norms[0] > 0 else float("inf")
    title = title or tr("steps.fig.title", angle=view.conflict_deg, ratio=ratio)
    if view.n_tasks != 2 or view.task_plane is None:
        return message_figure(title, tr("steps.fig.two_tasks_only"))
    ids = [w for w in (ids if ids is not None else view.shown())
           if w in view.steps and view.steps[w].status != SKIPPED]
    g = np.asarray(view.task_plane, float)  # (2, 2)
    tasks_xy = [_unit(p) if unit else p for p in g]
    groups = _groups(view, ids, unit)
    reach = max([float(np.linalg.norm(p)) for p in tasks_xy] + [float(np.linalg.norm(t)) for _, t in groups]
                + [1e-12])
    fig = go.Figure()
    phi = math.degrees(math.atan2(g[1, 1], g[1, 0])) % 360 if np.linalg.norm(g[1]) > 0 else 0.0
    cx, cy = _cone(phi, 3 * reach)  # beyond the axes' reach: the plot area clips it
    if cx:
        fig.add_trace(go.Scatter(x=cx, y=cy, fill="toself", fillcolor=CONE_FILL, mode="lines", line=dict(width=0),
                                 name=tr("steps.fig.cone"), hoverinfo="skip"))
    for k, (p, raw) in enumerate(zip(tasks_xy, g)):
        fig.add_trace(go.Scatter(
            x=[0, p[0]], y=[0, p[1]], mode="lines+markers", name=tr("steps.fig.task", k=k + 1, task=view.tasks[k]),
            line=dict(color=task_color(k), width=6), marker=dict(**_ARROW, size=22, color=task_color(k)),
            hovertemplate=tr("steps.fig.hover_task", norm=float(np.linalg.norm(view.grads[k]))) + "<extra></extra>"))
    colors = _distinct_colors([m[0] for m, _ in groups], taken=[task_color(0), task_color(1)])
    for i, (members, tip) in enumerate(groups):
        lead = members[0]
        color = colors[i]
        label = " = ".join(_name(names, w) for w in members) + _tag(view, lead, tr)
        s = view.steps[lead]
        hover = tr("steps.fig.hover", norm=s.norm, cos1=float(s.cosines[0]), cos2=float(s.cosines[1]),
                   off=s.off_plane) + "<extra>" + label + "</extra>"
        if float(np.linalg.norm(tip)) <= 1e-9 * reach:  # no step at all: a ring at the origin
            fig.add_trace(go.Scatter(x=[0], y=[0], mode="markers", name=label + " · " + tr("steps.fig.zero"),
                                     marker=dict(symbol="circle-open", size=14 + 4 * (i % 4), color=color,
                                                 line=dict(width=2.5)), hovertemplate=hover))
            continue
        fig.add_trace(go.Scatter(
            x=[0, tip[0]], y=[0, tip[1]], mode="lines+markers", name=label,
            line=dict(color=color, width=3, dash=DASHES[i % len(DASHES)]),
            marker=dict(**_ARROW, size=16, color=color), hovertemplate=hover))
    points = np.array([[0.0, 0.0], *tasks_xy, *(tip for _, tip in groups)])  # (n, 2)
    pad = 0.12 * reach
    axis = dict(zeroline=True, zerolinecolor="#9AA0A6", zerolinewidth=1.5, showgrid=True, title_standoff=8)
    fig.update_layout(  # equal scales: plotly widens one range to keep 1 unit of x = 1 unit of y
        xaxis=dict(axis, title=tr("steps.fig.x"), range=[points[:, 0].min() - pad, points[:, 0].max() + pad]),
        yaxis=dict(axis, title=tr("steps.fig.y"), range=[points[:, 1].min() - pad, points[:, 1].max() + pad],
                   scaleanchor="x", scaleratio=1),
        legend=dict(orientation="v", x=1.02, xanchor="left", y=1.0, yanchor="top", font=dict(size=FONT_SIZE - 1),
                    bgcolor=rgba("#FFFFFF", 0.9)),
        margin=dict(l=70, r=20, t=70, b=60), hovermode="closest")
    return finish(fig, title, height)


def step_frame(view: StepView, ids: Sequence[str] | None = None, *, names: Mapping[str, str] | None = None,
               tr: Translator = EN) -> pd.DataFrame:
    """One row per strategy (any number of tasks): what kind of step it is, the length of its update, its cosine
    to every task gradient and the smallest of them, the task weights it reports; for two tasks also its
    coordinates in the plane of g1 and g2 and the norm of what leaves that plane. Skipped strategies say why."""
    rows = []
    for wid in (ids if ids is not None else list(view.steps)):
        s = view.steps.get(wid)
        if s is None:
            continue
        row = {tr("steps.col.method"): _name(names, wid), tr("steps.col.status"): tr(f"steps.status.{s.status}")}
        row[tr("steps.col.norm")] = s.norm
        for k, task in enumerate(view.tasks):
            row[tr("steps.col.cos", task=task)] = float(s.cosines[k]) if s.cosines is not None else np.nan
        finite = s.cosines is not None and np.isfinite(s.cosines).any()
        row[tr("steps.col.min_cos")] = float(np.nanmin(s.cosines)) if finite else np.nan
        if view.n_tasks == 2:
            along, across = s.plane if s.plane is not None else (np.nan, np.nan)
            row[tr("steps.col.along")], row[tr("steps.col.across")] = along, across
        row[tr("steps.col.off_plane")] = s.off_plane
        row[tr("steps.col.weights")] = (", ".join(f"{w:.3g}" for w in s.weights) if s.weights is not None
                                        else "")
        row[tr("steps.col.note")] = s.reason
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["step_figure", "step_frame"]
