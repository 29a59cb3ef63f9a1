"""Colours and the common Plotly layout, so every chart looks the same and a task keeps its colour."""
from __future__ import annotations

import plotly.graph_objects as go

# Okabe-Ito: colour-blind safe, strong enough for a projector. Task k always gets TASK_COLORS[k].
TASK_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6D1F", "#000000")
SHARED_COLOR = "#6E6E6E"
NEUTRAL_COLOR = "#9AA0A6"
CONFLICT_FILL = "rgba(213, 94, 0, 0.10)"
# Sequential scale for gate weights (light = small, dark = large); blank cells stay white.
GATE_SCALE = [[0.0, "#F2F0F7"], [0.25, "#CBC9E2"], [0.5, "#9E9AC8"], [0.75, "#6A51A3"], [1.0, "#3F007D"]]
RUN_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
FONT_SIZE = 15


def task_color(index: int) -> str:
    return TASK_COLORS[index % len(TASK_COLORS)]


def group_color(group: str, tasks: tuple[str, ...] | list[str]) -> str:
    """Colour of a task's own block (expert group, gate, tower); grey for shared or unknown groups."""
    return task_color(list(tasks).index(group)) if group in tasks else SHARED_COLOR


def rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {max(0.0, min(1.0, alpha)):.3f})"


def base_layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    fig.update_layout(
        title=dict(text=f"<b>{title}</b>", x=0.01, xanchor="left", y=0.985, yanchor="top",
                   font=dict(size=FONT_SIZE + 3)),  # pinned to the top so a two-row legend fits below
        template="plotly_white", height=height, font=dict(size=FONT_SIZE),
        margin=dict(l=60, r=20, t=90, b=50),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0, font=dict(size=FONT_SIZE - 2)),
        hoverlabel=dict(font_size=FONT_SIZE - 1),
    )
    return fig


def message_figure(title: str, message: str, height: int = 300) -> go.Figure:
    """An empty chart that says why it is empty (no gates, nothing shared, no data yet)."""
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=FONT_SIZE + 1, color=NEUTRAL_COLOR))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, title, height)
