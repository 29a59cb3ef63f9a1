"""The funnel explorer's figures: the funnel of the current data, the probability decomposition against
the truth, calibration and bias of pCVR on clicked vs unclicked impressions, validation curves while
training, and the metrics table with the ESMM paper's Ali-CCP numbers beside it. Pure: data in (dicts,
DataFrames from `mtl_core.experiments.funnel`), `go.Figure` or DataFrame out; a model keeps its colour
in every chart.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import EN, Translator
from .style import FONT_SIZE, MUTED_COLOR, NEUTRAL_COLOR, finish, message_figure, rgba

# One colour, dash and marker per compared model, stable across charts: ten colour-blind-safe colours (Okabe-Ito,
# then Paul Tol's), and since no ten colours stay apart for every eye, a variant (ESMM-NS, AITM without its
# calibrator, ...) also differs from its base model by dash and marker.
MODEL_STYLES = {
    "naive": ("#D55E00", "solid", "circle"), "naive_shared": ("#882255", "dash", "circle-open"),
    "esmm": ("#0072B2", "solid", "square"), "esmm_ns": ("#56B4E9", "dash", "square-open"),
    "esmm_mmoe": ("#332288", "dot", "triangle-up"), "esmm_ple": ("#999933", "dashdot", "triangle-down"),
    "aitm": ("#009E73", "solid", "diamond"), "aitm_nocal": ("#CC79A7", "dot", "diamond-open"),
    "ipw": ("#E69F00", "dashdot", "x"), "escm2_ipw": ("#000000", "dash", "star"),
}
MODEL_COLORS = {mid: style[0] for mid, style in MODEL_STYLES.items()}
TRUTH_COLOR = "#1F2328"


def model_color(mid: str) -> str:
    return MODEL_COLORS.get(mid, NEUTRAL_COLOR)


def model_line(mid: str, width: float = 2.5) -> dict:
    """Scatter properties that tell model `mid` apart: its colour, dash and marker symbol."""
    color, dash, symbol = MODEL_STYLES.get(mid, (NEUTRAL_COLOR, "solid", "circle"))
    return dict(line=dict(color=color, width=width, dash=dash), marker=dict(color=color, size=8, symbol=symbol,
                                                                         line=dict(color=color, width=1.5)))


# ---- 1. the funnel of the data -----------------------------------------------------------------------------
def funnel_figure(meta: Mapping, tr: Translator = EN) -> go.Figure:
    """Impressions → clicks → conversions with counts, the rate of each step, and the selection bias
    (true pCVR of clicked impressions vs of all impressions)."""
    title = tr("fx.fig.funnel_title")
    if not meta:
        return message_figure(title, tr("fig.no_data"))
    n, c, v = int(meta["n_impressions"]), int(meta["n_clicks"]), int(meta["n_conversions"])
    labels = [tr("fx.fig.impressions"), tr("fx.fig.clicks"), tr("fx.fig.conversions")]
    text = [f"{n:,}", tr("fx.fig.clicks_text", n=f"{c:,}", rate=100 * c / max(n, 1)),
            tr("fx.fig.conv_text", n=f"{v:,}", rate=100 * v / max(c, 1))]
    fig = go.Figure(go.Funnel(y=labels, x=[n, c, v], text=text, textinfo="text", textposition="outside",
                              marker=dict(color=["#9AA0A6", "#0072B2", "#009E73"]),
                              connector=dict(fillcolor="#EEF1F5"), cliponaxis=False,
                              hovertemplate="%{y}: %{x:,}<extra></extra>"))
    fig.update_xaxes(visible=False)
    fig.add_annotation(
        text=tr("fx.fig.bias_note", clicked=meta["mean_true_pcvr_clicked"], all=meta["mean_true_pcvr_all"],
                total=100 * v / max(n, 1)),
        x=1.0, y=-0.02, xref="paper", yref="paper", xanchor="right", yanchor="top", showarrow=False,
        align="right", font=dict(size=FONT_SIZE - 2, color=MUTED_COLOR))
    fig.update_layout(margin=dict(l=110, r=30, t=60, b=60))
    return finish(fig, title, height=300)


# ---- 2. the decomposition ---------------------------------------------------------------------------------
def decomposition_figure(sample: pd.DataFrame, model_id: str, model_name: str, tr: Translator = EN) -> go.Figure:
    """Predicted (dots) vs true (line) pCTR, pCVR and pCTCVR for a sample of impressions sorted by their
    true pCTCVR; the last panel also draws pCTR × pCVR (rings), which sit exactly on the model's pCTCVR.
    `sample` columns: true_pctr, true_pcvr, pctr, pcvr, pctcvr, click (0/1)."""
    title = tr("fx.fig.decomp_title", model=model_name)
    if sample is None or sample.empty:
        return message_figure(title, tr("fig.no_data"))
    s = sample.assign(true_pctcvr=sample.true_pctr * sample.true_pcvr).sort_values("true_pctcvr")
    x = np.arange(len(s))
    color = model_color(model_id)
    rows = (("pctr", "true_pctr", "fx.fig.pctr"), ("pcvr", "true_pcvr", "fx.fig.pcvr"),
            ("pctcvr", "true_pctcvr", "fx.fig.pctcvr"))
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.07, subplot_titles=[tr(k) for *_, k in rows])
    clicked = s["click"].to_numpy() > 0.5
    for col, (pred, true, key) in enumerate(rows, start=1):
        fig.add_trace(go.Scatter(x=x, y=s[true], mode="lines", line=dict(color=TRUTH_COLOR, width=2.5),
                                 name=tr("fx.fig.truth"), legendgroup="truth", showlegend=col == 1,
                                 hovertemplate=f"{tr('fx.fig.truth')} %{{y:.4f}}<extra></extra>"), row=1, col=col)
        for mask, symbol, label in ((~clicked, "circle", "fx.fig.unclicked"), (clicked, "diamond", "fx.fig.clicked")):
            fig.add_trace(go.Scatter(
                x=x[mask], y=s[pred].to_numpy()[mask], mode="markers",
                marker=dict(color=rgba(color, 0.75), size=6 if symbol == "circle" else 8, symbol=symbol),
                name=f"{model_name} · {tr(label)}", legendgroup=label, showlegend=col == 1,
                hovertemplate=f"{model_name} · {tr(label)} %{{y:.4f}}<extra></extra>"), row=1, col=col)
    product = (s["pctr"] * s["pcvr"]).to_numpy()
    fig.add_trace(go.Scatter(x=x, y=product, mode="markers", name=tr("fx.fig.product"),
                             marker=dict(symbol="circle-open", size=11, color=TRUTH_COLOR, line=dict(width=1)),
                             hovertemplate=f"{tr('fx.fig.product')} %{{y:.4f}}<extra></extra>"), row=1, col=3)
    fig.update_yaxes(type="log", tickformat=".2~g")
    fig.update_yaxes(title_text=tr("fx.fig.probability"), row=1, col=1)
    fig.update_xaxes(title_text=tr("fx.fig.sorted"), showticklabels=False)
    fig.update_annotations(font=dict(size=FONT_SIZE))
    fig.update_layout(legend=dict(y=1.13), margin=dict(t=110))
    return finish(fig, title, height=450)


# ---- 3. bias on the entire space --------------------------------------------------------------------------------
def calibration_figure(curves: pd.DataFrame, names: Mapping[str, str], tr: Translator = EN) -> go.Figure:
    """Mean true pCVR against mean predicted pCVR in bins of the prediction, on clicked (left) and unclicked
    (right) impressions: points right of the diagonal over-estimate, left of it under-estimate.
    `curves` columns: model (id), space ("clicked" | "unclicked"), predicted, true."""
    title = tr("fx.fig.calib_title")
    if curves is None or curves.empty:
        return message_figure(title, tr("fig.no_data"))
    spaces = ("clicked", "unclicked")
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.08,
                        subplot_titles=[tr(f"fx.fig.space_{s}") for s in spaces], shared_yaxes=True)
    lo = max(1e-4, float(min(curves.predicted.min(), curves.true.min())) * 0.8)
    hi = min(1.0, float(max(curves.predicted.max(), curves.true.max())) * 1.2)
    for col, space in enumerate(spaces, start=1):
        fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", line=dict(color=NEUTRAL_COLOR, dash="dot"),
                                 name=tr("fx.fig.perfect"), showlegend=col == 1, hoverinfo="skip"), row=1, col=col)
        part = curves[curves.space == space]
        for mid in dict.fromkeys(part.model):
            c = part[part.model == mid]
            fig.add_trace(go.Scatter(
                x=c.predicted, y=c.true, mode="lines+markers", name=names.get(mid, mid), legendgroup=mid,
                showlegend=col == 1, opacity=0.9, **model_line(mid),
                hovertemplate=f"{names.get(mid, mid)}<br>{tr('fx.fig.pred_pcvr')} %{{x:.4f}}<br>"
                              f"{tr('fx.fig.true_pcvr')} %{{y:.4f}}<extra></extra>"), row=1, col=col)
    fig.update_xaxes(type="log", range=[np.log10(lo), np.log10(hi)], title_text=tr("fx.fig.pred_pcvr"),
                     tickformat=".2~g")
    fig.update_yaxes(type="log", range=[np.log10(lo), np.log10(hi)], tickformat=".2~g")
    fig.update_yaxes(title_text=tr("fx.fig.true_pcvr"), row=1, col=1)
    fig.update_annotations(font=dict(size=FONT_SIZE))
    fig.update_layout(legend=dict(y=1.13), margin=dict(t=110))  # above the two panel titles
    return finish(fig, title, height=450)


def bias_figure(table: pd.DataFrame, names: Mapping[str, str], tr: Translator = EN) -> go.Figure:
    """Mean predicted − mean true pCVR per model on clicked and on unclicked impressions (± 1 sd over seeds).
    `table`: one row per model id (index) with pcvr_bias_clicked, pcvr_bias_unclicked and their _sd."""
    title = tr("fx.fig.bias_title")
    if table is None or table.empty:
        return message_figure(title, tr("fig.no_data"))
    ids = list(table.index)
    labels = [names.get(m, m) for m in ids]
    fig = go.Figure()
    for space, pattern in (("clicked", ""), ("unclicked", "/")):
        mean, sd = table[f"pcvr_bias_{space}"], table[f"pcvr_bias_{space}_sd"].fillna(0.0)
        fig.add_trace(go.Bar(x=labels, y=mean, name=tr(f"fx.fig.space_{space}"),
                             error_y=dict(type="data", array=sd, visible=True, color=MUTED_COLOR),
                             marker=dict(color=[rgba(model_color(m), 0.45 if space == "clicked" else 0.95)
                                                for m in ids],
                                         pattern_shape=pattern,
                                         line=dict(color=[model_color(m) for m in ids], width=1)),
                             hovertemplate="%{x}: %{y:+.4f}<extra>" + tr(f"fx.fig.space_{space}") + "</extra>"))
    fig.add_hline(y=0, line=dict(color=MUTED_COLOR, width=1))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=tr("fx.fig.bias_axis"), tickformat="+.3f")
    return finish(fig, title, height=380)


# ---- while training ---------------------------------------------------------------------------------------------
def curves_figure(history: pd.DataFrame, names: Mapping[str, str], epochs: int | None = None,
                  tr: Translator = EN) -> go.Figure:
    """Validation entire-space CVR AUC (against the counterfactual labels) per model over epochs, mean over
    seeds. `history` columns: model (id), epoch, val_cvr_auc_entire. Models whose curves coincide (ESMM and
    ESCM²-IPS; AITM with and without its calibrator) stay visible: each has its own dash and marker, the
    lines are slightly transparent and the later-drawn ones thinner, so a line on top of another leaves it
    showing at its edges and through its gaps."""
    title = tr("fx.fig.curves_title")
    if history is None or history.empty:
        return message_figure(title, tr("fig.no_data"))
    fig = go.Figure()
    models = list(dict.fromkeys(history.model))
    for k, mid in enumerate(models):
        h = history[(history.model == mid) & (history.epoch > 0)]
        width = 4.0 - 2.0 * k / max(len(models) - 1, 1)  # 4 px for the first drawn, 2 px for the last
        fig.add_trace(go.Scatter(x=h.epoch, y=h.val_cvr_auc_entire, mode="lines+markers", name=names.get(mid, mid),
                                 opacity=0.85, **model_line(mid, width),
                                 hovertemplate=f"{names.get(mid, mid)}<br>{tr('fig.epoch')} %{{x:.2f}}: "
                                               f"%{{y:.3f}}<extra></extra>"))
    fig.add_hline(y=0.5, line=dict(color=NEUTRAL_COLOR, width=1.5, dash="dot"), annotation_text=tr("fx.fig.chance"),
                  annotation_position="bottom right", annotation_font=dict(size=FONT_SIZE - 2, color=MUTED_COLOR))
    fig.update_xaxes(title_text=tr("fig.epoch"), range=[0, epochs * 1.03] if epochs else None)  # last markers whole
    fig.update_yaxes(title_text=tr("fx.fig.auc_entire"))
    fig = finish(fig, title, height=460)
    # the legend under the plot: seven long names (more in Chinese) above it would run into the title
    fig.update_layout(legend=dict(orientation="h", x=0, xanchor="left", yref="container", y=0.005, yanchor="bottom"),
                      margin=dict(t=60, b=140))
    return fig


# ---- 4. the table -----------------------------------------------------------------------------------------------
TABLE_METRICS = ("cvr_auc_clicked", "cvr_auc_entire", "ctcvr_auc", "pcvr_bias_unclicked", "pcvr_ece_entire")


def metrics_table(table: pd.DataFrame, names: Mapping[str, str], paper: Mapping | None = None,
                  tr: Translator = EN) -> pd.DataFrame:
    """Mean ± sd over seeds per model, one column per metric, and the ESMM paper's Ali-CCP CVR / CTCVR AUC
    (real data, %) beside the models the paper reports."""
    out = pd.DataFrame({tr("fx.col.model"): [names.get(m, m) for m in table.index]})
    for metric in TABLE_METRICS:
        signed = metric.startswith("pcvr_bias")
        fmt = "{:+.4f} ± {:.4f}" if signed else "{:.4f} ± {:.4f}"
        out[tr(f"fx.col.{metric}")] = [fmt.format(m, s if np.isfinite(s) else 0.0)
                                       if np.isfinite(m) else "—"
                                       for m, s in zip(table[metric], table[metric + "_sd"])]
    out[tr("fx.col.seeds")] = [int(n) for n in table["n_seeds"]]
    if paper is not None:
        ref = paper.get("models", {})
        out[tr("fx.col.paper")] = [f"{ref[m]['cvr_auc']:.2f} / {ref[m]['ctcvr_auc']:.2f}" if m in ref else "—"
                                   for m in table.index]
    return out


def gap_figure(regime: pd.DataFrame, tr: Translator = EN) -> go.Figure:
    """Regime map: ESMM − naive entire-space CVR AUC (mean over seeds) for each ID sparsity (x: users = items)
    and selection strength (one line each). `regime` columns: n_ids, selection_strength, gap, gap_sd."""
    title = tr("fx.fig.regime_title")
    if regime is None or regime.empty:
        return message_figure(title, tr("fig.no_data"))
    fig = go.Figure()
    strengths = sorted(regime.selection_strength.unique())
    shades = ["#9ECAE1", "#4292C6", "#08519C", "#08306B"]
    for k, s in enumerate(strengths):
        r = regime[regime.selection_strength == s].sort_values("n_ids")
        fig.add_trace(go.Scatter(x=r.n_ids, y=r.gap, mode="lines+markers", name=tr("fx.fig.strength", s=s),
                                 error_y=dict(type="data", array=r.gap_sd.fillna(0.0), visible=True),
                                 line=dict(color=shades[k % len(shades)], width=2.5), marker=dict(size=8),
                                 hovertemplate=tr("fx.fig.strength", s=s)
                                 + "<br>%{x} × %{x}: %{y:+.3f}<extra></extra>"))
    fig.add_hline(y=0, line=dict(color=MUTED_COLOR, width=1))
    fig.update_xaxes(type="log", title_text=tr("fx.fig.n_ids"), tickvals=sorted(regime.n_ids.unique()))
    fig.update_yaxes(title_text=tr("fx.fig.gap_axis"), tickformat="+.2f")
    return finish(fig, title, height=380)


__all__ = ["MODEL_COLORS", "MODEL_STYLES", "model_color", "model_line", "funnel_figure", "decomposition_figure", "calibration_figure",
           "bias_figure", "curves_figure", "metrics_table", "gap_figure", "TABLE_METRICS"]
