"""The Experiments section's figures and tables of the MMoE paper's studies (label correlation vs ρ, loss vs
step per ρ, final loss vs ρ, trainability, gate separation, difficulty); the claim verdicts' tables are in
`figures.claims`, the Census-Income comparison in `figures.census`. Pure: DataFrames in (the records' results, or what
`app.sections.experiments.results` derives from them), `go.Figure` or DataFrame out; a model keeps its
colour in every chart.
"""
from __future__ import annotations

import functools
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import EN, Translator
from .style import (FONT_SIZE, MUTED_COLOR, NEUTRAL_COLOR, distinct_colors, finish, log_axis, message_figure, rgba,
                    series_style)

# One colour per architecture, stable across the section's charts: hand-picked (Okabe-Ito first) for those the
# paper's charts show; every other registered architecture gets a distinct one (`distinct_colors`).
ARCH_COLORS = {"shared_bottom": "#D55E00", "omoe": "#E69F00", "mmoe": "#0072B2", "cgc": "#009E73",
               "ple": "#CC79A7", "single_task": "#6E6E6E", "cross_stitch": "#56B4E9", "asymmetric": "#8C6D1F",
               "snr": "#1B3F8B", "dselect_k": "#7CC8A8", "aitm": "#000000"}
IDENTITY_COLOR = "#1F2328"


@functools.lru_cache(maxsize=1)
def arch_colors() -> dict[str, str]:
    """{architecture id: colour} for every registered architecture."""
    from mtl_core.models import ARCHITECTURES

    return distinct_colors(ARCHITECTURES, pinned=ARCH_COLORS)


def arch_color(arch: str) -> str:
    return arch_colors().get(arch, NEUTRAL_COLOR)


def _name(names: Mapping[str, str], arch: str) -> str:
    return names.get(arch, arch)


def _band(x, lo, hi, color: str, group: str, alpha: float = 0.18) -> go.Scatter:
    x, lo, hi = list(x), list(lo), list(hi)
    return go.Scatter(x=x + x[::-1], y=hi + lo[::-1], mode="lines", fill="toself", fillcolor=rgba(color, alpha),
                      line=dict(width=0), hoverinfo="skip", showlegend=False, legendgroup=group)


def _rho_axis(rhos) -> dict:
    """The ρ axis spans the study's ρ values with a margin (the paper's 0.5-1 fills the plot), or [0, 1] while a
    study's first results have one ρ in it, so they do not draw on an axis of ±1 around it."""
    r = pd.to_numeric(pd.Series(rhos), errors="coerce").dropna()
    if not len(r):
        return {}
    lo, hi = float(r.min()), float(r.max())
    if hi > lo:
        pad = 0.05 * (hi - lo)
        return {"range": [lo - pad, hi + pad]}
    return {"range": [-0.05, 1.05]} if 0 <= lo <= 1 else {}


def _quantiles(df: pd.DataFrame, by: list[str], col: str) -> pd.DataFrame:
    """Per group: median, q1, q3, mean and count of the finite values of `col`."""
    d = df[np.isfinite(pd.to_numeric(df[col], errors="coerce"))]
    g = d.groupby(by, sort=True)[col]
    out = pd.DataFrame({"median": g.median(), "q1": g.quantile(0.25), "q3": g.quantile(0.75), "mean": g.mean(),
                        "n": g.size()}).reset_index()
    return out


# ---- 1. label correlation vs ρ (paper Fig. 2) -----------------------------------------------------------------
def label_correlation_figure(df: pd.DataFrame, tr: Translator = EN) -> go.Figure:
    """Measured Pearson correlation of the two labels against ρ: mean ± 2 sd over data draws (band) and the
    identity line. `df`: rho, mean, lower, upper, n_draws (`mtl_core.experiments.correlation`)."""
    title = tr("exp.fig.lc_title")
    if df is None or df.empty:
        return message_figure(title, tr("fig.no_data"))
    d = df.sort_values("rho")
    color = "#0072B2"
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[-1, 1], y=[-1, 1], mode="lines",
                             line=dict(color=IDENTITY_COLOR, width=1.5, dash="dash"),
                             name=tr("exp.fig.identity"), hoverinfo="skip"))
    band = _band(d["rho"], d["lower"], d["upper"], color, "corr", 0.2)
    band.update(name=tr("exp.fig.two_sd"), showlegend=True)
    fig.add_trace(band)
    fig.add_trace(go.Scatter(x=d["rho"], y=d["mean"], mode="lines+markers", line=dict(color=color, width=3),
                             marker=dict(size=7), name=tr("exp.fig.lc_mean"),
                             customdata=np.stack([d["lower"], d["upper"], d["n_draws"]], -1),
                             hovertemplate="ρ = %{x:.2f}: %{y:.3f} (± 2 sd: %{customdata[0]:.3f} … "
                                           "%{customdata[1]:.3f}, %{customdata[2]} draws)<extra></extra>"))
    fig.update_xaxes(title_text=tr("exp.fig.rho_axis"), range=[-1.05, 1.05], zeroline=True)
    fig.update_yaxes(title_text=tr("exp.fig.lc_axis"), range=[-1.05, 1.05])
    return finish(fig, title, height=420)


