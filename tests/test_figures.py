"""Pure figure builders of the web UI: data in, go.Figure out."""
import numpy as np
import plotly.graph_objects as go
import pytest

from app.figures.curves import compare_figure, conflict_figure, loss_figure, weights_figure
from app.figures.diagram import architecture_figure, diagram_parts
from app.figures.gates import gate_blocks, gate_evolution_figure, gate_heatmap_figure, nice_zmax
from app.figures.series import Series, series_of
from app.figures.style import TASK_COLORS
from app.i18n import translator
from app.ui.modelinfo import ModelInfo
from mtl_core.models.base import Expert, Gate, Structure

TASKS = ("task1", "task2")
# Gates as the models declare them (`model.structure().gates`): MMoE's two gates over one pool of
# experts, and a two-level PLE with task-owned and shared experts.
_POOL = tuple(Expert(f"E{i + 1}") for i in range(4))
MMOE_LAYOUT = tuple(Gate(t, t, t, _POOL) for t in TASKS)
_T1, _T2, _SH = ((Expert("task1/1", "task1"), Expert("task1/2", "task1")),
                 (Expert("task2/1", "task2"), Expert("task2/2", "task2")), (Expert("shared/1", "shared"),))
PLE_LAYOUT = (
    Gate("L1/task1", "task1", "task1", _T1 + _SH, level=1),
    Gate("L1/task2", "task2", "task2", _T2 + _SH, level=1),
    Gate("L1/shared", "shared", "shared", _T1 + _T2 + _SH, level=1),
    Gate("L2/task1", "task1", "task1", _T1[:1] + _SH, level=2),
    Gate("L2/task2", "task2", "task2", _T2[:1] + _SH, level=2),
)


def make_series(n=6, kinds=("regression", "regression"), baseline=False, gates=True, cosine=True, state=False):
    rng = np.random.default_rng(0)
    T = len(kinds)
    g = {}
    if gates:
        for name in (g.name for g in MMOE_LAYOUT):
            w = rng.random((n, 4))
            g[name] = w / w.sum(1, keepdims=True)
    return Series(
        tasks=TASKS[:T], kinds=kinds, epoch=np.linspace(0, 2, n),
        train_loss=rng.random((n, T)) + 0.1, val_loss=rng.random((n, T)) + 0.1,
        val_auc=np.where(np.array(kinds) == "binary", 0.7, np.nan) * np.ones((n, T)),
        weights=np.ones((n, T)), baseline_val_loss=rng.random((n, T)) + 0.1 if baseline else None,
        grad_cosine=np.tile(np.array([[1.0, -0.3], [-0.3, 1.0]]), (n, 1, 1)) if cosine else None,
        gates=g, state={"sigma2": rng.random((n, T))} if state else {})


def axis_titles(fig: go.Figure) -> set[str]:
    out = set()
    for name in dir(fig.layout):
        if name.startswith(("xaxis", "yaxis")):
            title = getattr(fig.layout, name).title.text
            if title:
                out.add(title)
    return out


# ---- loss curves ----------------------------------------------------------------------------------
def test_loss_figure_traces_axes_and_task_colours():
    fig = loss_figure(make_series())
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 4  # validation + training per task
    assert {"epoch", "loss"} <= axis_titles(fig)
    assert fig.data[0].line.color == TASK_COLORS[0] and fig.data[2].line.color == TASK_COLORS[1]
    assert fig.data[1].line.dash == "dot"


def test_loss_figure_baseline_dashed_and_log_scale():
    fig = loss_figure(make_series(baseline=True), log=True)
    dashed = [tr for tr in fig.data if tr.line.dash == "dash"]
    assert len(dashed) == 2 and all("single-task" in tr.name for tr in dashed)
    assert fig.layout.yaxis.type == "log"


def test_loss_figure_adds_auc_panel_for_binary_tasks():
    fig = loss_figure(make_series(kinds=("binary", "binary")))
    assert "AUC" in axis_titles(fig)
    assert any(tr.yaxis == "y2" for tr in fig.data)


