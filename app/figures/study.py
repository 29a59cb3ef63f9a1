"""A study's results (one row per run and task, `mtl_core.records` schema): final validation loss per
task against the dataset's relatedness knob, mean line with a ±1 sd band over seeds and every run as a
dot, plus the mean ± sd table. Pure: a DataFrame in, a figure or a DataFrame out.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import EN, Translator
from .style import FONT_SIZE, SAFE_COLORS, finish, message_figure, rgba, series_style, task_color

VARIANT_COLORS = SAFE_COLORS
# columns that tell runs of one study apart besides the seed (grid axes are flat keys such as "data.rho")
_VARIANT_BASE = ("data", "arch", "weighting")


def _axis_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if "." in c]


def relatedness_key(df: pd.DataFrame) -> str | None:
    """The flat key of the relatedness knob ("data.rho"), when the results name one."""
    if "relatedness_param" not in df.columns:
        return None
    names = [n for n in df["relatedness_param"].dropna().unique() if str(n)]
    return f"data.{names[0]}" if names else None


def with_variants(df: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Add a `variant` column naming what differs between runs other than seed and relatedness
    (architecture, weighting, other grid axes); "" when every run shares one configuration."""
    names = dict(names or {})
    out = df.copy()
    rel = relatedness_key(df)
    cols = [c for c in (*_VARIANT_BASE, *_axis_columns(df)) if c in df.columns and c != rel]
    varying = [c for c in cols if df[c].astype(str).nunique() > 1]
    if not varying:
        out["variant"] = ""
        return out

    def label(row) -> str:
        parts = []
        for c in varying:
            v = str(row[c])
            parts.append(names.get(v, v) if c in _VARIANT_BASE else f"{c.split('.', 1)[-1]}={v}")
        return " · ".join(parts)
    out["variant"] = out.apply(label, axis=1) if len(out) else pd.Series(dtype=str)
    return out


def _x(df: pd.DataFrame) -> pd.Series:
    if "relatedness" in df.columns and pd.to_numeric(df["relatedness"], errors="coerce").notna().any():
        return pd.to_numeric(df["relatedness"], errors="coerce").fillna(0.0)
    return pd.Series(0.0, index=df.index)


def summary_frame(df: pd.DataFrame, metric: str = "val_loss") -> pd.DataFrame:
    """(variant, relatedness, task) -> runs, mean, sd, min, max of `metric` over the runs that finished
    ("ok"), and how many diverged. Expects `with_variants` applied."""
    status = df["status"].astype(str) if "status" in df.columns else pd.Series("ok", index=df.index)
    d = df.assign(x=_x(df), diverged=(status != "ok").astype(int))
    keys = ["variant", "x", "task"]
    ok = d[status == "ok"]
    stats = ok.groupby(keys, sort=False)[metric].agg(["count", "mean", "std", "min", "max"]).reset_index()
    stats["std"] = stats["std"].fillna(0.0)
    bad = d.groupby(keys, sort=False)["diverged"].sum().reset_index()
    return stats.merge(bad, on=keys, how="right").fillna({"count": 0, "diverged": 0})


