"""The house style: task colours and one Plotly template, `pio.templates["mtl"]`, registered on import.

Every figure builder sets `template="mtl"` (through `finish`, or `make_figure`) instead of repeating
fonts, margins and legend placement; a task keeps its colour in every chart (Okabe-Ito: colour-blind
safe, strong enough for a projector).

The Playground's live views are redrawn several times a second, so their builders write plain Plotly
JSON (traces and layout as dicts) and wrap it with `make_figure`, which skips plotly's per-property
validation, and take subplot grids from `grid` (make_subplots' layout, computed once per shape): far
cheaper than building them through `go` objects, `make_subplots` and `update_layout`. Tests
validate those specs with plotly's own validator (`go.Figure(fig.to_dict())`).
"""
from __future__ import annotations

import copy
import functools
import json
from typing import Any

import plotly.colors
import plotly.graph_objects as go
import plotly.io as pio

TASK_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6D1F", "#000000")
SHARED_COLOR = "#6E6E6E"
NEUTRAL_COLOR = "#9AA0A6"
CONFLICT_FILL = "rgba(213, 94, 0, 0.10)"
# Sequential scale for gate weights (light = small, dark = large); blank cells stay white.
GATE_SCALE = [[0.0, "#F2F0F7"], [0.25, "#CBC9E2"], [0.5, "#9E9AC8"], [0.75, "#6A51A3"], [1.0, "#3F007D"]]
RUN_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
FONT_SIZE = 15
TEMPLATE = "mtl"


def distinct_colors(ids, palette=(), pinned=None) -> dict[str, str]:
    """One colour per id: `pinned` ones keep theirs, the others take, in order, the hand-picked `palette` and
    then plotly's Dark24 colours not taken yet, so an entry registered later (a new strategy, a new
    architecture) still gets a colour of its own."""
    pinned = {i: c.upper() for i, c in (pinned or {}).items()}
    taken = set(pinned.values())
    candidates = dict.fromkeys(c.upper() for c in (*palette, *plotly.colors.qualitative.Dark24))
    pool = [c for c in candidates if c not in taken]
    rest = [i for i in dict.fromkeys(ids) if i not in pinned]
    return {**pinned, **{i: pool[k % len(pool)] for k, i in enumerate(rest)}}


FONT_FAMILY = '"Source Sans", "Source Sans Pro", sans-serif'  # the page's own font, so charts blend in
TEXT_COLOR = "#1F2328"  # .streamlit/config.toml textColor
MUTED_COLOR = "#555A66"  # tick labels
GRID_COLOR = "#E6EAF1"


def _register() -> None:
    """plotly_white with the house fonts, margins, legend and colours (charts are drawn with theme=None,
    so this template, not Streamlit's, decides how they look)."""
    template = go.layout.Template(pio.templates["plotly_white"])
    axis = dict(gridcolor=GRID_COLOR, zerolinecolor=GRID_COLOR, linecolor=GRID_COLOR,
                tickfont=dict(size=FONT_SIZE - 2, color=MUTED_COLOR),
                title=dict(font=dict(size=FONT_SIZE, color=TEXT_COLOR)), automargin=True)
    template.layout.update(
        font=dict(family=FONT_FAMILY, size=FONT_SIZE, color=TEXT_COLOR),
        # the title is pinned to the top so a two-row legend fits below it
        title=dict(x=0.01, xanchor="left", y=0.985, yanchor="top", font=dict(size=FONT_SIZE + 3, color=TEXT_COLOR)),
        margin=dict(l=60, r=20, t=90, b=50),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0,
                    font=dict(size=FONT_SIZE - 2)),
        hoverlabel=dict(font=dict(family=FONT_FAMILY, size=FONT_SIZE - 1)),
        colorway=list(TASK_COLORS),
        xaxis=dict(axis, showgrid=False, zeroline=False), yaxis=axis,
        paper_bgcolor="#FFFFFF", plot_bgcolor="#FFFFFF",
    )
    pio.templates[TEMPLATE] = template


