"""Pure figure builders for the curves: data in, `go.Figure` out (no streamlit; unit-tested).

Gate heatmaps live in `gates.py`, the architecture diagram in `diagram.py`. Every builder takes a
translator `tr(key, **kw)` so titles and axis labels follow the page language.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .i18n import EN, Translator
from .series import Series
from .style import CONFLICT_FILL, RUN_DASHES, base_layout, message_figure, rgba, task_color


def _has_values(a: np.ndarray | None) -> bool:
    return a is not None and np.isfinite(a).any()


def _epoch_axis(fig: go.Figure, s: Series, tr: Translator, row: int | None = None) -> None:
    """x axes in epochs, spanning the whole planned run so the curves grow from left to right."""
    if s.epochs:
        fig.update_xaxes(range=[0, s.epochs])
    fig.update_xaxes(title_text=tr("fig.epoch"), **({} if row is None else dict(row=row, col=1)))


def _mode(s: Series) -> str:
    return "lines" if len(s) > 1 else "lines+markers"  # a single point is invisible as a line


def loss_figure(s: Series | None, *, log: bool = False, tr: Translator = EN, title: str | None = None) -> go.Figure:
    """Per-task validation (solid) and training (dotted) loss over epochs; single-task baseline dashed;
    a second panel with validation AUC when some task is binary."""
    title = title or tr("view.loss.title")
    if s is None or len(s) == 0:
        return message_figure(title, tr("fig.no_data"))
    auc_tasks = [t for t, k in enumerate(s.kinds) if k == "binary" and _has_values(
        None if s.val_auc is None else s.val_auc[:, t])]
    rows = 2 if auc_tasks else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.65, 0.35] if rows == 2 else None)
    for t, task in enumerate(s.tasks):
        c = task_color(t)
        fig.add_trace(go.Scatter(x=s.epoch, y=s.val_loss[:, t], name=tr("fig.val", task=task), legendgroup=task,
                                 mode=_mode(s), line=dict(color=c, width=3)), row=1, col=1)
        train_name = tr("fig.train", task=task)
        if (s.trained_as or {}).get(task):  # e.g. ESMM's CVR task trains through pCTCVR
            train_name += f" ({s.trained_as[task]})"
        fig.add_trace(go.Scatter(x=s.epoch, y=s.train_loss[:, t], name=train_name,
                                 legendgroup=task, mode="lines", opacity=0.75,
                                 line=dict(color=c, width=1.8, dash="dot")), row=1, col=1)
        if s.baseline_val_loss is not None:
            fig.add_trace(go.Scatter(x=s.epoch, y=s.baseline_val_loss[:, t], name=tr("fig.baseline", task=task),
                                     legendgroup=task, mode="lines", line=dict(color=c, width=2.2, dash="dash")),
                          row=1, col=1)
    for t in auc_tasks:
        fig.add_trace(go.Scatter(x=s.epoch, y=s.val_auc[:, t], name=f"{s.tasks[t]} · AUC", legendgroup=s.tasks[t],
                                 showlegend=False, mode="lines", line=dict(color=task_color(t), width=3)),
                      row=2, col=1)
    fig.update_yaxes(title_text=tr("fig.loss"), type="log" if log else "linear", row=1, col=1,
                     **(dict(dtick="D2", tickformat=".2~g") if log else {}))
    if rows == 2:
        fig.update_yaxes(title_text=tr("fig.auc"), row=2, col=1)
    _epoch_axis(fig, s, tr, row=rows)
    return base_layout(fig, title, height=420 if rows == 1 else 520)


def weights_figure(s: Series | None, *, tr: Translator = EN, title: str | None = None) -> go.Figure:
    """Task weights over epochs (every strategy); the strategy's own state (e.g. UW's sigma²) below."""
    title = title or tr("view.weights.title")
    if s is None or len(s) == 0 or s.weights is None:
        return message_figure(title, tr("fig.no_data"))
    state = {k: v for k, v in s.state.items() if _has_values(v)}
    rows = 2 if state else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.1)
    for t, task in enumerate(s.tasks):
        fig.add_trace(go.Scatter(x=s.epoch, y=s.weights[:, t], name=task, legendgroup=task, mode=_mode(s),
                                 line=dict(color=task_color(t), width=3)), row=1, col=1)
    for j, (name, values) in enumerate(state.items()):
        for t in range(values.shape[1]):
            label = s.tasks[t] if values.shape[1] == len(s.tasks) else str(t + 1)
            fig.add_trace(go.Scatter(x=s.epoch, y=values[:, t], name=tr("fig.state", name=name, task=label),
                                     mode="lines", line=dict(color=task_color(t), width=2,
                                                             dash=RUN_DASHES[(j + 1) % len(RUN_DASHES)])),
                          row=2, col=1)
        fig.update_yaxes(title_text=", ".join(state), row=2, col=1)
    fig.update_yaxes(title_text=tr("fig.weight"), rangemode="tozero", row=1, col=1)
    _epoch_axis(fig, s, tr, row=rows)
    return base_layout(fig, title, height=380 if rows == 1 else 480)


def conflict_figure(s: Series | None, *, tr: Translator = EN, title: str | None = None) -> go.Figure:
    """Cosine between task gradients on the shared parameters; zero line marked, conflict region shaded."""
    title = title or tr("view.conflict.title")
    if s is None or len(s) == 0:
        return message_figure(title, tr("fig.no_data"))
    if s.grad_cosine is None:
        return message_figure(title, tr("fig.nothing_shared"))
    fig = go.Figure()
    fig.add_hrect(y0=-1.05, y1=0, fillcolor=CONFLICT_FILL, line_width=0, layer="below")
    fig.add_annotation(text=tr("fig.conflict_zone"), x=0.01, y=-0.97, xref="paper", yref="y", showarrow=False,
                       xanchor="left", yanchor="bottom", font=dict(color="#B34700", size=14))
    fig.add_annotation(text=tr("fig.agree_zone"), x=0.99, y=0.97, xref="paper", yref="y", showarrow=False,
                       xanchor="right", yanchor="top", font=dict(color="#4D4D4D", size=14))
    fig.add_hline(y=0, line=dict(color="#333333", width=2, dash="dash"))
    T = len(s.tasks)
    pairs = [(a, b) for a in range(T) for b in range(a + 1, T)]
    for a, b in pairs:
        color = "#222222" if len(pairs) == 1 else task_color(a)
        dash = "solid" if len(pairs) == 1 else RUN_DASHES[(b - a - 1) % len(RUN_DASHES)]
        fig.add_trace(go.Scatter(x=s.epoch, y=s.grad_cosine[:, a, b], mode=_mode(s),
                                 name=tr("fig.pair", a=s.tasks[a], b=s.tasks[b]),
                                 line=dict(color=color, width=2.5, dash=dash)))
    fig.update_yaxes(title_text=tr("fig.cosine"), range=[-1.05, 1.05], zeroline=False)
    _epoch_axis(fig, s, tr)
    return base_layout(fig, title, height=380)


def compare_figure(runs: Sequence[tuple[str, Series]], *, metric: str = "val_loss", log: bool = False,
                   tr: Translator = EN) -> go.Figure:
    """Overlay several runs: one panel per task (task colour), one line style per run."""
    metric_name = tr("fig.val_auc" if metric == "val_auc" else "fig.val_loss")
    title = tr("fig.compare_title", metric=metric_name)
    runs = [(label, s) for label, s in runs if s is not None and len(s)]
    if not runs:
        return message_figure(title, tr("fig.no_data"))
    tasks: list[str] = []
    for _, s in runs:
        tasks += [t for t in s.tasks if t not in tasks]
    fig = make_subplots(rows=1, cols=len(tasks), subplot_titles=tasks, horizontal_spacing=0.08)
    for i, (label, s) in enumerate(runs):
        values = s.val_auc if metric == "val_auc" else s.val_loss
        for j, task in enumerate(tasks):
            if task not in s.tasks or values is None:
                continue
            t = s.tasks.index(task)
            fig.add_trace(go.Scatter(
                x=s.epoch, y=values[:, t], name=label, legendgroup=label, showlegend=j == 0, mode="lines",
                line=dict(color=rgba(task_color(j), 1.0 - 0.12 * (i % 4)), width=3 - 0.3 * (i % 4),
                          dash=RUN_DASHES[i % len(RUN_DASHES)])), row=1, col=j + 1)
    for j in range(len(tasks)):
        fig.update_xaxes(title_text=tr("fig.epoch"), row=1, col=j + 1)
        use_log = log and metric != "val_auc"
        fig.update_yaxes(type="log" if use_log else "linear", row=1, col=j + 1,
                         **(dict(dtick="D2", tickformat=".2~g") if use_log else {}))
    fig.update_yaxes(title_text=metric_name, row=1, col=1)
    for j, ann in enumerate(fig.layout.annotations):
        ann.font = dict(color=task_color(j), size=16)
    fig = base_layout(fig, title, height=420)
    fig.update_layout(legend=dict(orientation="h", y=-0.22, yanchor="top", x=0, xanchor="left"),
                      margin=dict(b=90))
    return fig
