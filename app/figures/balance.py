"""The balancing lab's figures: the seesaw map, the trade-off curve of static weights with every strategy's
point, task-weight (or loss-ratio) trajectories side by side, the gradient-conflict timeline, and the
comparison table. Pure: DataFrames from `mtl_core.experiments.balance` in, `go.Figure` or DataFrame out; a
strategy keeps its colour in every chart, a task its colour.
"""
from __future__ import annotations

import functools
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import EN, Translator
from .rule import rule_text
from .style import (FONT_SIZE, MUTED_COLOR, NEUTRAL_COLOR, distinct_colors, finish, log_axis, message_figure,
                    place_labels, rgba, task_color, text_width)

# One colour per strategy, stable across charts, given in the registry's order (EW black: the reference
# everything is compared with); strategies past the palette take plotly's Dark24 colours (`distinct_colors`).
EW_COLOR = "#1F2328"
_PALETTE = ("#35978F", "#C51B7D", "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#8C6D1F",
            "#6A51A3", "#B2182B", "#1B7837", "#F781BF", "#4D4D4D", "#7FBC41", "#2166AC")
ARCH_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D1F")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "hexagon", "triangle-down", "cross",
           "pentagon", "hourglass", "bowtie", "circle-open", "square-open", "diamond-open", "star-open")
STATIC_COLOR = "#8A8F98"
SEESAW_PLOT_PX, TRADEOFF_PLOT_PX = 400, 380  # plot areas' heights: the legends below add to the figures' heights
WIN_FILL, LOSE_FILL, SEESAW_FILL = "rgba(0, 158, 115, 0.08)", "rgba(213, 94, 0, 0.08)", "rgba(230, 159, 0, 0.06)"


@functools.lru_cache(maxsize=1)
def strategy_colors() -> dict[str, str]:
    """{weighting id: colour} for every registered strategy."""
    from mtl_core.weighting import WEIGHTINGS

    return {"ew": EW_COLOR, **distinct_colors([w for w in WEIGHTINGS if w != "ew"], _PALETTE)}


def strategy_color(wid: str) -> str:
    colors = strategy_colors()
    if wid in colors:
        return colors[wid]
    return _PALETTE[sum(map(ord, wid)) % len(_PALETTE)]  # not registered (an old record): still a stable colour


def _name(names: Mapping[str, str] | None, key: str) -> str:
    return (names or {}).get(key, key)


# ---- 1. the seesaw map -----------------------------------------------------------------------------------
def _axis_limit(values: np.ndarray, spread: np.ndarray, cap: float) -> float:
    reach = np.nanmax(np.abs(np.r_[values + spread, values - spread])) if len(values) else np.nan
    return float(min(cap, max(5.0, 1.15 * reach))) if np.isfinite(reach) else 10.0