# ---- 2. correlation sweep ---------------------------------------------------------------------------------------
def loss_curves_figure(curves: pd.DataFrame, names: Mapping[str, str], tr: Translator = EN,
                       rho_col: str = "data.rho") -> go.Figure:
    """Validation loss against training step, one panel per ρ: the median over seeds (line) and the
    inter-quartile range (band) of each architecture. `curves`: arch, seed, data.rho, step, val_loss."""
    title = tr("exp.fig.curves_title")
    if curves is None or curves.empty or rho_col not in curves.columns or curves["val_loss"].notna().sum() == 0:
        return message_figure(title, tr("fig.no_data"))
    d = curves.assign(rho=pd.to_numeric(curves[rho_col], errors="coerce"))
    d = d[d["step"] > 0]
    rhos = sorted(d["rho"].dropna().unique())
    archs = list(dict.fromkeys(d["arch"]))
    q = _quantiles(d, ["arch", "rho", "step"], "val_loss")
    fig = make_subplots(rows=1, cols=len(rhos), shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=[f"ρ = {r:g}" for r in rhos])
    for j, rho in enumerate(rhos, start=1):
        for k, arch in enumerate(archs):
            s = q[(q.arch == arch) & (q.rho == rho)].sort_values("step")
            if s.empty:
                continue
            color, name = arch_color(arch), _name(names, arch)
            fig.add_trace(_band(s["step"], s["q1"], s["q3"], color, arch), row=1, col=j)
            dash = series_style(k, len(archs))["dash"]
            fig.add_trace(go.Scatter(x=s["step"], y=s["median"], mode="lines+markers" if len(s) == 1 else "lines",
                                     line=dict(color=color, width=2.5, dash=dash),
                                     name=name, legendgroup=arch, showlegend=j == 1,
                                     customdata=np.stack([s["q1"], s["q3"], s["n"]], -1),
                                     hovertemplate=f"{name} · ρ = {rho:g}<br>{tr('exp.fig.step')} %{{x}}: "
                                                   f"%{{y:.4f}} (IQR %{{customdata[0]:.4f}} … %{{customdata[1]:.4f}}, "
                                                   f"n = %{{customdata[2]}})<extra></extra>"),
                          row=1, col=j)
    # from step 0: a first snapshot (one step, one loss per model) would otherwise get an axis of ±1 step around it
    fig.update_xaxes(title_text=tr("exp.fig.step"), rangemode="tozero")
    fig.update_yaxes(**log_axis(q[["q1", "q3", "median"]].to_numpy().ravel()))  # 0.05, 0.1, 0.2: not a bare "2"
    fig.update_yaxes(title_text=tr("exp.fig.val_loss_axis"), row=1, col=1)
    fig.update_layout(legend=dict(y=1.12), margin=dict(t=110))
    return finish(fig, title, height=400)


