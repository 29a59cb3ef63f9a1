"""Drawing a figure in the page: one place for the Plotly toolbar config and the theme.

Figures come styled by the house template (`app.figures.style`), so they are drawn with `theme=None`:
Streamlit's own chart theme would override the template's fonts, margins and legend.
"""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from .live_chart import live_chart

# "Share chart..." (sendChartToCloud) would upload the figure to Plotly's cloud: never offered
PLOTLY_CONFIG = {"displaylogo": False,
                 "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendDataToCloud", "sendChartToCloud"]}


def chart(fig: go.Figure, caption: str | None = None, *, live_key: str | None = None, **kw) -> None:
    """`live_key`: a chart that a running job redraws several times a second, updated in place under that
    key (`app.ui.live_chart`) instead of being mounted anew for every new figure."""
    if live_key is not None:
        live_chart(fig, live_key, PLOTLY_CONFIG)
    else:
        st.plotly_chart(fig, config=PLOTLY_CONFIG, theme=None, **kw)
    if caption:
        st.caption(caption)