def test_loss_figure_without_data_says_so():
    fig = loss_figure(None)
    assert len(fig.data) == 0 and "no data" in fig.layout.annotations[0].text


def test_figures_follow_language():
    fig = loss_figure(make_series(), tr=translator("zh"))
    assert "损失" in axis_titles(fig)


# ---- gate heatmaps --------------------------------------------------------------------------------
def test_mmoe_heatmap_z_equals_gate_matrix_with_labelled_colour_scale():
    gates = {"task1": np.array([0.1, 0.2, 0.3, 0.4]), "task2": np.array([0.4, 0.3, 0.2, 0.1])}
    fig = gate_heatmap_figure(MMOE_LAYOUT, gates, TASKS)
    heat = [tr for tr in fig.data if isinstance(tr, go.Heatmap)]
    assert len(heat) == 1
    np.testing.assert_allclose(np.array(heat[0].z, dtype=float), np.stack([gates["task1"], gates["task2"]]))
    assert "gate" in fig.layout.coloraxis.colorbar.title.text
    assert fig.layout.coloraxis.cmin == 0 and fig.layout.coloraxis.cmax == 0.5
    assert list(fig.layout.xaxis.ticktext) == ["E1", "E2", "E3", "E4"]
    assert "task1" in fig.layout.yaxis.ticktext[0] and TASK_COLORS[0] in fig.layout.yaxis.ticktext[0]
    assert "expert" in axis_titles(fig)


def test_ple_heatmap_one_block_per_level_grouped_with_blank_disallowed_cells():
    gates = {g.name: np.full(len(g.experts), 1.0 / len(g.experts)) for g in PLE_LAYOUT}
    blocks = gate_blocks(PLE_LAYOUT, gates, TASKS)
    assert [b.level for b in blocks] == ["L1", "L2"]
    l1 = blocks[0]
    assert l1.rows == ["task1", "task2", "shared"]
    assert l1.experts == ["task1/1", "task1/2", "task2/1", "task2/2", "shared/1"]
    assert l1.groups == [("task1", 0, 2), ("task2", 2, 4), ("shared", 4, 5)]
    assert np.isnan(l1.z[0, 2]) and np.isnan(l1.z[1, 0])  # task1's gate cannot see task2's experts
    assert not np.isnan(l1.z[2]).any()  # the shared gate sees every expert
    np.testing.assert_allclose(np.nansum(l1.z, axis=1), 1.0)
    fig = gate_heatmap_figure(PLE_LAYOUT, gates, TASKS)
    heat = [tr for tr in fig.data if isinstance(tr, go.Heatmap)]
    assert len(heat) == 2
    assert np.isnan(np.array(heat[0].z, dtype=float)[0, 2])
    separators = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(separators) >= 3  # group boundaries in both levels
    assert "level 1" in fig.layout.yaxis.title.text  # each level named beside its block


def test_heatmap_without_gates_explains():
    fig = gate_heatmap_figure((), None, TASKS)
    assert not [tr for tr in fig.data if isinstance(tr, go.Heatmap)]
    assert "no gates" in fig.layout.annotations[0].text


def test_nice_zmax_steps():
    assert nice_zmax([np.array([0.1, 0.2])]) == 0.25
    assert nice_zmax([np.array([0.3, np.nan])]) == 0.5
    assert nice_zmax([np.array([0.9])]) == 1.0


def test_gate_evolution_small_multiples():
    s = make_series(n=12)
    fig = gate_evolution_figure(MMOE_LAYOUT, s.gates, s.epoch, TASKS, frames=5)
    heat = [tr for tr in fig.data if isinstance(tr, go.Heatmap)]
    assert len(heat) == 5
    np.testing.assert_allclose(np.array(heat[0].z, dtype=float)[0], s.gates["task1"][0])
    np.testing.assert_allclose(np.array(heat[-1].z, dtype=float)[1], s.gates["task2"][-1])