def seesaw_figure(seesaw: pd.DataFrame | None, *, names: Mapping[str, str] | None = None, cap: float = 100.0,
                  tr: Translator = EN) -> go.Figure:
    """MTL gain on task A (x) against task B (y), in % of the single-task baseline, one point per
    (architecture, strategy) with ±1 sd bars over seeds; one trace per strategy in its colour (`strategy_color`)
    with a legend entry; the marker symbol tells the architecture when there are several, else the strategy.
    A point is labelled only where its name fits without covering another label or point (`place_labels`);
    hover names every point. Quadrants: both win (up right), negative transfer (down left), seesaw. Each axis
    spans the data up to ±`cap` %; a point beyond it sits on the border, drawn hollow, its label giving the
    value."""
    title = tr("bal.fig.seesaw_title")
    if seesaw is None or seesaw.empty:
        return message_figure(title, tr("bal.fig.no_baselines"))
    a_task, b_task = str(seesaw["task_a"].iloc[0]), str(seesaw["task_b"].iloc[0])
    lx = _axis_limit(seesaw.gain_a.to_numpy(float), seesaw.sd_a.to_numpy(float), cap)
    ly = _axis_limit(seesaw.gain_b.to_numpy(float), seesaw.sd_b.to_numpy(float), cap)
    fig = go.Figure()
    for x0, x1, y0, y1, fill in ((0, lx, 0, ly, WIN_FILL), (-lx, 0, -ly, 0, LOSE_FILL),
                                 (0, lx, -ly, 0, SEESAW_FILL), (-lx, 0, 0, ly, SEESAW_FILL)):
        fig.add_shape(type="rect", x0=x0, x1=x1, y0=y0, y1=y1, fillcolor=fill, line_width=0, layer="below")
    # quadrant names in the middle of each quadrant's outer edge (corners are where clipped points sit)
    for text, x, y, xa, ya, color in ((tr("bal.fig.both_win"), lx / 2, ly, "center", "top", "#00734F"),
                                      (tr("bal.fig.negative"), -lx / 2, -ly, "center", "bottom", "#A63F00"),
                                      (tr("bal.fig.seesaw"), lx / 2, -ly, "center", "bottom", "#8A6100"),
                                      (tr("bal.fig.seesaw"), -lx / 2, ly, "center", "top", "#8A6100")):
        fig.add_annotation(text=f"<b>{text}</b>", x=x, y=y, xanchor=xa, yanchor=ya, showarrow=False,
                           font=dict(size=FONT_SIZE, color=color))
    fig.add_hline(y=0, line=dict(color="#333333", width=1.5))
    fig.add_vline(x=0, line=dict(color="#333333", width=1.5))
    weightings = list(dict.fromkeys(seesaw["weighting"]))
    archs = list(dict.fromkeys(seesaw["arch"]))
    several = len(archs) > 1  # then the symbol tells the architecture, else the strategy (with its colour)
    a_all, b_all = seesaw.gain_a.to_numpy(float), seesaw.gain_b.to_numpy(float)
    out_all = (np.abs(a_all) > lx) | (np.abs(b_all) > ly)
    x_all, y_all = np.clip(a_all, -0.97 * lx, 0.97 * lx), np.clip(b_all, -0.97 * ly, 0.97 * ly)
    label_all = [_name(names, w) + (f" ({x:+.0f}%, {y:+.0f}%)" if o else "")
                 for w, x, y, o in zip(seesaw.weighting, a_all, b_all, out_all)]
    spots = place_labels(x_all, y_all, label_all, (-lx, lx), (-ly, ly), size=(800, SEESAW_PLOT_PX),
                         font=FONT_SIZE - 3, marker=13)
    for w in weightings:
        at = np.flatnonzero((seesaw["weighting"] == w).to_numpy())
        grp = seesaw.iloc[at]
        color = strategy_color(w)
        shapes = [SYMBOLS[(archs.index(r) if several else weightings.index(w)) % len(SYMBOLS)] for r in grp.arch]
        symbols = [s + ("-open" if out_all[k] and "open" not in s else "") for s, k in zip(shapes, at)]
        custom = np.stack([[_name(names, r) for r in grp.arch], [_name(names, w)] * len(grp), grp.sd_a, grp.sd_b,
                           grp.n, [tr(f"bal.quadrant.{q}") for q in grp.quadrant], a_all[at], b_all[at]], -1)
        if several:  # the legend's key is the colour alone: the points' symbols tell architectures
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=_name(names, w), legendgroup=w,
                                     line=dict(color=color, width=6)))
        fig.add_trace(go.Scatter(
            x=x_all[at], y=y_all[at], mode="markers+text", name=_name(names, w), legendgroup=w, showlegend=not several,
            text=[label_all[k] if spots[k] else "" for k in at],
            textposition=[spots[k] or "top center" for k in at],
            textfont=dict(size=FONT_SIZE - 3, color=color),
            marker=dict(color=color, size=13, symbol=symbols, line=dict(color=color, width=1.5)),
            error_x=dict(type="data", array=np.where(out_all[at], 0.0, grp.sd_a), color=rgba(color, 0.5),
                         thickness=1.5, width=3),
            error_y=dict(type="data", array=np.where(out_all[at], 0.0, grp.sd_b), color=rgba(color, 0.5),
                         thickness=1.5, width=3),
            customdata=custom,
            hovertemplate=(f"<b>%{{customdata[0]}} · %{{customdata[1]}}</b><br>{a_task}: %{{customdata[6]:+.1f}}% ± "
                           f"%{{customdata[2]:.1f}}<br>{b_task}: %{{customdata[7]:+.1f}}% ± %{{customdata[3]:.1f}}<br>"
                           f"%{{customdata[5]}} · {tr('bal.fig.seeds')} %{{customdata[4]}}<extra></extra>")))
    if several:  # the symbols' key, in a neutral colour
        for i, arch in enumerate(archs):
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=_name(names, arch),
                                     legendgroup=f"arch:{arch}",
                                     marker=dict(color=MUTED_COLOR, size=11, symbol=SYMBOLS[i % len(SYMBOLS)])))
    fig.update_xaxes(title_text=tr("bal.fig.gain_axis", task=a_task), range=[-lx, lx], zeroline=False,
                     ticksuffix="%")
    fig.update_yaxes(title_text=tr("bal.fig.gain_axis", task=b_task), range=[-ly, ly], zeroline=False,
                     ticksuffix="%")
    legend = [_name(names, w) for w in weightings] + ([_name(names, a) for a in archs] if several else [])
    return _legend_below(finish(fig, title), legend, SEESAW_PLOT_PX)


