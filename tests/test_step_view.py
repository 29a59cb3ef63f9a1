"""Where each method steps: every strategy's update from the same task gradients (known answers and properties
checked against direct computations), its figure and table, and the panels of the balancing lab and Playground."""
import json
import math
import time
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from app.figures.steps import step_figure, step_frame
from app.i18n import translator
from mtl_core.config import from_flat
from mtl_core.experiments import steps as sx
from mtl_core.params import ConfigError
from mtl_core.weighting import WEIGHTINGS, WeightingInfo
from mtl_core.weighting.base import GradientWeighting

ROOT = Path(__file__).resolve().parents[1]
TINY = {"data.n_train": "300", "data.n_val": "100", "data.n_test": "100", "train.epochs": "1"}


def _cos(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# ---- the synthetic pair ------------------------------------------------------------------------------------
@pytest.mark.parametrize("dim", [2, 16])
@pytest.mark.parametrize("theta,ratio", [(0, 1.0), (60, 0.1), (120, 3.0), (180, 100.0)])
def test_synthetic_gradients_have_the_asked_angle_and_ratio(theta, ratio, dim):
    G = sx.synthetic_gradients(theta, ratio, dim=dim)
    assert G.shape == (2, dim)
    assert _cos(G[0], G[1]) == pytest.approx(math.cos(math.radians(theta)), abs=1e-12)
    assert np.linalg.norm(G[1]) / np.linalg.norm(G[0]) == pytest.approx(ratio, rel=1e-12)


@pytest.mark.parametrize("kw,field", [({"theta_deg": 190, "ratio": 1}, "steps.angle"),
                                      ({"theta_deg": 90, "ratio": 0}, "steps.ratio"),
                                      ({"theta_deg": 90, "ratio": 1, "dim": 1}, "steps.dim")])
def test_bad_synthetic_inputs_name_the_field(kw, field):
    with pytest.raises(ConfigError, match=field):
        sx.synthetic_gradients(**kw)


def test_bad_gradients_or_losses_name_the_field():
    with pytest.raises(ConfigError, match="steps.losses"):
        sx.step_view(np.eye(2), [1.0, -1.0], ids=["ew"])
    with pytest.raises(ConfigError, match="steps.grads"):
        sx.step_view(np.array([[1.0, np.nan], [0.0, 1.0]]), ids=["ew"])
    with pytest.raises(ConfigError, match="steps.methods"):
        sx.step_view(np.eye(2), ids=["nope"])


# ---- known answers -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("ratio", [1.0, 3.0, 0.05])
def test_aligned_gradients_every_step_is_along_their_sum(ratio):
    view = sx.step_view(sx.synthetic_gradients(0, ratio, dim=16))
    total = view.grads.sum(0)
    shown = view.shown()
    assert len(shown) == len(WEIGHTINGS)  # nothing is skipped: every strategy steps from gradients and losses
    for wid in shown:
        s = view.steps[wid]
        assert s.norm > 0, wid
        assert _cos(s.update, total) == pytest.approx(1.0, abs=1e-9), wid
        assert s.plane[1] == pytest.approx(0.0, abs=1e-9 * s.norm) and s.off_plane <= 1e-9 * s.norm, wid


@pytest.mark.parametrize("theta", [100, 135, 170])
@pytest.mark.parametrize("ratio", [0.3, 1.0, 5.0])
def test_pcgrad_in_conflict_does_not_go_uphill_for_either_task(theta, ratio):
    G = sx.synthetic_gradients(theta, ratio, dim=8)
    u = sx.step_view(G, ids=["pcgrad"]).steps["pcgrad"].update
    assert (G @ u >= -1e-12).all()
    # two tasks: each gradient minus its part along the other, summed (the paper's rule, written out)
    g1, g2 = G
    expected = g1 - (g1 @ g2) / (g2 @ g2) * g2 + g2 - (g1 @ g2) / (g1 @ g1) * g1
    np.testing.assert_allclose(u, expected, atol=1e-12)


@pytest.mark.parametrize("theta,ratio", [(30, 3.0), (90, 0.2), (150, 1.0), (170, 10.0)])
def test_mgda_steps_to_the_min_norm_point_of_the_segment(theta, ratio):
    G = sx.synthetic_gradients(theta, ratio, dim=4)
    u = sx.step_view(G, ids=["mgda"]).steps["mgda"].update
    g1, g2 = G
    alphas = np.linspace(0.0, 1.0, 20_001)
    points = alphas[:, None] * g1 + (1 - alphas[:, None]) * g2  # the segment from g2 to g1
    best = points[np.argmin(np.linalg.norm(points, axis=1))]
    np.testing.assert_allclose(u / 2, best, atol=1e-4 * np.linalg.norm(g1 + g2) + 1e-4)  # MGDA applies T·d
    assert np.linalg.norm(u / 2) <= np.linalg.norm(points, axis=1).min() + 1e-9


@pytest.mark.parametrize("T", [2, 3, 5])
def test_upgrad_and_dualproj_never_conflict_with_a_task(T):
    rng = np.random.default_rng(T)
    G = rng.standard_normal((T, 12))
    G[1:] = 3 * (G[1:] - 0.8 * G[:1])  # conflicting with task 1, and louder
    view = sx.step_view(G, ids=["upgrad", "dualproj", "ew"])
    assert (np.nan_to_num(view.steps["ew"].cosines, nan=1.0) < 0).any()  # the plain sum does conflict here
    for wid in ("upgrad", "dualproj"):
        assert (view.steps[wid].cosines >= -1e-9).all(), wid


def test_loss_based_strategies_weigh_the_gradients_by_what_they_compute_from_the_losses():
    G = sx.synthetic_gradients(70, 2.0, dim=6)
    view = sx.step_view(G, [1.0, 4.0], ids=["ew", "gls", "uw"])
    np.testing.assert_allclose(view.steps["ew"].update, G[0] + G[1], atol=1e-12)
    geo = math.sqrt(1.0 * 4.0)  # GLS: weights G/L_k with G the geometric mean of the losses
    np.testing.assert_allclose(view.steps["gls"].update, geo / 1.0 * G[0] + geo / 4.0 * G[1], atol=1e-12)
    np.testing.assert_allclose(view.steps["gls"].weights, [2.0, 0.5], atol=1e-12)
    np.testing.assert_allclose(view.steps["uw"].update, 0.5 * (G[0] + G[1]), atol=1e-12)  # regression, s = 0


def test_each_cosine_coordinate_and_table_row_matches_a_direct_computation():
    G = sx.synthetic_gradients(130, 0.5, dim=16)
    view = sx.step_view(G)
    e = view.basis
    np.testing.assert_allclose(e @ e.T, np.eye(2), atol=1e-12)
    assert _cos(e[0], G[0]) == pytest.approx(1.0) and abs(e[1] @ (G[1] - (G[1] @ e[0]) * e[0])) > 0
    rows = {r["method"]: r for r in sx.step_table(view)}
    for wid in view.shown():
        s = view.steps[wid]
        direct = np.array([_cos(s.update, g) for g in G])
        np.testing.assert_allclose(s.cosines, direct, atol=1e-12)
        assert rows[wid]["cos_task1"] == pytest.approx(direct[0])
        assert rows[wid]["min_cos"] == pytest.approx(direct.min())
        assert s.plane == pytest.approx((s.update @ e[0], s.update @ e[1]))
        # the update is its in-plane part plus what leaves the plane (Pythagoras)
        assert s.plane[0] ** 2 + s.plane[1] ** 2 + s.off_plane ** 2 == pytest.approx(s.norm ** 2, rel=1e-9)
    assert view.steps["graddrop"].off_plane > 0.01 * view.steps["graddrop"].norm  # masks coordinates: leaves it
    assert view.steps["ew"].off_plane < 1e-12
    assert view.conflict_deg == pytest.approx(130.0)


def test_each_strategy_is_labelled_by_what_its_step_depends_on():
    two = sx.step_view(sx.synthetic_gradients(120, 1.0, dim=16))
    status = {w: s.status for w, s in two.steps.items()}
    assert status["ew"] == status["mgda"] == status["pcgrad"] == status["upgrad"] == sx.EXACT
    assert status["rlw"] == status["graddrop"] == sx.RANDOM
    for wid in ("uw", "gradnorm", "dwa", "famo", "db_mtl", "moco", "gradvac", "ple_decay"):
        assert status[wid] == sx.INITIAL, wid
    three = sx.step_view(np.random.default_rng(0).standard_normal((3, 10)), ids=["pcgrad", "mgda"])
    assert three.steps["pcgrad"].random and three.steps["mgda"].status == sx.EXACT  # the visiting order is drawn


class _NeedsTheModel(GradientWeighting):
    def combine(self, grads, losses, ctx):
        return ctx.outputs.preds, None  # a strategy that looks at the model's outputs


def test_a_strategy_that_needs_more_than_gradients_is_skipped_with_its_reason(monkeypatch):
    monkeypatch.setitem(WEIGHTINGS, "needs_model", WeightingInfo("needs_model", "Needs the model", "-", 0, (),
                                                                 _NeedsTheModel))
    view = sx.step_view(sx.synthetic_gradients(90, 1.0), ids=["ew", "needs_model"])
    s = view.steps["needs_model"]
    assert s.status == sx.SKIPPED and s.update is None and "preds" in s.reason
    assert view.shown() == ["ew"]
    frame = step_frame(view)
    assert len(frame) == 2 and "preds" in frame.iloc[1]["note"]


# ---- gradients from a real model -------------------------------------------------------------------------
def test_captured_gradients_are_the_models_gradients_on_its_shared_parameters():
    from mtl_core.train import Trainer

    cfg = from_flat(TINY)
    cap = sx.capture_gradients(cfg, 3, rows=64)
    trainer = Trainer(cfg.with_changes(**{"train.baseline": False}), snapshot_interval_s=0.0, probe_cosine=False)
    for snap in trainer:
        if snap.step >= 3:
            break
    shared = sum(trainer.main.params[n][0].numel() for n in trainer.main.shared)
    assert cap.step == 3 and cap.grads.shape == (2, shared) and (cap.losses > 0).all()
    again = sx.trainer_gradients(trainer, 3, rows=64)  # same seed, same steps: the same model
    np.testing.assert_allclose(cap.grads, again.grads, rtol=1e-5, atol=1e-7)
    cos = trainer.main.grad_cosine(trainer.splits["val"].rows(slice(0, 64)))[0, 0, 1]  # the engine's own probe
    assert _cos(cap.grads[0], cap.grads[1]) == pytest.approx(float(cos), abs=1e-5)


def test_the_run_job_keeps_its_trainer_and_the_session_lets_it_go():
    from app.sections.playground.session import Session

    sess = Session(snapshot_interval_s=0.0)
    run = sess.start(from_flat(TINY))
    assert run.job.source is None  # nothing is built before the first pull
    deadline = time.monotonic() + 60  # the job builds its trainer in its own thread: pull until it has
    while run.job.source is None and time.monotonic() < deadline:
        sess.pull(0.05)
    assert run.job.source is not None and sx.trainer_gradients(run.job.source).grads.shape[0] == 2
    sess.start(from_flat(TINY))
    assert run.job.source is None


# ---- figure and table ------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_plane_figure_draws_both_gradients_every_step_and_merges_equal_ones(lang):
    tr = translator(lang)
    view = sx.step_view(sx.synthetic_gradients(60, 2.0, dim=16))  # no conflict: PCGrad's step is EW's
    fig = step_figure(view, ["ew", "pcgrad", "mgda", "graddrop"], names={"ew": "EW", "pcgrad": "PCGrad"}, tr=tr)
    go.Figure(fig.to_dict())  # valid for plotly's own validator
    names = [t.name for t in fig.data]
    assert names[0] == tr("steps.fig.cone") and any(n.startswith("g1") for n in names)
    assert "EW = PCGrad" in names  # one arrow for two equal steps
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.xaxis.title.text == tr("steps.fig.x")
    assert "60°" in fig.layout.title.text
    ew = next(t for t in fig.data if t.name == "EW = PCGrad")
    np.testing.assert_allclose([ew.x[1], ew.y[1]], view.steps["ew"].plane)
    unit = step_figure(view, ["mgda"], unit=True, tr=tr)
    tip = next(t for t in unit.data if t.name == "mgda")
    assert math.hypot(tip.x[1], tip.y[1]) == pytest.approx(1.0)


def test_more_than_two_tasks_give_the_table_and_a_figure_that_says_so():
    G = np.random.default_rng(1).standard_normal((3, 9))
    view = sx.step_view(G, ids=["ew", "upgrad", "nash_mtl"])
    fig = step_figure(view)
    go.Figure(fig.to_dict())
    assert not fig.data
    frame = step_frame(view)
    assert list(frame["strategy"]) == ["ew", "upgrad", "nash_mtl"]
    for k, task in enumerate(view.tasks):
        expected = [_cos(view.steps[w].update, G[k]) for w in ("ew", "upgrad", "nash_mtl")]
        np.testing.assert_allclose(frame[f"cos to {task}"], expected, atol=1e-12)
    np.testing.assert_allclose(frame["norm"], [np.linalg.norm(view.steps[w].update) for w in frame["strategy"]])
    assert "along g1" not in frame


# ---- the pages ----------------------------------------------------------------------------------------------
def _app(**query):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=120)
    at.query_params.update(query)
    return at.run()