def study_figure(df: pd.DataFrame, *, metric: str = "val_loss", tr: Translator = EN,
                 title: str | None = None) -> go.Figure:
    """One panel per task: mean over seeds against relatedness (line), ±1 sd band, every run a dot."""
    title = title or tr("fig.study_title", metric=tr("fig.val_auc" if metric == "val_auc" else "fig.val_loss"))
    if df is None or df.empty or metric not in df.columns or df[metric].notna().sum() == 0:
        return message_figure(title, tr("fig.no_data"))
    if "variant" not in df.columns:
        df = with_variants(df)
    df = df.assign(x=_x(df))
    tasks = list(dict.fromkeys(df["task"]))
    variants = list(dict.fromkeys(df["variant"]))
    xs = sorted(df["x"].unique())
    spacing = min(np.diff(xs)) if len(xs) > 1 else 1.0
    stats = summary_frame(df, metric)
    fig = make_subplots(rows=1, cols=len(tasks), subplot_titles=tasks, horizontal_spacing=0.08)
    for j, task in enumerate(tasks):
        for i, variant in enumerate(variants):
            color = task_color(j) if len(variants) == 1 else VARIANT_COLORS[i % len(VARIANT_COLORS)]
            name = variant or task
            legend = dict(legendgroup=name, name=name, showlegend=(j == 0 and len(variants) > 1))
            s = stats[(stats.task == task) & (stats.variant == variant) & (stats["count"] > 0)].sort_values("x")
            runs = df[(df.task == task) & (df.variant == variant)]
            if len(xs) > 1 and len(s):
                fig.add_trace(go.Scatter(
                    x=list(s.x) + list(s.x[::-1]), y=list(s["mean"] + s["std"]) + list((s["mean"] - s["std"])[::-1]),
                    mode="lines", fill="toself", fillcolor=rgba(color, 0.15), line=dict(width=0), hoverinfo="skip",
                    showlegend=False, legendgroup=name), row=1, col=j + 1)
            if len(runs):
                order = runs.groupby("x").cumcount().to_numpy()
                count = runs.groupby("x")["x"].transform("count").to_numpy()
                jitter = (order / np.maximum(count - 1, 1) - 0.5) * 0.12 * spacing
                seeds = runs["seed"].to_numpy() if "seed" in runs.columns else np.arange(len(runs))
                fig.add_trace(go.Scatter(
                    x=runs["x"].to_numpy() + jitter, y=runs[metric], mode="markers",
                    marker=dict(color=rgba(color, 0.45), size=6), customdata=np.stack([seeds, runs["x"]], -1),
                    hovertemplate=f"{name}<br>{tr('fig.seed')} %{{customdata[0]}} · %{{customdata[1]:.3g}}: "
                                  f"%{{y:.4f}}<extra></extra>",
                    showlegend=False, legendgroup=name), row=1, col=j + 1)
            if len(s):
                fig.add_trace(go.Scatter(
                    x=s.x, y=s["mean"], mode="lines+markers",
                    line=dict(color=color, width=3, dash=series_style(i, len(variants))["dash"]),
                    marker=dict(size=9, symbol=series_style(i, len(variants))["symbol"]), error_y=dict(type="data", array=s["std"], visible=len(xs) == 1),
                    customdata=np.stack([s["std"], s["count"]], -1),
                    hovertemplate=f"{name}<br>%{{x:.3g}}: %{{y:.4f}} ± %{{customdata[0]:.4f}} "
                                  f"(n = %{{customdata[1]}})<extra></extra>", **legend), row=1, col=j + 1)
    rel = relatedness_key(df)
    x_title = tr("fig.relatedness", name=rel.split(".", 1)[1]) if rel else tr("fig.all_runs")
    fig.update_xaxes(title_text=x_title)
    if len(xs) == 1:
        fig.update_xaxes(tickvals=xs, ticktext=[f"{xs[0]:g}" if rel else ""], range=[xs[0] - 1, xs[0] + 1])
    fig.update_yaxes(title_text=tr("fig.val_auc" if metric == "val_auc" else "fig.val_loss"), row=1, col=1)
    for j, ann in enumerate(fig.layout.annotations):
        ann.font = dict(color=task_color(j), size=FONT_SIZE + 1)
    fig = finish(fig, title, height=440)
    if len(variants) > 1:
        fig.update_layout(legend=dict(orientation="h", y=-0.22, yanchor="top", x=0, xanchor="left"),
                          margin=dict(b=100))
    return fig


def summary_table(df: pd.DataFrame, *, tr: Translator = EN) -> pd.DataFrame:
    """mean ± sd per (variant, relatedness, task) for the page: validation loss, AUC for binary tasks."""
    if "variant" not in df.columns:
        df = with_variants(df)
    loss = summary_frame(df, "val_loss")
    out = pd.DataFrame()
    if (df["variant"] != "").any():
        out[tr("study.col.variant")] = loss["variant"]
    rel = relatedness_key(df)
    if rel:
        out[rel.split(".", 1)[1]] = loss["x"].map(lambda v: f"{v:g}")
    out[tr("study.col.task")] = loss["task"]
    out[tr("study.col.runs")] = loss["count"].astype(int)
    out[tr("study.col.val_loss")] = [f"{m:.4f} ± {s:.4f}" if n else "—"
                                     for m, s, n in zip(loss["mean"], loss["std"], loss["count"])]
    if "val_auc" in df.columns and pd.to_numeric(df["val_auc"], errors="coerce").notna().any():
        auc = summary_frame(df.assign(val_auc=pd.to_numeric(df["val_auc"], errors="coerce")), "val_auc")
        auc = loss[["variant", "x", "task"]].merge(auc, on=["variant", "x", "task"], how="left")
        out[tr("study.col.val_auc")] = [f"{m:.4f} ± {s:.4f}" if np.isfinite(m) else "—"
                                        for m, s in zip(auc["mean"].fillna(np.nan), auc["std"].fillna(0.0))]
    out[tr("study.col.diverged")] = loss["diverged"].astype(int)
    return out