LEGEND_ROW_PX = 21


def _legend_below(fig: go.Figure, labels: Sequence[str], plot_px: int) -> go.Figure:
    """The legend under the plot in aligned columns, as many as the longest entry allows on a plot 900 px
    wide (a wide page at 1440 px; one entry per strategy: up to 30 of them), and the figure just tall enough
    that the plot area keeps `plot_px` px however many rows the legend takes."""
    widest = 0.9 * max((text_width(str(t), FONT_SIZE - 2) for t in labels), default=0.0) + 45  # + the symbol
    per_row = int(max(1, min(6, 900 // widest)))
    rows = -(-len(labels) // per_row)
    top = fig.layout.template.layout.margin.t if fig.layout.margin.t is None else fig.layout.margin.t
    bottom = 75 + LEGEND_ROW_PX * rows
    fig.update_layout(legend=dict(orientation="h", x=0, xanchor="left", yref="container", y=0.005, yanchor="bottom",
                                  entrywidth=1 / per_row, entrywidthmode="fraction", traceorder="normal",
                                  font=dict(size=FONT_SIZE - 2)),
                      height=int(top + plot_px + bottom), margin=dict(b=bottom))
    return fig


# ---- 2. the trade-off curve ------------------------------------------------------------------------------
def tradeoff_figure(frame: pd.DataFrame | None, *, names: Mapping[str, str] | None = None, log: bool = True,
                    metric_label: str | None = None, tr: Translator = EN) -> go.Figure:
    """Final task-A against task-B loss (mean over seeds, lower left is better): the static-weight grid as a
    grey curve labelled w1 : w2 (non-dominated points filled), every strategy as a coloured point with ±1 sd
    bars."""
    title = tr("bal.fig.tradeoff_title")
    if frame is None or frame.empty:
        return message_figure(title, tr("fig.no_data"))
    tasks = (frame.attrs.get("tasks") or ("task1", "task2"))
    metric_label = metric_label or tr("bal.fig.test_loss")
    fig = go.Figure()
    st = frame[frame.kind == "static"]
    if len(st):
        fig.add_trace(go.Scatter(
            x=st.a, y=st.b, mode="lines+markers+text", name=tr("bal.fig.static"), text=st.label,
            textposition="bottom left", textfont=dict(size=FONT_SIZE - 4, color=MUTED_COLOR),
            line=dict(color=STATIC_COLOR, width=2, dash="dot"),
            marker=dict(size=[11 if p else 8 for p in st.pareto], color=[STATIC_COLOR if p else "#FFFFFF"
                                                                         for p in st.pareto],
                        line=dict(color=STATIC_COLOR, width=2)),
            customdata=np.stack([st.label, st.sd_a, st.sd_b, st.n], -1),
            hovertemplate=(f"{tr('bal.fig.static_point')} %{{customdata[0]}}<br>{tasks[0]}: %{{x:.4g}} ± "
                           f"%{{customdata[1]:.2g}}<br>{tasks[1]}: %{{y:.4g}} ± %{{customdata[2]:.2g}}<br>"
                           f"{tr('bal.fig.seeds')} %{{customdata[3]}}<extra></extra>")))
    strat = frame[frame.kind == "strategy"]
    spots = _tradeoff_spots(st, strat, names, log)
    for (_, row), spot in zip(strat.iterrows(), spots):
        color = strategy_color(row.weighting)
        label = _name(names, row.weighting)
        fig.add_trace(go.Scatter(
            x=[row.a], y=[row.b], mode="markers+text", name=label, text=[label if spot else ""],
            textposition=spot or "top right",
            textfont=dict(size=FONT_SIZE - 3, color=color),
            marker=dict(size=14, color=color, symbol="diamond" if row.weighting == "ew" else "circle",
                        line=dict(color="#FFFFFF", width=1)),
            error_x=dict(type="data", array=[row.sd_a], color=rgba(color, 0.5), thickness=1.5, width=3),
            error_y=dict(type="data", array=[row.sd_b], color=rgba(color, 0.5), thickness=1.5, width=3),
            hovertemplate=(f"<b>{label}</b> ({row.arch})<br>{tasks[0]}: %{{x:.4g}} ± {row.sd_a:.2g}<br>"
                           f"{tasks[1]}: %{{y:.4g}} ± {row.sd_b:.2g}<br>{tr('bal.fig.seeds')} {row.n}"
                           "<extra></extra>")))
    fig.update_xaxes(title_text=f"{tasks[0]} · {metric_label}", **(log_axis(frame.a) if log else {"type": "linear"}))
    fig.update_yaxes(title_text=f"{tasks[1]} · {metric_label}", **(log_axis(frame.b) if log else {"type": "linear"}))
    fig.add_annotation(text=tr("bal.fig.better"), x=0.01, y=0.02, xref="paper", yref="paper", showarrow=False,
                       xanchor="left", yanchor="bottom", font=dict(size=FONT_SIZE - 2, color=MUTED_COLOR))
    legend = [_name(names, w) for w in strat.weighting] + ([tr("bal.fig.static")] if len(st) else [])
    return _legend_below(finish(fig, title), legend, TRADEOFF_PLOT_PX)


def _tradeoff_spots(static: pd.DataFrame, strat: pd.DataFrame, names, log: bool) -> list[str | None]:
    """Label spots of the strategies' points, the static grid's points as obstacles, on the axes' scale."""
    a = np.r_[static.a.to_numpy(float), strat.a.to_numpy(float)]
    b = np.r_[static.b.to_numpy(float), strat.b.to_numpy(float)]
    if log:
        a, b = np.log10(np.clip(a, 1e-12, None)), np.log10(np.clip(b, 1e-12, None))
    pad = lambda v: (v.min() - 0.06 * (np.ptp(v) or 1.0), v.max() + 0.06 * (np.ptp(v) or 1.0))  # noqa: E731
    texts = [""] * len(static) + [_name(names, w) for w in strat.weighting]
    return place_labels(a, b, texts, pad(a), pad(b), size=(800, TRADEOFF_PLOT_PX), font=FONT_SIZE - 3)[len(static):]


# ---- 3. trajectories side by side ----------------------------------------------------------------------
def _grid(n: int, per_row: int = 4) -> tuple[int, int]:
    cols = min(per_row, max(1, n))
    return (n + cols - 1) // cols, cols


def trajectories_figure(traj: pd.DataFrame | None, weightings: Sequence[str], *, value: str = "weight",
                        names: Mapping[str, str] | None = None, arch: str | None = None,
                        tr: Translator = EN) -> go.Figure:
    """One panel per strategy (side by side, shared y axis): `value` per task over epochs, the mean over
    seeds as a line with a band from the lowest to the highest seed. value: "weight" (the task weight the
    strategy applied, mean since the previous snapshot) or "loss_ratio" (validation L(t)/L(0))."""
    title = tr("bal.fig.weights_title" if value == "weight" else "bal.fig.ratio_title")
    if traj is None or traj.empty or value not in traj.columns:
        return message_figure(title, tr("fig.no_data"))
    d = traj[traj.role == "mtl"] if "role" in traj.columns else traj
    if arch is not None:
        d = d[d.arch == arch]
    weightings = [w for w in weightings if w in set(d.weighting)]
    if not weightings:
        return message_figure(title, tr("fig.no_data"))
    if value == "weight":
        d = d[d.step > 0]  # the step-0 snapshot has applied no weight yet
    tasks = list(dict.fromkeys(d.task))
    rows, cols = _grid(len(weightings))
    fig = make_subplots(rows=rows, cols=cols, shared_yaxes=True, horizontal_spacing=0.03, vertical_spacing=0.16,
                        subplot_titles=[_name(names, w) for w in weightings])
    for i, w in enumerate(weightings):
        r, c = i // cols + 1, i % cols + 1
        dw = d[d.weighting == w]
        for t, task in enumerate(tasks):
            g = dw[dw.task == task].groupby("epoch")[value].agg(["mean", "min", "max"]).reset_index()
            color = task_color(t)
            fig.add_trace(go.Scatter(x=list(g.epoch) + list(g.epoch[::-1]), y=list(g["max"]) + list(g["min"][::-1]),
                                     fill="toself", fillcolor=rgba(color, 0.14), line=dict(width=0),
                                     hoverinfo="skip", showlegend=False, legendgroup=task), row=r, col=c)
            fig.add_trace(go.Scatter(x=g.epoch, y=g["mean"], mode="lines", name=task, legendgroup=task,
                                     showlegend=i == 0, line=dict(color=color, width=2.5),
                                     hovertemplate=f"{_name(names, w)} · {task}<br>{tr('fig.epoch')} %{{x:.2f}}: "
                                                   f"%{{y:.3g}}<extra></extra>"), row=r, col=c)
        if value == "weight":
            fig.add_hline(y=1.0, line=dict(color=NEUTRAL_COLOR, width=1, dash="dot"), row=r, col=c)
    fig.update_xaxes(title_text=tr("fig.epoch"), row=rows)
    ylabel = tr("fig.weight") if value == "weight" else tr("bal.fig.loss_ratio")
    fig.update_yaxes(title_text=ylabel, col=1)
    if value == "loss_ratio":
        fig.update_yaxes(**log_axis(d[value]))
    fig = finish(fig, title, height=330 + 230 * rows)
    fig.update_layout(legend=dict(orientation="h", y=-0.2 / rows, yanchor="top", x=0, xanchor="left"),
                      margin=dict(b=90))
    return fig


# ---- 4. the gradient-conflict timeline ----------------------------------------------------------------
def _smooth(y: np.ndarray, window: int) -> np.ndarray:
    if window <= 1 or len(y) < window:
        return y
    return pd.Series(y).rolling(window, min_periods=1, center=True).mean().to_numpy()


def conflict_figure(steps: pd.DataFrame | None, weightings: Sequence[str], *, names: Mapping[str, str] | None = None,
                    arch: str | None = None, points: int = 150, tr: Translator = EN) -> go.Figure:
    """One panel per strategy: the cosine between the task gradients on the shared parameters BEFORE the
    strategy combines them (grey) and the smallest cosine between the applied step and a task's gradient
    AFTER (the strategy's colour), mean over seeds, smoothed over ~1/`points` of the run; the conflict zone
    (cos < 0) shaded; each panel's title gives the share of steps in conflict before → after."""
    title = tr("bal.fig.conflict_title")
    if steps is None or steps.empty:
        return message_figure(title, tr("bal.fig.no_conflict"))
    d = steps[steps.role == "mtl"] if "role" in steps.columns else steps
    if arch is not None:
        d = d[d.arch == arch]
    weightings = [w for w in weightings if w in set(d.weighting)]
    if not weightings:
        return message_figure(title, tr("bal.fig.no_conflict"))
    rows, cols = _grid(len(weightings))
    subtitles = []
    for w in weightings:
        dw = d[d.weighting == w]
        subtitles.append(tr("bal.fig.conflict_panel", name=_name(names, w), before=100 * (dw.cos_before < 0).mean(),
                            after=100 * (dw.cos_after < 0).mean()))
    fig = make_subplots(rows=rows, cols=cols, shared_yaxes=True, horizontal_spacing=0.03, vertical_spacing=0.16,
                        subplot_titles=subtitles)
    for i, w in enumerate(weightings):
        r, c = i // cols + 1, i % cols + 1
        g = d[d.weighting == w].groupby("step")[["cos_before", "cos_after"]].mean().reset_index()
        window = max(1, len(g) // points)
        x = g.step.to_numpy()
        fig.add_hrect(y0=-1.0, y1=0.0, fillcolor="rgba(213, 94, 0, 0.08)", line_width=0, layer="below", row=r, col=c)
        fig.add_hline(y=0, line=dict(color="#333333", width=1, dash="dash"), row=r, col=c)
        for col, label, color, width in (("cos_before", tr("bal.fig.before"), NEUTRAL_COLOR, 1.8),
                                         ("cos_after", tr("bal.fig.after"), strategy_color(w), 2.5)):
            fig.add_trace(go.Scatter(x=x, y=_smooth(g[col].to_numpy(), window), mode="lines", name=label,
                                     legendgroup=col, showlegend=False, line=dict(color=color, width=width),
                                     hovertemplate=f"{_name(names, w)} · {label}<br>{tr('bal.fig.step')} %{{x}}: "
                                                   f"%{{y:.3f}}<extra></extra>"), row=r, col=c)
    # legend entries once, in neutral colours
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=tr("bal.fig.before"),
                             line=dict(color=NEUTRAL_COLOR, width=2)))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=tr("bal.fig.after_legend"),
                             line=dict(color="#1F2328", width=2.5)))
    fig.update_yaxes(range=[-1.0, 1.0], col=1, title_text=tr("fig.cosine"))
    fig.update_yaxes(range=[-1.0, 1.0])
    fig.update_xaxes(title_text=tr("bal.fig.step"), row=rows)
    for ann in fig.layout.annotations:
        if ann.text and "%" in ann.text:
            ann.font = dict(size=FONT_SIZE - 2)
    fig = finish(fig, title, height=350 + 230 * rows)
    fig.update_layout(legend=dict(orientation="h", y=-0.2 / rows, yanchor="top", x=0, xanchor="left"),
                      margin=dict(b=90))
    return fig


# ---- 5. the comparison table -----------------------------------------------------------------------------
def comparison_frame(comp: pd.DataFrame | None, verdicts: pd.DataFrame | None = None, *,
                     names: Mapping[str, str] | None = None, tr: Translator = EN) -> pd.DataFrame:
    """The comparison table for the page: strategy (and architecture when several), task, final test metric
    mean ± sd, MTL gain in % ± sd, the verdict against EW and the time per step relative to EW."""
    if comp is None or comp.empty:
        return pd.DataFrame()
    several = comp["arch"].nunique() > 1
    vmap = {}
    if verdicts is not None and not verdicts.empty:
        vmap = {(r.arch, r.weighting, r.task): (r.effect, _rule(r, tr)) for r in verdicts.itertuples()}
    rows = []
    for r in comp.itertuples():
        row = {}
        if several:
            row[tr("bal.col.arch")] = _name(names, r.arch)
        row[tr("bal.col.strategy")] = _name(names, r.weighting)
        row[tr("bal.col.task")] = r.task
        metric = tr("bal.col.test_auc" if r.metric == "test_auc" else "bal.col.test_loss")
        row[metric] = f"{r.mean:.4g} ± {r.sd:.2g}"
        row[tr("bal.col.gain")] = "—" if not np.isfinite(r.gain_pct) else f"{r.gain_pct:+.1f}% ± {r.gain_sd:.1f}"
        if r.weighting == "ew":
            row[tr("bal.col.vs_ew")] = tr("bal.effect.reference")
        elif (r.arch, r.weighting, r.task) in vmap:
            effect, text = vmap[(r.arch, r.weighting, r.task)]
            row[tr("bal.col.vs_ew")] = tr(f"bal.effect.{effect}", text=text)
        else:
            row[tr("bal.col.vs_ew")] = "—"
        row[tr("bal.col.time")] = "—" if not np.isfinite(r.time_vs_ew) else f"{r.time_vs_ew:.2f}×"
        rows.append(row)
    return pd.DataFrame(rows)


_WORD = {"helps": "better", "hurts": "worse", "unclear": "unclear"}


def _rule(v, tr: Translator) -> str:
    """A verdict row's sentence by the one rule: "better on 5/5 seeds, +53 % [+31, +70]"."""
    return rule_text(_WORD[v.effect], int(v.agree), int(v.n), v.change_pct / 100, v.low_pct / 100, v.high_pct / 100,
                     tr)


def verdict_table(verdicts: pd.DataFrame | None, *, names: Mapping[str, str] | None = None,
                  tr: Translator = EN) -> pd.DataFrame:
    """Each strategy against EW, one column per task: "✔ better on 5/5 seeds, +38 % [+30, +45]: 0.046 → 0.029",
    "✘ worse …" or "≈ too few seeds to tell: …" (`balance.verdicts`, the rule of `mtl_core.stats`)."""
    if verdicts is None or verdicts.empty:
        return pd.DataFrame()
    several = verdicts["arch"].nunique() > 1
    marks = {"helps": "✔", "hurts": "✘", "unclear": "≈"}
    rows: dict[tuple, dict] = {}
    for v in verdicts.itertuples():
        key = (v.arch, v.weighting)
        row = rows.setdefault(key, {**({tr("bal.col.arch"): _name(names, v.arch)} if several else {}),
                                    tr("bal.col.strategy"): _name(names, v.weighting)})
        row[v.task] = f"{marks[v.effect]} {_rule(v, tr)}: {v.reference:.3g} → {v.value:.3g}"
    out = pd.DataFrame(list(rows.values()))
    out[tr("bal.col.seeds")] = [int(verdicts.n.min())] * len(out)
    return out
