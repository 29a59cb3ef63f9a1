"""Drawing a figure in the page: one place for the Plotly toolbar config and the theme.

Figures come styled by the house template (`app.figures.style`), so they are drawn with `theme=None`:
Streamlit's own chart theme would override the template's fonts, margins and legend.

Every chart, static or live, gets its toolbar from `chart_config`: plotly's "Download plot as png" at three
times the screen's resolution under a file name from the chart's title (sharp on a slide or a projector),
no Plotly logo and never the buttons that upload to Plotly's cloud. The "Download plot as SVG" button
beside it is added on the page by `app.ui.theme` (its click handler cannot travel in the JSON config).
"""
from __future__ import annotations

import re

import plotly.graph_objects as go
import streamlit as st

from .live_chart import live_chart

# "Share chart..." (sendChartToCloud) / "Edit in Chart Studio" would upload the figure to Plotly's cloud
PLOTLY_CONFIG = {"displaylogo": False, "showSendToCloud": False, "showEditInChartStudio": False,
                 "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendDataToCloud", "sendChartToCloud",
                                            "editInChartStudio"],
                 "toImageButtonOptions": {"format": "png", "scale": 3, "filename": "chart"}}


def file_name(fig: go.Figure) -> str:
    """A file name from the figure's title (its words, in any script, joined by "-"), "chart" without one."""
    title = re.sub(r"<[^>]*>", "", str(fig.layout.title.text or ""))
    return re.sub(r"[\W_]+", "-", title).strip("-").lower()[:80] or "chart"


def chart_config(fig: go.Figure) -> dict:
    """The toolbar config of `fig`: PLOTLY_CONFIG with the PNG download named after the chart."""
    return {**PLOTLY_CONFIG, "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"],
                                                      "filename": file_name(fig)}}


def chart(fig: go.Figure, caption: str | None = None, *, live_key: str | None = None, **kw) -> None:
    """`live_key`: a chart that a running job redraws several times a second, updated in place under that
    key (`app.ui.live_chart`) instead of being mounted anew for every new figure."""
    if live_key is not None:
        live_chart(fig, live_key, chart_config(fig))
    else:
        st.plotly_chart(fig, config=chart_config(fig), theme=None, **kw)
    if caption:
        st.caption(caption)
