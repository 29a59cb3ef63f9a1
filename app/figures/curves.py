"""Curves over training: loss per task, task weights, gradient conflict, runs compared.

The live views (loss, weights, conflict) are written as plain Plotly JSON (`style.make_figure`, fast
enough to redraw several times a second); run overlays are drawn with `plotly.express` from the tidy
long-format frames of `series.py`. Every builder takes a translator `tr(key, **kw)` so titles and axis
labels follow the page language, and returns a `go.Figure` in the house template.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.express as px
import plotly.graph_objects as go

from ..i18n import EN, Translator
from .series import SPLITS, Series, metric_frame
from .style import (CONFLICT_FILL, RUN_DASHES, axis_suffix, finish, grid, log_axis, make_figure, message_figure,
                    rgba, task_color, update_axes)

SPLIT_DASH = {"validation": "solid", "train": "dot", "single-task": "dash"}
SPLIT_WIDTH = {"validation": 3.0, "train": 1.8, "single-task": 2.2}
SPLIT_LABEL = {"validation": "fig.val", "train": "fig.train", "single-task": "fig.baseline"}


def _has_values(a: np.ndarray | None) -> bool:
    return a is not None and np.isfinite(a).any()


def _epoch_axis(layout: dict, s: Series, tr: Translator, row: int = 1) -> None:
    """x axes in epochs, spanning the whole planned run so the curves grow from left to right (the
    title on the bottom panel, `row`, of a one-column figure)."""
    if s.epochs:
        update_axes(layout, "xaxis", range=[0, s.epochs])
    update_axes(layout, "xaxis", [row], title={"text": tr("fig.epoch")})


def _fixed_margins(layout: dict) -> None:
    """No axis automargin on the live curves: when a redraw's tick labels change width (the loss falls), plotly
    would measure and draw the chart a second time, the largest item after the data itself in the browser's
    profile of a live redraw. The template's margins fit these charts' tick labels and titles."""
    update_axes(layout, "xaxis", automargin=False)
    update_axes(layout, "yaxis", automargin=False)


def _mode(s: Series) -> str:
    return "lines" if len(s) > 1 else "lines+markers"  # a single point is invisible as a line


def _line(x: np.ndarray, y: np.ndarray, k: int = 1, **kw) -> dict:
    """A scatter trace (plain Plotly JSON) on subplot k's axes."""
    return dict(type="scatter", x=x, y=y, xaxis="x" + axis_suffix(k), yaxis="y" + axis_suffix(k), **kw)


def loss_figure(s: Series | None, *, log: bool = False, tr: Translator = EN, title: str | None = None) -> go.Figure:
    """Per-task validation (solid) and training (dotted) loss over epochs; single-task baseline dashed;
    a second panel with validation AUC when some task is binary."""
    title = title or tr("view.loss.title")
    if s is None or len(s) == 0:
        return message_figure(title, tr("fig.no_data"))
    auc = [(t, task) for t, (task, kind) in enumerate(zip(s.tasks, s.kinds))
           if kind == "binary" and s.val_auc is not None and np.isfinite(s.val_auc[:, t]).any()]
    rows = 2 if auc else 1
    layout = grid(rows, 1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.65, 0.35] if rows == 2 else None)
    data = []
    for t, task in enumerate(s.tasks):  # task by task, then validation, train, single-task (SPLITS)
        for split, values in zip(SPLITS, (s.val_loss, s.train_loss, s.baseline_val_loss)):
            if values is None:
                continue
            name = tr(SPLIT_LABEL[split], task=task)
            if split == "train" and (s.trained_as or {}).get(task):  # e.g. ESMM's CVR task trains through pCTCVR
                name += f" ({s.trained_as[task]})"
            data.append(_line(s.epoch, values[:, t], name=name, legendgroup=task, showlegend=True,
                              mode=_mode(s) if split == "validation" else "lines",
                              line=dict(color=task_color(t), dash=SPLIT_DASH[split], width=SPLIT_WIDTH[split]),
                              **({"opacity": 0.75} if split == "train" else {}),
                              hovertemplate=f"{name}<br>{tr('fig.epoch')} %{{x:.2f}}: %{{y:.4g}}<extra></extra>"))
    for t, task in auc:
        data.append(_line(s.epoch, s.val_auc[:, t], 2, name=f"{task} · AUC", legendgroup=task, showlegend=False,
                          mode="lines", line=dict(color=task_color(t), dash="solid", width=3),
                          hovertemplate=f"{task} · AUC<br>{tr('fig.epoch')} %{{x:.2f}}: %{{y:.3f}}<extra></extra>"))
    if rows == 2:
        update_axes(layout, "yaxis", [2], title={"text": tr("fig.auc")})
    losses = [v for v in (s.val_loss, s.train_loss, s.baseline_val_loss) if v is not None]
    update_axes(layout, "yaxis", [1], title={"text": tr("fig.loss")},
                **(log_axis(np.concatenate([v.ravel() for v in losses])) if log else {"type": "linear"}))
    _epoch_axis(layout, s, tr, row=rows)
    _fixed_margins(layout)
    return make_figure(data, layout, title, height=420 if rows == 1 else 520)


