"""Curves over training: loss per task, task weights, gradient conflict, runs compared.

Loss curves and run overlays are drawn with `plotly.express` from the tidy long-format frames of
`series.py`; every builder takes a translator `tr(key, **kw)` so titles and axis labels follow the page
language, and returns a `go.Figure` in the house template.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import EN, Translator
from .series import SPLITS, Series, auc_frame, loss_frame, metric_frame
from .style import CONFLICT_FILL, RUN_DASHES, finish, message_figure, rgba, task_color

SPLIT_DASH = {"validation": "solid", "train": "dot", "single-task": "dash"}
SPLIT_WIDTH = {"validation": 3.0, "train": 1.8, "single-task": 2.2}
SPLIT_LABEL = {"validation": "fig.val", "train": "fig.train", "single-task": "fig.baseline"}


def _has_values(a: np.ndarray | None) -> bool:
    return a is not None and np.isfinite(a).any()


def _epoch_axis(fig: go.Figure, s: Series, tr: Translator, row: int | None = None) -> None:
    """x axes in epochs, spanning the whole planned run so the curves grow from left to right."""
    if s.epochs:
        fig.update_xaxes(range=[0, s.epochs])
    fig.update_xaxes(title_text=tr("fig.epoch"), **({} if row is None else dict(row=row, col=1)))


def _mode(s: Series) -> str:
    return "lines" if len(s) > 1 else "lines+markers"  # a single point is invisible as a line


def _task_colors(tasks: Sequence[str]) -> dict[str, str]:
    return {task: task_color(k) for k, task in enumerate(tasks)}


def loss_figure(s: Series | None, *, log: bool = False, tr: Translator = EN, title: str | None = None) -> go.Figure:
    """Per-task validation (solid) and training (dotted) loss over epochs; single-task baseline dashed;
    a second panel with validation AUC when some task is binary."""
    title = title or tr("view.loss.title")
    if s is None or len(s) == 0:
        return message_figure(title, tr("fig.no_data"))
    long = loss_frame(s)
    curves = px.line(long, x="epoch", y="loss", color="task", line_dash="split",
                     color_discrete_map=_task_colors(s.tasks), line_dash_map=SPLIT_DASH,
                     category_orders={"task": list(s.tasks), "split": list(SPLITS)})
    keys = {f"{task}, {split}": (task, split) for task, split in long[["task", "split"]].drop_duplicates().values}
    auc = auc_frame(s)
    rows = 2 if len(auc) else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.65, 0.35] if rows == 2 else None)
    for trace in curves.data:
        task, split = keys[trace.name]
        name = tr(SPLIT_LABEL[split], task=task)
        if split == "train" and (s.trained_as or {}).get(task):  # e.g. ESMM's CVR task trains through pCTCVR
            name += f" ({s.trained_as[task]})"
        trace.update(name=name, legendgroup=task, mode=_mode(s) if split == "validation" else "lines",
                     line_width=SPLIT_WIDTH[split], opacity=0.75 if split == "train" else None,
                     hovertemplate=f"{name}<br>{tr('fig.epoch')} %{{x:.2f}}: %{{y:.4g}}<extra></extra>")
        fig.add_trace(trace, row=1, col=1)
    if rows == 2:
        for trace in px.line(auc, x="epoch", y="auc", color="task", color_discrete_map=_task_colors(s.tasks),
                             category_orders={"task": list(s.tasks)}).data:
            trace.update(name=f"{trace.name} · AUC", legendgroup=trace.name, showlegend=False, line_width=3,
                         hovertemplate=f"{trace.name} · AUC<br>{tr('fig.epoch')} %{{x:.2f}}: %{{y:.3f}}<extra></extra>")
            fig.add_trace(trace, row=2, col=1)
        fig.update_yaxes(title_text=tr("fig.auc"), row=2, col=1)
    fig.update_yaxes(title_text=tr("fig.loss"), type="log" if log else "linear", row=1, col=1,
                     **(dict(dtick="D2", tickformat=".2~g") if log else {}))
    _epoch_axis(fig, s, tr, row=rows)
    return finish(fig, title, height=420 if rows == 1 else 520)


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
    return finish(fig, title, height=380 if rows == 1 else 480)


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
    return finish(fig, title, height=380)


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
    fig.update_yaxes(type="log" if use_log else "linear", **(dict(dtick="D2", tickformat=".2~g") if use_log else {}))
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
