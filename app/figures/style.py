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

import numpy as np
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
# Colour-blind-safe categorical colours for series that are not tasks: Okabe & Ito without their yellow (too
# light on white), then Paul Tol's "muted" scheme.
SAFE_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#332288", "#117733",
               "#882255", "#999933", "#44AA99", "#AA4499", "#CC6677", "#88CCEE", "#DDCC77")
SERIES_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "hexagon", "triangle-down", "cross",
                  "pentagon", "hourglass", "bowtie")
MANY_SERIES = 5  # past this many series in one chart, colour alone no longer tells them apart
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


def series_style(index: int, count: int) -> dict[str, str]:
    """Dash and marker symbol of series `index` of `count`: solid circles while colours suffice, and past
    MANY_SERIES a dash and a symbol of its own as well, so two series of similar colour still differ (and a
    line drawn over another leaves it visible through its gaps)."""
    if count <= MANY_SERIES:
        return {"dash": "solid", "symbol": "circle"}
    return {"dash": RUN_DASHES[index % len(RUN_DASHES)], "symbol": SERIES_SYMBOLS[index % len(SERIES_SYMBOLS)]}


_LOG_MANTISSAS = ((1, 2, 5), (1, 2, 3, 5), (1, 1.5, 2, 3, 4, 5, 7), (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8))


def log_axis(values, **props) -> dict[str, Any]:
    """A log axis's properties for `values`: ticks at 1, 2, 5 × 10^k when they span a decade or more; below a
    decade, the coarsest round values (1, 2, 5; then 1, 2, 3, 5; ... down to steps of 1.2 × 10^k) of which at
    least four fall in the span; and where even the finest give fewer than three (the first snapshots of a
    run), plotly's own linear steps. ("D2" on a narrow span leaves an axis with a single tick or none.)"""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    axis: dict[str, Any] = {"type": "log", "tickformat": ".2~g"}
    if v.size:
        lo, hi = float(v.min()), float(v.max())
        if hi / lo >= 10.0:
            axis["dtick"] = "D2"
        else:
            decades = range(int(np.floor(np.log10(lo))), int(np.floor(np.log10(hi))) + 1)
            for mantissas in _LOG_MANTISSAS:
                ticks = [t for k in decades for m in mantissas if lo <= (t := float(f"{m * 10.0 ** k:.6g}")) <= hi]
                if len(ticks) >= 4 or (mantissas is _LOG_MANTISSAS[-1] and len(ticks) >= 3):
                    axis["tickvals"] = ticks
                    break
    return {**axis, **props}


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


def text_width(text: str, font: float) -> float:
    """Rough rendered width in px: wide (CJK) characters take a full em, others about half of one."""
    return sum(font if ord(ch) > 0x2E80 else 0.56 * font for ch in text)


LABEL_SPOTS = ("top center", "bottom center", "middle right", "middle left", "top right", "top left",
               "bottom right", "bottom left")


def label_box(x: float, y: float, position: str, text: str, font: float, gap: float) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1; px, y downwards) that plotly's `textposition` puts `text` in beside a marker
    at (x, y) whose edge is `gap` px from its centre."""
    w, h = text_width(text, font), 1.25 * font
    vertical, horizontal = position.split()
    x0 = {"center": x - w / 2, "right": x + gap, "left": x - gap - w}[horizontal]
    y0 = {"top": y - gap - h, "bottom": y + gap, "middle": y - h / 2}[vertical]
    return x0, y0, x0 + w, y0 + h


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(x, y, texts, x_range, y_range, *, size=(800.0, 420.0), font: float = 12.0, marker: float = 14.0,
                 order=None) -> list[str | None]:
    """A `textposition` per point such that no two labels overlap each other or another point's marker, nor
    leave the plot; None where no spot is free (that point's hover still names it). Points are placed in
    `order` (default: farthest from the centre first, where the points worth naming tend to be); each tries
    the spots of LABEL_SPOTS in turn. `size` is the plot area assumed, in px: a narrower chart on the page
    keeps the labels apart as long as it is no smaller than that."""
    (xa, xb), (ya, yb) = x_range, y_range
    w, h = size
    px = [(float(u - xa) / (xb - xa) * w, (1.0 - float(v - ya) / (yb - ya)) * h) for u, v in zip(x, y)]
    half = marker / 2 + 1
    markers = [(u - half, v - half, u + half, v + half) for u, v in px]
    if order is None:
        order = sorted(range(len(px)), key=lambda i: -((px[i][0] / w - 0.5) ** 2 + (px[i][1] / h - 0.5) ** 2))
    placed: list[tuple] = []
    out: list[str | None] = [None] * len(px)
    for i in order:
        if not texts[i]:
            continue
        for spot in LABEL_SPOTS:
            box = label_box(*px[i], spot, texts[i], font, half)
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= w and box[3] <= h
            if inside and not any(_overlap(box, b) for b in placed) and \
                    not any(_overlap(box, m) for k, m in enumerate(markers) if k != i):
                placed.append(box)
                out[i] = spot
                break
    return out