# ---- task weights, conflict, comparison ----------------------------------------------------------
def test_weights_figure_with_strategy_state():
    fig = weights_figure(make_series(state=True))
    assert len(fig.data) == 4
    assert {"weight", "epoch", "sigma2"} <= axis_titles(fig)


def test_conflict_figure_marks_zero_and_shades_negative_region():
    fig = conflict_figure(make_series())
    assert len(fig.data) == 1
    np.testing.assert_allclose(fig.data[0].y, -0.3)
    shapes = list(fig.layout.shapes)
    assert any(s.type == "line" and s.y0 == 0 and s.y1 == 0 for s in shapes)
    rect = [s for s in shapes if s.type == "rect"]
    assert rect and rect[0].y1 == 0 and rect[0].y0 < -1
    assert "cosine" in axis_titles(fig)
    assert any("conflict" in a.text for a in fig.layout.annotations)
    assert tuple(fig.layout.yaxis.range) == (-1.05, 1.05)


def test_conflict_figure_when_nothing_is_shared():
    fig = conflict_figure(make_series(cosine=False))
    assert len(fig.data) == 0 and "nothing shared" in fig.layout.annotations[0].text


def test_compare_figure_overlays_runs_per_task():
    fig = compare_figure([("#1 MMoE", make_series()), ("#2 Shared-Bottom", make_series())])
    assert len(fig.data) == 4
    assert {tr.name for tr in fig.data} == {"#1 MMoE", "#2 Shared-Bottom"}
    assert fig.data[0].line.dash != fig.data[2].line.dash
    assert "epoch" in axis_titles(fig)


# ---- architecture diagram -------------------------------------------------------------------------
def _info(layout=(), topology="gated", **kw):
    structure = Structure(topology, tuple(layout), tuple(kw.pop("task_links", ())), tuple(kw.pop("outputs", ())))
    return ModelInfo(arch=kw.pop("arch", "x"), tasks=TASKS, kinds=("regression",) * 2, structure=structure, **kw)


def test_mmoe_diagram_edge_width_follows_gate_weight():
    gates = {"task1": np.array([0.7, 0.1, 0.1, 0.1]), "task2": np.array([0.25] * 4)}
    nodes, edges = diagram_parts(_info(MMOE_LAYOUT, shared_modules=("input.", "experts.")), gates)
    ids = {n.id for n in nodes}
    assert {"input", "e::E1", "g:task1", "g:task2", "tower:task1", "out:task2"} <= ids
    weighted = [e for e in edges if e.weight is not None]
    assert len(weighted) == 8
    fig = architecture_figure(_info(MMOE_LAYOUT), gates)
    widths = {tr.text: tr.line.width for tr in fig.data if tr.text}
    assert widths["task1 ← E1: 0.700"] > widths["task1 ← E2: 0.100"]


def test_ple_diagram_levels_feed_by_owner():
    nodes, edges = diagram_parts(_info(PLE_LAYOUT))
    ys = {n.id: n.y for n in nodes}
    assert ys["e:L2:task1/1"] > ys["g:L1/task1"] > ys["e:L1:task1/1"]
    assert ("g:L1/task1", "e:L2:task1/1") in {(e.src, e.dst) for e in edges}
    assert ("g:L1/shared", "e:L2:shared/1") in {(e.src, e.dst) for e in edges}
    assert ("e:L1:task2/1", "g:L1/task1") not in {(e.src, e.dst) for e in edges}


