"""What a class sees on a chart: every series told apart, labels that never overlap, sensible first axes, the
sidebar's CSS and every chart's download options."""
import itertools
import re
import pathlib

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from app.figures.style import place_labels, series_style


# ---- independent helpers: where plotly puts a label, and whether two boxes overlap ---------------------------------
def _box(px, py, position, text, font, gap):
    """A label's box (px, y down) by plotly's textposition, its width at least 0.5 em per character."""
    w, h = 0.5 * font * len(text), 1.2 * font
    vertical, horizontal = position.split()
    x0 = {"center": px - w / 2, "right": px + gap, "left": px - gap - w}[horizontal]
    y0 = {"top": py - gap - h, "bottom": py + gap, "middle": py - h / 2}[vertical]
    return x0, y0, x0 + w, y0 + h


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_labels_are_placed_without_overlap_and_crowded_points_go_unlabelled():
    rng = np.random.default_rng(3)
    x, y = rng.normal(0, 1, 40), rng.normal(0, 1, 40)
    texts = [f"strategy number {i}" for i in range(40)]
    size, font, marker = (800.0, 400.0), 12.0, 14.0
    spots = place_labels(x, y, texts, (-4, 4), (-4, 4), size=size, font=font, marker=marker)
    px = [((u + 4) / 8 * size[0], (1 - (v + 4) / 8) * size[1]) for u, v in zip(x, y)]
    boxes = {i: _box(*px[i], s, texts[i], font, marker / 2 + 1) for i, s in enumerate(spots) if s}
    assert 0 < len(boxes) < 40  # 40 long names in a crowd: some fit, not all
    for (i, a), (j, b) in itertools.combinations(boxes.items(), 2):
        assert not _overlap(a, b), (i, j)
    for i, a in boxes.items():  # no label over another point
        for j, (u, v) in enumerate(px):
            if j != i:
                assert not _overlap(a, (u - 2, v - 2, u + 2, v + 2)), (i, j)
    far = place_labels([-3, 3], [-3, 3], ["a", "b"], (-4, 4), (-4, 4))
    assert all(far)  # room enough: every point labelled


def _seesaw_frame(weightings, archs=("shared_bottom",), seed=0):
    rng = np.random.default_rng(seed)
    rows = [dict(arch=a, weighting=w, gain_a=rng.normal(3, 6), gain_b=rng.normal(-2, 6), sd_a=1.0, sd_b=1.0, n=3,
                 quadrant="seesaw", task_a="task1", task_b="task2") for a in archs for w in weightings]
    return pd.DataFrame(rows)


def test_seesaw_map_one_legend_entry_per_strategy_in_its_registry_colour():
    from app.figures.balance import seesaw_figure, strategy_color
    from mtl_core.weighting import WEIGHTINGS

    ws = list(WEIGHTINGS)  # every registered strategy at once: the crowded case
    fig = seesaw_figure(_seesaw_frame(ws), names={w: WEIGHTINGS[w].name for w in ws})
    entries = [t for t in fig.data if t.showlegend is not False and t.name]
    assert [t.name for t in entries] == [WEIGHTINGS[w].name for w in ws]
    colors = [t.marker.color for t in entries]
    assert colors == [strategy_color(w) for w in ws] and len(set(colors)) == len(ws)
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.entrywidth  # columns below the plot


def test_seesaw_map_labels_do_not_overlap():
    from app.figures.balance import SEESAW_PLOT_PX, seesaw_figure
    from mtl_core.weighting import WEIGHTINGS

    ws = list(WEIGHTINGS)
    fig = seesaw_figure(_seesaw_frame(ws, seed=5), names={w: WEIGHTINGS[w].name for w in ws})
    (lx0, lx1), (ly0, ly1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    font = fig.data[0].textfont.size
    boxes = []
    for t in fig.data:
        for u, v, text, spot in zip(t.x, t.y, t.text or (), t.textposition or ()):
            if text:
                px = ((u - lx0) / (lx1 - lx0) * 800, (1 - (v - ly0) / (ly1 - ly0)) * SEESAW_PLOT_PX)
                boxes.append(_box(*px, spot, text, font, 8))
    assert boxes
    assert not any(_overlap(a, b) for a, b in itertools.combinations(boxes, 2))


def test_seesaw_map_with_several_architectures_keys_the_symbols():
    from app.figures.balance import seesaw_figure

    fig = seesaw_figure(_seesaw_frame(["ew", "uw"], archs=("shared_bottom", "mmoe")))
    strategies = [t for t in fig.data if t.name in ("ew", "uw") and t.mode != "lines"]
    assert len(strategies) == 2 and all(len(set(t.marker.symbol)) == 2 for t in strategies)  # symbol = architecture
    keys = {t.name: t for t in fig.data if len(t.x) == 1 and t.x[0] is None}
    assert set(keys) == {"shared_bottom", "mmoe", "ew", "uw"}  # the symbols' key and the colours' key
    assert keys["ew"].mode == "lines" and keys["ew"].line.color == strategies[0].marker.color
    assert not any(t.showlegend for t in strategies)  # the points' first symbol would read as an architecture


@pytest.mark.slow  # imports the funnel experiment (torch)
def test_funnel_models_never_share_colour_and_dash():
    from app.figures.funnel import curves_figure
    from mtl_core.experiments.funnel import MODELS

    history = pd.DataFrame([dict(model=m, epoch=e, val_cvr_auc_entire=0.7) for m in MODELS for e in (0.5, 1.0)])
    fig = curves_figure(history, {m: m for m in MODELS}, 2)
    lines = [t for t in fig.data if t.name in MODELS]
    assert len(lines) == len(MODELS)
    assert len({t.line.color for t in lines}) == len(MODELS)  # distinct colours ...
    assert len({(t.line.color, t.line.dash) for t in lines}) == len(MODELS)
    assert len({t.marker.symbol for t in lines}) == len(MODELS)  # ... and markers, for identical curves
    widths = [t.line.width for t in lines]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]  # the first drawn shows at the edges
    assert any(getattr(s, "y0", None) == 0.5 for s in fig.layout.shapes)  # the chance line