def weights_figure(s: Series | None, *, tr: Translator = EN, title: str | None = None) -> go.Figure:
    """Task weights over epochs (every strategy); the strategy's own state (e.g. UW's sigma²) below."""
    title = title or tr("view.weights.title")
    if s is None or len(s) == 0 or s.weights is None:
        return message_figure(title, tr("fig.no_data"))
    state = {k: v for k, v in s.state.items() if _has_values(v)}
    rows = 2 if state else 1
    layout = grid(rows, 1, shared_xaxes=True, vertical_spacing=0.1)
    data = [_line(s.epoch, s.weights[:, t], name=task, legendgroup=task, mode=_mode(s),
                  line=dict(color=task_color(t), width=3)) for t, task in enumerate(s.tasks)]
    for j, (name, values) in enumerate(state.items()):
        for t in range(values.shape[1]):
            label = s.tasks[t] if values.shape[1] == len(s.tasks) else str(t + 1)
            data.append(_line(s.epoch, values[:, t], 2, name=tr("fig.state", name=name, task=label), mode="lines",
                              line=dict(color=task_color(t), width=2, dash=RUN_DASHES[(j + 1) % len(RUN_DASHES)])))
    if state:
        update_axes(layout, "yaxis", [2], title={"text": ", ".join(state)})
    update_axes(layout, "yaxis", [1], title={"text": tr("fig.weight")}, rangemode="tozero")
    _epoch_axis(layout, s, tr, row=rows)
    _fixed_margins(layout)
    return make_figure(data, layout, title, height=380 if rows == 1 else 480)


def conflict_figure(s: Series | None, *, tr: Translator = EN, title: str | None = None) -> go.Figure:
    """Cosine between task gradients on the shared parameters; zero line marked, conflict region shaded."""
    title = title or tr("view.conflict.title")
    if s is None or len(s) == 0:
        return message_figure(title, tr("fig.no_data"))
    if s.grad_cosine is None:
        return message_figure(title, tr("fig.nothing_shared"))
    T = len(s.tasks)
    pairs = [(a, b) for a in range(T) for b in range(a + 1, T)]
    data = []
    for a, b in pairs:
        color = "#222222" if len(pairs) == 1 else task_color(a)
        dash = "solid" if len(pairs) == 1 else RUN_DASHES[(b - a - 1) % len(RUN_DASHES)]
        data.append(dict(type="scatter", x=s.epoch, y=s.grad_cosine[:, a, b], mode=_mode(s),
                         name=tr("fig.pair", a=s.tasks[a], b=s.tasks[b]), line=dict(color=color, width=2.5, dash=dash)))
    layout = {
        "shapes": [dict(type="rect", x0=0, x1=1, xref="x domain", y0=-1.05, y1=0, yref="y", fillcolor=CONFLICT_FILL,
                        line=dict(width=0), layer="below"),
                   dict(type="line", x0=0, x1=1, xref="x domain", y0=0, y1=0, yref="y",
                        line=dict(color="#333333", width=2, dash="dash"))],
        "annotations": [dict(text=tr("fig.conflict_zone"), x=0.01, y=-0.97, xref="paper", yref="y", showarrow=False,
                             xanchor="left", yanchor="bottom", font=dict(color="#B34700", size=14)),
                        dict(text=tr("fig.agree_zone"), x=0.99, y=0.97, xref="paper", yref="y", showarrow=False,
                             xanchor="right", yanchor="top", font=dict(color="#4D4D4D", size=14))],
        "yaxis": {"title": {"text": tr("fig.cosine")}, "range": [-1.05, 1.05], "zeroline": False},
    }
    _epoch_axis(layout, s, tr)
    _fixed_margins(layout)
    return make_figure(data, layout, title, height=380)


def compare_figure(runs: Sequence[tuple[str, Series]], *, metric: str = "val_loss", log: bool = False,
                   tr: Translator = EN) -> go.Figure:
    """Overlay several runs: one panel per task (task colour), one line style per run."""
    metric_name = tr("fig.val_auc" if metric == "val_auc" else "fig.val_loss")
    title = tr("fig.compare_title", metric=metric_name)
    runs = [(label, s) for label, s in runs if s is not None and len(s)]
    long = metric_frame(runs, metric)
    if long.empty:
        return message_figure(title, tr("fig.no_data"))
    tasks = list(dict.fromkeys(long["task"]))
    labels = list(dict.fromkeys(long["run"]))
    fig = px.line(long, x="epoch", y="value", color="run", line_dash="run", facet_col="task",
                  category_orders={"task": tasks, "run": labels}, facet_col_spacing=0.08,
                  labels={"epoch": tr("fig.epoch"), "value": metric_name})
    fig.data = sorted(fig.data, key=lambda tr: (labels.index(tr.name), int(tr.xaxis[1:] or 1)))  # run by run, panel by panel
    for trace in fig.data:  # a task keeps its colour in its panel; later runs are lighter and thinner
        i, j = labels.index(trace.name), int(trace.xaxis[1:] or 1) - 1  # facet column j = x axis "x{j+1}"
        trace.update(legendgroup=trace.name, line=dict(color=rgba(task_color(j), 1.0 - 0.12 * (i % 4)),
                                                       width=3 - 0.3 * (i % 4), dash=RUN_DASHES[i % len(RUN_DASHES)]),
                     hovertemplate=f"{trace.name} · {tasks[j]}<br>{tr('fig.epoch')} %{{x:.2f}}: %{{y:.4g}}<extra></extra>")
    use_log = log and metric != "val_auc"
    fig.update_yaxes(**(log_axis(long["value"]) if use_log else {"type": "linear"}))
    fig.update_yaxes(title_text=None)
    fig.update_yaxes(title_text=metric_name, col=1)
    fig.update_xaxes(title_text=tr("fig.epoch"))
    for ann in fig.layout.annotations:  # facet titles: "task=task1" -> "task1", in the task's colour
        task = ann.text.split("=", 1)[-1]
        ann.update(text=task, font=dict(color=task_color(tasks.index(task)) if task in tasks else None, size=16))
    fig = finish(fig, title, height=420)
    fig.update_layout(legend=dict(orientation="h", y=-0.22, yanchor="top", x=0, xanchor="left", title_text=""),
                      margin=dict(b=90))
    return fig