if TEMPLATE not in pio.templates:
    _register()


def task_color(index: int) -> str:
    return TASK_COLORS[index % len(TASK_COLORS)]


def group_color(group: str, tasks: tuple[str, ...] | list[str]) -> str:
    """Colour of a task's own block (expert group, gate, tower); grey for shared or unknown groups."""
    return task_color(list(tasks).index(group)) if group in tasks else SHARED_COLOR


def rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {max(0.0, min(1.0, alpha)):.3f})"


def finish(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    """The house template, a bold title and the height: the only layout every figure shares."""
    fig.update_layout(template=TEMPLATE, title_text=f"<b>{title}</b>", height=height)
    return fig


@functools.lru_cache(maxsize=1)
def _template_json() -> str:
    return json.dumps(pio.templates[TEMPLATE].to_plotly_json())


def make_figure(data: list[dict], layout: dict[str, Any], title: str, height: int) -> go.Figure:
    """A figure from plain Plotly JSON in the house template (what `finish` does for a `go` figure), built
    without plotly's validation: the caller writes valid property names (the tests validate them)."""
    layout = {**layout, "template": json.loads(_template_json()), "title": {"text": f"<b>{title}</b>"},
              "height": height}
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def axis_suffix(k: int) -> str:
    """Subplot k's axis suffix (1-based, row by row): "" for the first, then "2", "3", ..."""
    return "" if k == 1 else str(k)


@functools.lru_cache(maxsize=256)
def _grid_json(rows: int, cols: int, items: tuple) -> str:
    from plotly.subplots import make_subplots

    kw = {k: list(v) if isinstance(v, tuple) else v for k, v in items}
    layout = make_subplots(rows=rows, cols=cols, **kw).layout.to_plotly_json()
    layout.pop("template", None)
    return json.dumps(layout)


def grid(rows: int = 1, cols: int = 1, *, subplot_titles: list[str] | None = None, **kw) -> dict[str, Any]:
    """make_subplots' layout (axis domains and anchors, shared axes, subplot titles) as a fresh dict, computed
    once per shape. Subplot k (1-based, row by row from the top left) draws on axes x{k}/y{k}
    (`axis_suffix`)."""
    items = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kw.items()))
    if subplot_titles is not None:  # placeholders: the titles' positions do not depend on their text
        items += (("subplot_titles", tuple(str(i) for i in range(len(subplot_titles)))),)
    layout = json.loads(_grid_json(rows, cols, items))
    for ann, text in zip(layout.get("annotations", []), subplot_titles or ()):
        ann["text"] = text
    return layout


def update_axes(layout: dict[str, Any], kind: str, which: list[int] | None = None, **props: Any) -> None:
    """Merge `props` into the `kind` ("xaxis" / "yaxis") of subplots `which` (all in the layout if None):
    `fig.update_xaxes(row=, col=)` for a layout dict (one level deep: nested dicts are merged)."""
    names = [kind + axis_suffix(k) for k in which] if which is not None else \
        [k for k in layout if k.startswith(kind) and (k == kind or k[len(kind):].isdigit())] or [kind]
    for name in names:
        axis = layout.setdefault(name, {})
        for key, value in props.items():
            if isinstance(value, dict) and isinstance(axis.get(key), dict):
                axis[key] = {**axis[key], **value}
            else:
                axis[key] = copy.deepcopy(value)


def message_figure(title: str, message: str, height: int = 300) -> go.Figure:
    """An empty chart that says why it is empty (no gates, nothing shared, no data yet)."""
    return make_figure([], {
        "annotations": [dict(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                             font=dict(size=FONT_SIZE + 1, color=NEUTRAL_COLOR))],
        "xaxis": {"visible": False}, "yaxis": {"visible": False}}, title, height)