@pytest.mark.parametrize("kw, expect", [
    (dict(topology="bottom"), "bottom"),  # Shared-Bottom
    (dict(topology="separate"), "col1:task1"),  # single-task networks
    (dict(topology="stitched"), "col2:task2"),  # Cross-Stitch
    (dict(topology="bottom", outputs=("ctcvr",)), "extra:ctcvr"),  # ESMM on a shared bottom
    (dict(topology="sequential", task_links=(("task1", "task2"),), outputs=("ctcvr",)), "tower:task2"),  # AITM
])
def test_gate_free_diagrams(kw, expect):
    nodes, edges = diagram_parts(_info(**kw))
    assert expect in {n.id for n in nodes}
    fig = architecture_figure(_info(**kw))
    assert isinstance(fig, go.Figure) and len(fig.layout.shapes) == len(nodes)
    if kw.get("task_links"):
        assert any(e.src == "tower:task1" and e.dst == "tower:task2" for e in edges)


# ---- series from real snapshots ------------------------------------------------------------------
def test_series_from_training_snapshots():
    from mtl_core.config import from_flat
    from mtl_core.train import train

    snaps = list(train(from_flat({"data.n_train": 300, "train.epochs": 1})))
    s = series_of(snaps)
    assert len(s) == len(snaps) and s.val_loss.shape == (len(snaps), 2)
    assert set(s.gates) == {"task1", "task2"} and s.gates["task1"].shape[1] == 8
    assert s.grad_cosine.shape == (len(snaps), 2, 2)
    assert isinstance(loss_figure(s), go.Figure)


def test_heatmap_before_training_says_no_data_yet():
    fig = gate_heatmap_figure(MMOE_LAYOUT, None, TASKS)
    assert not [tr for tr in fig.data if isinstance(tr, go.Heatmap)]
    assert "no data" in fig.layout.annotations[0].text


def test_live_curves_span_the_planned_epochs():
    s = make_series()
    s.epochs = 20
    for fig in (loss_figure(s), weights_figure(s), conflict_figure(s)):
        assert tuple(fig.layout.xaxis.range) == (0, 20)


# ---- the live views: plain Plotly JSON, valid, and cheap to rebuild ---------------------------------
def _live_figures():
    s = make_series(kinds=("binary", "binary"), baseline=True, state=True)
    s.epochs, s.trained_as = 10, {"task2": "pCTCVR"}
    ple = {g.name: np.full(len(g.experts), 1.0 / len(g.experts)) for g in PLE_LAYOUT}
    return {
        "loss": loss_figure(s, log=True), "loss_one_point": loss_figure(make_series(n=1)),
        "weights": weights_figure(s), "conflict": conflict_figure(s), "no_data": loss_figure(None),
        "heatmap_mmoe": gate_heatmap_figure(MMOE_LAYOUT, s.gates_at(2), TASKS),
        "heatmap_ple": gate_heatmap_figure(PLE_LAYOUT, ple, TASKS, tr=translator("zh")),
        "evolution": gate_evolution_figure(MMOE_LAYOUT, s.gates, s.epoch, TASKS),
        "diagram_mmoe": architecture_figure(_info(MMOE_LAYOUT), s.gates_at(2)),
        "diagram_ple": architecture_figure(_info(PLE_LAYOUT), ple),
        "diagram_cross_stitch": architecture_figure(_info(topology="stitched")),
    }


@pytest.mark.parametrize("name", list(_live_figures()))
def test_live_figures_are_valid_plotly(name):
    """The live builders skip plotly's validation (`style.make_figure`): plotly's validator checks them here,
    and rejects a misspelt property or a value of the wrong kind."""
    fig = _live_figures()[name]
    checked = go.Figure(fig.to_dict())  # raises ValueError on anything plotly does not know
    assert checked.layout.template.layout.font.family  # the house template came along
    assert len(checked.data) == len(fig.data)


