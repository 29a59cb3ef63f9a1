"""Drawing a figure in the page: one place for the Plotly toolbar config and the theme.

Figures come styled by the house template (`app.figures.style`), so they are drawn with `theme=None`:
Streamlit's own chart theme would override the template's fonts, margins and legend.
"""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def chart(fig: go.Figure, caption: str | None = None, **kw) -> None:
    st.plotly_chart(fig, config=PLOTLY_CONFIG, theme=None, **kw)
    if caption:
        st.caption(caption)
