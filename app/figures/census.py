"""The Census-Income comparison: our runs' test AUC per architecture and task beside the published
reproductions (torch-rechub, IJANMC 2024), as a figure and a table. Pure: summaries in, `go.Figure` or
DataFrame out."""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import EN, Translator
from .style import finish, message_figure


def _name(names: Mapping[str, str], arch: str) -> str:
    return names.get(arch, arch)


CENSUS_SYMBOLS = {"ours": "circle", "torch-rechub": "diamond", "ijanmc-2024": "square"}


def census_figure(summary: pd.DataFrame, published: pd.DataFrame, names: Mapping[str, str],
                  tr: Translator = EN) -> go.Figure:
    """Test AUC per task and model: ours as mean ± sd over seeds (circles with error bars), the published
    reproductions beside them (other symbols, hover names the source). `summary`: arch, task, mean, sd, n;
    `published`: source, arch, model, income, marital."""
    title = tr("exp.fig.census_title")
    if summary is None or summary.empty:
        return message_figure(title, tr("fig.no_data"))
    tasks = list(dict.fromkeys(summary["task"]))
    archs = list(dict.fromkeys(summary["arch"]))
    labels = [_name(names, a) for a in archs]
    pos = {a: i for i, a in enumerate(archs)}
    titles = [tr(f"exp.task.{t}") if t in ("income", "marital", "education") else t for t in tasks]
    fig = make_subplots(rows=1, cols=len(tasks), subplot_titles=titles, horizontal_spacing=0.09)
    sources = list(dict.fromkeys(published["source"])) if published is not None and not published.empty else []
    width = 0.5 / max(1, len(sources) + 1)  # ours and each source side by side around the model's tick
    for j, task in enumerate(tasks, start=1):
        s = summary[summary["task"] == task].set_index("arch").reindex(archs)
        fig.add_trace(go.Scatter(x=np.arange(len(archs)) - width * len(sources) / 2, y=s["mean"], mode="markers",
                                 name=tr("exp.fig.ours"), legendgroup="ours", showlegend=j == 1,
                                 marker=dict(color="#0072B2", size=12, symbol="circle"),
                                 error_y=dict(type="data", array=s["sd"].fillna(0), color="#0072B2", thickness=1.5),
                                 customdata=[[lab, sd, int(n)] for lab, sd, n in
                                             zip(labels, s["sd"].fillna(0), s["n"].fillna(0))],
                                 hovertemplate=f"{tr('exp.fig.ours')} · %{{customdata[0]}}: %{{y:.4f}} ± "
                                               f"%{{customdata[1]:.4f}} (n = %{{customdata[2]}})<extra></extra>"),
                      row=1, col=j)
        if task not in (published.columns if published is not None else ()):
            continue
        for k, source in enumerate(sources):
            p = published[(published["source"] == source) & published["arch"].isin(archs)].drop_duplicates("arch")
            label = tr(f"exp.src.{source.replace('-', '_')}")
            fig.add_trace(go.Scatter(
                x=[pos[a] - width * len(sources) / 2 + width * (k + 1) for a in p["arch"]], y=p[task],
                mode="markers", legendgroup=source, name=label, showlegend=j == 1,
                marker=dict(color=["#D55E00", "#6E6E6E"][k % 2], size=11, symbol=CENSUS_SYMBOLS.get(source, "square"),
                            line=dict(width=1, color="white")),
                customdata=np.stack([p["model"]], -1),
                hovertemplate=f"{label} · %{{customdata[0]}}: %{{y:.4f}}<extra></extra>"), row=1, col=j)
    fig.update_xaxes(tickvals=list(range(len(archs))), ticktext=labels, range=[-0.6, len(archs) - 0.4])
    fig.update_yaxes(title_text=tr("exp.fig.test_auc"), row=1, col=1)
    fig.update_layout(legend=dict(y=1.14), margin=dict(t=120))
    return finish(fig, title, height=430)


def census_table(summary: pd.DataFrame, published: pd.DataFrame, names: Mapping[str, str],
                 tr: Translator = EN) -> pd.DataFrame:
    """One row per model: our test AUC per task (mean ± sd, n seeds) and the published reproductions'
    income / marital AUCs for the same architecture ("—" where a source has none)."""
    rows = []
    tasks = list(dict.fromkeys(summary["task"]))
    for arch in dict.fromkeys(summary["arch"]):
        row = {tr("exp.col.model"): _name(names, arch)}
        for task in tasks:
            s = summary[(summary.arch == arch) & (summary.task == task)]
            label = tr(f"exp.task.{task}") if task in ("income", "marital", "education") else task
            row[tr("exp.col.ours", task=label)] = (f"{s['mean'].iloc[0]:.4f} ± {s['sd'].iloc[0]:.4f} "
                                                   f"(n = {int(s['n'].iloc[0])})" if len(s) else "—")
        if published is not None and not published.empty:
            for source, p in published.groupby("source", sort=False):
                hit = p[p.arch == arch]
                row[tr(f"exp.src.{source.replace('-', '_')}")] = (
                    f"{hit['income'].iloc[0]:.4f} / {hit['marital'].iloc[0]:.4f}" if len(hit) else "—")
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["census_figure", "census_table", "CENSUS_SYMBOLS"]