def final_loss_figure(runs: pd.DataFrame, names: Mapping[str, str], tr: Translator = EN,
                      loss_label: str | None = None) -> go.Figure:
    """Final loss against ρ per architecture: median (solid line), inter-quartile range (band) and mean
    (dashed, diamonds). `runs`: one row per run with arch, rho, loss (NaN for diverged runs)."""
    title = tr("exp.fig.final_title")
    if runs is None or runs.empty or runs["loss"].notna().sum() == 0:
        return message_figure(title, tr("fig.no_data"))
    q = _quantiles(runs, ["arch", "rho"], "loss")
    fig = go.Figure()
    for arch in dict.fromkeys(runs["arch"]):
        s = q[q.arch == arch].sort_values("rho")
        if s.empty:
            continue
        color, name = arch_color(arch), _name(names, arch)
        if len(s) > 1:
            fig.add_trace(_band(s["rho"], s["q1"], s["q3"], color, arch))
        fig.add_trace(go.Scatter(x=s["rho"], y=s["median"], mode="lines+markers", line=dict(color=color, width=3),
                                 marker=dict(size=9), name=tr("exp.fig.median_of", name=name), legendgroup=arch,
                                 error_y=dict(type="data", symmetric=False, array=s["q3"] - s["median"],
                                              arrayminus=s["median"] - s["q1"], visible=len(s) == 1),
                                 customdata=np.stack([s["q1"], s["q3"], s["mean"], s["n"]], -1),
                                 hovertemplate=f"{name} · ρ = %{{x:g}}<br>{tr('exp.fig.median')} %{{y:.4f}}, IQR "
                                               f"%{{customdata[0]:.4f}} … %{{customdata[1]:.4f}}, {tr('exp.fig.mean')} "
                                               f"%{{customdata[2]:.4f}} (n = %{{customdata[3]}})<extra></extra>"))
        fig.add_trace(go.Scatter(x=s["rho"], y=s["mean"], mode="lines+markers",
                                 line=dict(color=color, width=1.5, dash="dash"), marker=dict(symbol="diamond", size=8),
                                 name=tr("exp.fig.mean_of", name=name), legendgroup=arch,
                                 hovertemplate=f"{name} · ρ = %{{x:g}}<br>{tr('exp.fig.mean')} %{{y:.4f}}"
                                               "<extra></extra>"))
    fig.update_xaxes(title_text=tr("exp.fig.rho_short"), **_rho_axis(runs["rho"]))
    fig.update_yaxes(title_text=loss_label or tr("exp.fig.test_loss_axis"))
    fig.update_layout(legend=dict(y=1.14), margin=dict(t=120))
    return finish(fig, title, height=440)


def param_table(counts: Mapping[str, tuple[int, int]], names: Mapping[str, str], reference: str = "mmoe",
                tr: Translator = EN) -> pd.DataFrame:
    """Parameters of each architecture: all weights, the paper's count (weights of the hidden layers) and
    that count relative to `reference`'s."""
    ref = counts.get(reference, (0, 0))[1]
    rows = []
    for arch, (n_all, n_paper) in counts.items():
        rows.append({tr("exp.col.model"): _name(names, arch), tr("exp.col.params"): f"{n_all:,}",
                     tr("exp.col.params_paper"): f"{n_paper:,}",
                     tr("exp.col.vs_ref", ref=_name(names, reference)): f"{n_paper / ref:.2f}×" if ref else "—"})
    return pd.DataFrame(rows)


# ---- 3. trainability (paper Fig. 5) -----------------------------------------------------------------------------
def trainability_figure(runs: pd.DataFrame, rho: float, names: Mapping[str, str], tr: Translator = EN,
                        loss_label: str | None = None) -> go.Figure:
    """Distribution of the final loss over runs per architecture at one ρ: a violin and every run as a dot
    (hover: seed and loss); failed runs (`failed`: a collapsed task or a loss over 3× the median; else
    `collapsed`) are crosses, diverged runs are counted under the model's name (they have no loss). Log
    scale: a failed run's loss is ten times the others'."""
    title = tr("exp.fig.trn_title", rho=f"{rho:g}")
    if runs is None or runs.empty:
        return message_figure(title, tr("fig.no_data"))
    d = runs[np.isclose(runs["rho"].astype(float), float(rho))]
    if d.empty:
        return message_figure(title, tr("fig.no_data"))
    flag = "failed" if "failed" in d.columns else "collapsed"
    fig = go.Figure()
    labels = []
    for i, arch in enumerate(dict.fromkeys(d["arch"])):
        g = d[d["arch"] == arch]
        ok = g[g["loss"].notna()]
        color, name = arch_color(arch), _name(names, arch)
        n_bad, n_div = int(g[flag].sum()), int((g["status"] != "ok").sum())
        labels.append(f"<b>{name}</b><br>" + tr("exp.fig.trn_counts", n=len(g), failed=n_bad, diverged=n_div))
        if len(ok) > 2:
            fig.add_trace(go.Violin(x=[i] * len(ok), y=ok["loss"], name=name, legendgroup=arch, showlegend=False,
                                    line=dict(color=color, width=1.5), fillcolor=rgba(color, 0.15), points=False,
                                    spanmode="hard", hoverinfo="skip", meanline=dict(visible=True), width=0.8))
        jitter = np.random.default_rng(i).uniform(-0.18, 0.18, len(ok))
        for collapsed, symbol, alpha in ((False, "circle", 0.6), (True, "x", 0.95)):
            mask = (ok[flag].astype(bool) == collapsed).to_numpy()
            part = ok[mask]
            if part.empty:
                continue
            fig.add_trace(go.Scatter(
                x=i + jitter[mask], y=part["loss"], mode="markers", legendgroup=arch, showlegend=False,
                marker=dict(color=rgba(color, alpha), size=7 if not collapsed else 10, symbol=symbol),
                customdata=np.stack([part["seed"], part["loss"]], -1),
                hovertemplate=f"{name} · {tr('fig.seed')} %{{customdata[0]}}: %{{customdata[1]:.4f}}"
                              + (f" · {tr('exp.fig.collapsed')}" if collapsed else "") + "<extra></extra>"))
    fig.update_xaxes(tickvals=list(range(len(labels))), ticktext=labels, range=[-0.6, len(labels) - 0.4])
    fig.update_yaxes(**log_axis(d["loss"], title_text=loss_label or tr("exp.fig.test_loss_axis")))
    fig.add_annotation(text=tr("exp.fig.trn_legend"), x=1.0, y=1.0, xref="paper", yref="paper", xanchor="right",
                       yanchor="bottom", showarrow=False, font=dict(size=FONT_SIZE - 2, color=MUTED_COLOR))
    fig.update_layout(margin=dict(b=80))
    return finish(fig, title, height=460)