def _titles(at):
    return [json.loads(c.proto.spec).get("layout", {}).get("title", {}).get("text", "")
            for c in at.get("plotly_chart")]


@pytest.mark.slow
def test_the_balancing_lab_panel_redraws_every_step_when_the_sliders_move():
    at = _app(page="balance")
    assert not at.exception
    assert any("g1 and g2 at 120°" in t for t in _titles(at))
    at.slider(key="balance.steps-angle").set_value(150).run()
    at.select_slider(key="balance.steps-ratio").set_value(10.0).run()
    at.select_slider(key="balance.steps-loss_ratio").set_value(0.1).run()
    assert not at.exception
    assert any("g1 and g2 at 150°, |g2| / |g1| = 10" in t for t in _titles(at))
    at.toggle(key="balance.steps-synthetic-unit").set_value(True).run()
    at.button(key="balance.steps-run_capture").click().run()  # the frozen snapshot from a real run
    assert not at.exception
    kept = at.session_state["section:balance"]["steps_capture"]
    assert kept[2] is not None and kept[2].grads.shape[0] == 2
    assert sum("Where each method steps" in t for t in _titles(at)) == 2


@pytest.mark.slow
def test_the_playground_view_draws_the_live_models_gradients_after_a_tiny_run():
    at = _app(**TINY)
    at.button(key="playground.btn_train").click().run()
    sess = at.session_state["section:playground"]["session"]
    for _ in range(40):
        if not sess.running:
            break
        at.run()
    assert sess.current.status == "finished"
    at.button(key="playground.steps-capture").click().run()
    assert not at.exception
    run_id, cap = at.session_state["section:playground"]["steps_capture"]
    assert run_id == sess.current.id and cap.grads.shape[0] == 2 and cap.step == sess.current.last.step
    assert any("Where each method steps" in t for t in _titles(at))


def test_no_two_arrows_share_a_colour():
    from app.figures.style import task_color

    view = sx.step_view(sx.synthetic_gradients(135, 3.0, dim=16))
    fig = step_figure(view)  # every strategy that steps
    arrows = [t for t in fig.data if t.mode == "lines+markers"]
    colors = [t.line.color.upper() for t in arrows]
    assert len(arrows) >= 10 and len(set(colors)) == len(colors)
    assert {task_color(0).upper(), task_color(1).upper()} <= set(colors)  # the tasks keep theirs