def test_many_series_get_their_own_dash_and_marker():
    styles = [tuple(series_style(i, 8).values()) for i in range(8)]
    assert len(set(styles)) == 8
    assert {tuple(series_style(i, 3).values()) for i in range(3)} == {("solid", "circle")}


# ---- the PLE heatmap: the level names clear of the expert groups' names ----------------------------------------
def test_ple_level_names_sit_beside_their_block_not_over_the_group_labels():
    from test_figures import PLE_LAYOUT, TASKS

    from app.figures.gates import gate_heatmap_figure

    ple = {g.name: np.full(len(g.experts), 1.0 / len(g.experts)) for g in PLE_LAYOUT}
    fig = gate_heatmap_figure(PLE_LAYOUT, ple, TASKS)
    texts = [a.text for a in fig.layout.annotations]
    assert not any("level" in str(t) for t in texts)  # no subplot title in the band of the group names
    assert "level 1" in fig.layout.yaxis.title.text and "level 2" in fig.layout.yaxis2.title.text
    groups = [a for a in fig.layout.annotations if a.yref in ("y", "y2")]
    assert {a.text for a in groups} >= {"<b>task1</b>", "<b>task2</b>", "<b>shared</b>"}


# ---- first snapshots: sensible axes ---------------------------------------------------------------------------------
def test_log_axis_keeps_ticks_on_a_narrow_span():
    from app.figures.style import log_axis

    assert log_axis([0.01, 0.5])["dtick"] == "D2"
    wide = log_axis([0.06, 0.34])
    assert "dtick" not in wide and len(wide["tickvals"]) >= 4 and all(0.06 <= t <= 0.34 for t in wide["tickvals"])
    narrow = log_axis([0.31, 0.33])
    assert "dtick" not in narrow and "tickvals" not in narrow  # plotly's own linear steps label it


def test_experiments_loss_curves_first_snapshot_starts_at_step_zero_and_shows_points():
    from app.figures.experiments import loss_curves_figure

    curves = pd.DataFrame([dict(arch=a, seed=s, **{"data.rho": 0.5}, step=40, val_loss=0.31 + 0.01 * s)
                           for a in ("mmoe", "omoe") for s in range(3)])
    fig = loss_curves_figure(curves, {})
    assert fig.layout.xaxis.rangemode == "tozero"
    assert fig.layout.yaxis.dtick is None  # not "D2", which left 0.31-0.33 without a tick
    assert all("markers" in t.mode for t in fig.data if t.name)


# ---- one chart function: every chart downloads for slides, never to the cloud --------------------------------------
def test_every_chart_gets_the_download_config(monkeypatch):
    import app.ui.charts as charts

    seen = []
    monkeypatch.setattr(charts.st, "plotly_chart", lambda fig, config, **kw: seen.append(config))
    monkeypatch.setattr(charts, "live_chart", lambda fig, key, config: seen.append(config))
    monkeypatch.setattr(charts.st, "caption", lambda *a, **k: None)
    fig = go.Figure(layout=dict(title_text="<b>Seesaw map: MTL gain</b>"))
    charts.chart(fig)
    charts.chart(fig, live_key="k")
    assert len(seen) == 2
    for config in seen:
        image = config["toImageButtonOptions"]
        assert image["format"] == "png" and image["scale"] >= 2 and image["filename"] == "seesaw-map-mtl-gain"
        assert config["displaylogo"] is False and config["showSendToCloud"] is False
        assert {"sendDataToCloud", "sendChartToCloud", "editInChartStudio"} <= set(config["modeBarButtonsToRemove"])
    assert charts.file_name(go.Figure(layout=dict(title_text="<b>门控权重</b>"))) == "门控权重"
    assert charts.file_name(go.Figure()) == "chart"


def test_theme_injects_the_sidebar_css_and_the_svg_button(monkeypatch):
    from app.ui import theme

    calls = []
    monkeypatch.setattr(theme.st, "html", lambda body, **kw: calls.append((body, kw)))
    theme.inject()
    css = next(body for body, _ in calls if "<style>" in body)
    assert 'section[data-testid="stSidebar"]' in css and theme.SIDEBAR_WIDTH in css
    assert "stMultiSelectTagsContainer" in css and "max-height: none" in css
    script, kw = next((body, kw) for body, kw in calls if "<script>" in body)
    assert kw.get("unsafe_allow_javascript") is True
    assert "downloadImage" in script and 'format: "svg"' in script and theme.SVG_BUTTON_TITLE in script
    code = script.split("<script>", 1)[1].rsplit("</script>", 1)[0]
    assert not re.search(r"<[/\w]", code)  # Streamlit's sanitiser (DOMPurify) drops a script with markup in it


@pytest.mark.slow  # runs the app's frame
def test_every_page_runs_the_theme():
    from streamlit.testing.v1 import AppTest

    main = str(pathlib.Path(__file__).resolve().parents[1] / "app" / "main.py")
    at = AppTest.from_file(main, default_timeout=60).run()
    assert not at.exception
    bodies = [str(getattr(e, "proto", e)) for e in at.get("html")]
    assert any("stMultiSelectTagsContainer" in b for b in bodies) and any("downloadImage" in b for b in bodies)
