"""The feed world's seesaw: per task, an architecture's MTL gain over single-task models with its 95 % interval
(`mtl_core.experiments.feed.gain_table`). Pure: a table in, a figure out."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..i18n import EN, Translator
from .style import NEUTRAL_COLOR, make_figure, message_figure

WORD_COLORS = {"better": "#009E73", "worse": "#D55E00", "unclear": NEUTRAL_COLOR}


def task_gain_figure(table: pd.DataFrame, *, tr: Translator = EN, title: str | None = None) -> go.Figure:
    """Bars of `gain` per task (AUC points for binary tasks, loss reduction for regression), error bars from
    `low`/`high`, coloured by the verdict `word` (better / worse / unclear)."""
    title = title or tr("fig.gain.title", arch=str(table["arch"].iloc[0]) if len(table) else "")
    if table.empty:
        return message_figure(title, tr("fig.no_data"))
    labels = [f"{t}<br><sub>{tr('fig.gain.auc' if m == 'test_auc' else 'fig.gain.loss')}</sub><br>"
              f"<span style='color:{WORD_COLORS.get(w, NEUTRAL_COLOR)}'><b>{tr(f'fig.gain.word.{w}')}</b></span>"
              for t, m, w in zip(table["task"], table["metric"], table["word"])]
    data = [dict(type="bar", x=labels, y=table["gain"].tolist(),
                 marker=dict(color=[WORD_COLORS.get(w, NEUTRAL_COLOR) for w in table["word"]]),
                 error_y=dict(type="data", symmetric=False, array=(table["high"] - table["gain"]).tolist(),
                              arrayminus=(table["gain"] - table["low"]).tolist(), color="#333333", thickness=1.5),
                 customdata=[tr(f"fig.gain.word.{w}") for w in table["word"]],
                 hovertemplate="%{y:+.4f} (%{customdata})<extra></extra>")]
    layout = {"yaxis": {"title": {"text": tr("fig.gain.axis")}, "zeroline": True, "zerolinewidth": 2},
              "showlegend": False, "margin": {"t": 60, "b": 90}}
    return make_figure(data, layout, title, height=380)