# ---- 4. gate separation -------------------------------------------------------------------------------------------
def gate_distance_figure(gates: pd.DataFrame, names: Mapping[str, str], tr: Translator = EN,
                         rho_col: str = "data.rho") -> go.Figure:
    """Jensen–Shannon distance between the two tasks' mean gates against ρ: every run a dot, the median
    (line) and inter-quartile range (band) per architecture. `gates`: arch, seed, data.rho, distance."""
    title = tr("exp.fig.gates_title")
    if gates is None or gates.empty or gates["distance"].notna().sum() == 0:
        return message_figure(title, tr("fig.no_data"))
    d = gates.assign(rho=pd.to_numeric(gates[rho_col], errors="coerce"))
    rhos = sorted(d["rho"].dropna().unique())
    spacing = min(np.diff(rhos)) if len(rhos) > 1 else 1.0
    archs = list(dict.fromkeys(d["arch"]))
    q = _quantiles(d, ["arch", "rho"], "distance")
    fig = go.Figure()
    for k, arch in enumerate(archs):
        color, name = arch_color(arch), _name(names, arch)
        s = q[q.arch == arch].sort_values("rho")
        runs = d[(d.arch == arch) & d["distance"].notna()]
        offset = (k - (len(archs) - 1) / 2) * 0.06 * spacing
        if len(s) > 1:
            fig.add_trace(_band(s["rho"], s["q1"], s["q3"], color, arch, 0.12))
        if len(runs):
            fig.add_trace(go.Scatter(x=runs["rho"] + offset, y=runs["distance"], mode="markers", legendgroup=arch,
                                     showlegend=False, marker=dict(color=rgba(color, 0.45), size=6),
                                     customdata=np.stack([runs["seed"], runs["rho"]], -1),
                                     hovertemplate=f"{name} · ρ = %{{customdata[1]:g}} · {tr('fig.seed')} "
                                                   f"%{{customdata[0]}}: %{{y:.3f}}<extra></extra>"))
        style = series_style(k, len(archs))
        fig.add_trace(go.Scatter(x=s["rho"], y=s["median"], mode="lines+markers",
                                 line=dict(color=color, width=3, dash=style["dash"]),
                                 marker=dict(size=9, symbol=style["symbol"]), name=name, legendgroup=arch,
                                 customdata=np.stack([s["q1"], s["q3"], s["n"]], -1),
                                 hovertemplate=f"{name} · ρ = %{{x:g}}<br>{tr('exp.fig.median')} %{{y:.3f}} (IQR "
                                               f"%{{customdata[0]:.3f}} … %{{customdata[1]:.3f}}, n = "
                                               f"%{{customdata[2]}})<extra></extra>"))
    fig.update_xaxes(title_text=tr("exp.fig.rho_short"), **_rho_axis(rhos))
    fig.update_yaxes(title_text=tr("exp.fig.js_axis"), rangemode="tozero")
    return finish(fig, title, height=420)