def test_subplot_grids_are_computed_once_per_shape_and_never_shared(monkeypatch):
    import plotly.subplots

    from app.figures.style import grid

    calls = []
    real = plotly.subplots.make_subplots
    monkeypatch.setattr(plotly.subplots, "make_subplots", lambda *a, **k: calls.append(k) or real(*a, **k))
    first = grid(3, 1, vertical_spacing=0.0123, subplot_titles=["a", "b", "c"])
    assert [a["text"] for a in first["annotations"]] == ["a", "b", "c"]
    first["annotations"][0]["text"] = "changed"
    first["xaxis"]["title"] = {"text": "changed"}
    second = grid(3, 1, vertical_spacing=0.0123, subplot_titles=["x", "y", "z"])
    assert len(calls) == 1  # the second grid of that shape came from the cache
    assert [a["text"] for a in second["annotations"]] == ["x", "y", "z"]
    assert "title" not in second["xaxis"]  # a caller's changes to its copy never reach the next figure
    assert second["yaxis3"]["domain"] == first["yaxis3"]["domain"]


def test_the_gate_evolution_titles_follow_the_moments_shown():
    s = make_series(n=12)
    early = gate_evolution_figure(MMOE_LAYOUT, {g: w[:6] for g, w in s.gates.items()}, s.epoch[:6], TASKS)
    late = gate_evolution_figure(MMOE_LAYOUT, s.gates, s.epoch, TASKS)
    assert early.layout.annotations[-1].text != late.layout.annotations[-1].text
    assert late.layout.annotations[-1].text.endswith(f"{s.epoch[-1]:.1f}")


def test_live_charts_load_the_plotly_packages_own_plotly_js_and_serialise_a_figure_once():
    """The live chart component draws with the plotly package's own plotly.min.js (the release that serialises
    the figures), served by the Streamlit server from the package's folder: never a CDN, never Streamlit's
    bundled chunk."""
    import json
    import pathlib

    import plotly

    from app.ui import live_chart

    assert live_chart.PLOTLY_JS.is_file() and live_chart.PLOTLY_JS.parent.parent == pathlib.Path(plotly.__file__).parent
    assert plotly.__version__ and b"plotly" in live_chart.PLOTLY_JS.read_bytes()[:2000].lower()
    url = live_chart.plotly_js_url()
    assert url.startswith("component/") and url.endswith("/plotly.min.js") and "//" not in url
    assert "http" not in live_chart._JS and "cdn" not in live_chart._JS.lower()
    assert live_chart._component is not None  # components v2 present (requirements: streamlit>=1.67)
    fig = go.Figure({"data": [{"type": "scatter", "x": [0, 1], "y": [2, 3]}], "layout": {}}, _validate=False)
    spec = live_chart._spec(fig)
    assert json.loads(spec)["data"][0]["y"] == [2, 3]
    assert live_chart._spec(fig) is spec  # the same figure again: not serialised again


# ---- colours derived from the registries --------------------------------------------------------------------------
def test_every_registered_strategy_and_architecture_has_a_colour_of_its_own():
    from app.figures.balance import EW_COLOR, strategy_color
    from app.figures.experiments import ARCH_COLORS, arch_color
    from mtl_core.models import ARCHITECTURES
    from mtl_core.weighting import WEIGHTINGS

    strategies = [strategy_color(w) for w in WEIGHTINGS]
    assert len(set(strategies)) == len(WEIGHTINGS) and strategy_color("ew") == EW_COLOR
    archs = [arch_color(a) for a in ARCHITECTURES]
    assert len(set(archs)) == len(ARCHITECTURES)
    assert all(arch_color(a) == c for a, c in ARCH_COLORS.items())  # hand-picked ones keep theirs


def test_entries_registered_later_still_get_distinct_colours():
    from app.figures.style import distinct_colors

    palette = ("#0072B2", "#E69F00")
    ids = [f"later_{i}" for i in range(20)]
    colors = distinct_colors(["a", *ids], palette, pinned={"ref": "#1F2328", "b": "#e69f00"})
    assert colors["ref"] == "#1F2328" and colors["b"] == "#E69F00" and colors["a"] == "#0072B2"
    assert len(set(colors.values())) == len(colors) == 23  # past the palette: plotly's Dark24, none reused