def gate_trend(gates: pd.DataFrame, rho_col: str = "data.rho") -> pd.DataFrame:
    """Per architecture: median distance at the lowest and the highest ρ, and the Spearman correlation
    between ρ and the distance over every run (negative = gates separate as tasks become less related)."""
    rows = []
    if gates is None or gates.empty:
        return pd.DataFrame(columns=["arch", "rho_low", "rho_high", "low", "high", "spearman", "runs"])
    d = gates.assign(rho=pd.to_numeric(gates[rho_col], errors="coerce")).dropna(subset=["distance", "rho"])
    for arch, g in d.groupby("arch", sort=False):
        lo, hi = g["rho"].min(), g["rho"].max()
        rank = g[["rho", "distance"]].rank()
        rs = float(rank["rho"].corr(rank["distance"])) if g["rho"].nunique() > 1 and len(g) > 2 else float("nan")
        rows.append({"arch": arch, "rho_low": lo, "rho_high": hi, "low": float(g[g.rho == lo]["distance"].median()),
                     "high": float(g[g.rho == hi]["distance"].median()), "spearman": rs, "runs": len(g)})
    return pd.DataFrame(rows)


# ---- 5. difficulty ------------------------------------------------------------------------------------------------
def difficulty_figure(deg: pd.DataFrame, knob_label: str, names: Mapping[str, str], tr: Translator = EN,
                      rho_high: float = 1.0, rho_low: float = 0.5) -> go.Figure:
    """How much each architecture's loss rises from ρ = rho_high to rho_low (± 1 standard error), for each
    value of a data knob: grouped bars. `deg`: value, arch, degradation, se (`results.degradation`)."""
    title = tr("exp.fig.diff_title", high=f"{rho_high:g}", low=f"{rho_low:g}")
    if deg is None or deg.empty:
        return message_figure(title, tr("fig.no_data"))
    values = [str(v) for v in dict.fromkeys(deg["value"])]
    fig = go.Figure()
    for arch in dict.fromkeys(deg["arch"]):
        s = deg[deg["arch"] == arch]
        color, name = arch_color(arch), _name(names, arch)
        fig.add_trace(go.Bar(x=[str(v) for v in s["value"]], y=s["degradation"], name=name, marker_color=color,
                             error_y=dict(type="data", array=s["se"], color=MUTED_COLOR, thickness=1.2),
                             customdata=np.stack([s["high"], s["low"], s["se"]], -1),
                             hovertemplate=f"{name} · {knob_label} = %{{x}}<br>%{{customdata[0]:.4f}} → "
                                           f"%{{customdata[1]:.4f}}: %{{y:+.4f}} ± %{{customdata[2]:.4f}}"
                                           "<extra></extra>"))
    fig.update_xaxes(title_text=knob_label, type="category", categoryorder="array", categoryarray=values)
    fig.update_yaxes(title_text=tr("exp.fig.diff_axis", high=f"{rho_high:g}", low=f"{rho_low:g}"), zeroline=True,
                     zerolinecolor=MUTED_COLOR)
    fig.update_layout(barmode="group", bargap=0.25)
    return finish(fig, title, height=420)


def difficulty_table(deg: pd.DataFrame, knob_label: str, names: Mapping[str, str], ratio: float = 2.0,
                     tr: Translator = EN) -> pd.DataFrame:
    """Per knob value: each model's degradation, Shared-Bottom's and OMoE's as multiples of MMoE's, and
    claim (b)'s outcome there (`degradation`'s claim_b column: the one rule, paired by seed)."""
    rows = []
    for value, g in deg.groupby("value", sort=False):
        by = dict(zip(g["arch"], g["degradation"]))
        row = {knob_label: str(value)}
        for arch in ("shared_bottom", "omoe", "mmoe"):
            row[_name(names, arch)] = f"{by[arch]:+.4f}" if arch in by else "—"
        mm = by.get("mmoe", np.nan)
        times = {a: by[a] / mm for a in ("shared_bottom", "omoe") if a in by} if mm > 0 else {}
        row[tr("exp.col.times_mmoe")] = ", ".join(f"{_name(names, a)} {t:.1f}×" for a, t in times.items()) or "—"
        outcome = str(g["claim_b"].iloc[0]) if "claim_b" in g else "unclear"  # claims.claim_b, paired by seed
        row[tr("exp.col.claim_b")] = tr({"holds": "exp.v.holds", "fails": "exp.v.fails"}.get(outcome, "exp.v.unclear"))
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["label_correlation_figure", "loss_curves_figure", "final_loss_figure", "param_table",
           "trainability_figure", "gate_distance_figure", "gate_trend", "difficulty_figure", "difficulty_table",
           "arch_color", "ARCH_COLORS"]
