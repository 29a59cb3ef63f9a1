"""The feed world's views: expert health measured by the engine and carried on snapshots, the expert-health and
AdaTT fusion figures, the Playground view's report lookup, and the score-fusion lesson widget."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from app.figures.experts import adatt_fusion_figure, expert_health_figure, fusion_blocks
from app.i18n import translator
from app.sections.playground.experts import entropy_table, health_at
from mtl_core.config import from_flat
from mtl_core.data import DATASETS
from mtl_core.engine.health import HEALTH_METRICS, health_of_runs, health_totals
from mtl_core.experts import expert_health
from mtl_core.models import build_model
from mtl_core.records import result_rows
from mtl_core.train import RunSpec, Trainer

TINY = {"data": "feed", "data.n_impressions": 2000, "data.n_users": 50, "data.n_items": 50, "data.n_authors": 10,
        "train.epochs": 1, "train.batch_size": 256, "train.baseline": False}


def _trainer(arch: str, seeds=(0, 1), **extra) -> Trainer:
    return Trainer(from_flat({**TINY, "model": arch, **extra}), [RunSpec(s) for s in seeds], probe_cosine=False)


# ---- the engine ------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_final_snapshot_carries_every_runs_expert_health_and_its_totals():
    tr = _trainer("mmoe")
    final = list(tr)[-1]
    assert final.done and final.expert_health is not None and len(final.expert_health) == 2
    h = final.expert_health[1]
    assert h["experts"] == [f"E{i + 1}" for i in range(8)] and set(h["utilisation"]) == set(final.tasks)
    # the report is that of run 1's own parameters on its own validation rows
    params = {n: v[1].detach() for n, v in tr.main.params.items()}
    ref = expert_health(tr.main.model, tr.splits["val"].dense[1, :512], tr.splits["val"].cat[1, :512], params)
    np.testing.assert_allclose(h["dead_share"], ref.dead_share)
    assert set(HEALTH_METRICS) <= set(final.extra_metrics)
    assert final.extra_metrics["experts_collapsed"].shape == (2,)
    rows = result_rows(tr.configs, final)
    assert all(r["experts_collapsed"] == final.extra_metrics["experts_collapsed"][0] for r in rows[:5])


@pytest.mark.slow
def test_a_model_without_gated_experts_carries_no_health():
    final = list(_trainer("shared_bottom", seeds=(0,)))[-1]
    assert final.expert_health is None and "experts_collapsed" not in final.extra_metrics


@pytest.mark.slow
def test_a_zeroed_expert_of_one_run_is_flagged_in_that_run_only():
    tr = _trainer("mmoe", seeds=(0, 1, 2))
    list(tr)
    with torch.no_grad():
        for name, p in tr.main.params.items():
            if name.startswith("experts."):
                p[2, 3].zero_()  # run 2, expert E4: every weight and bias of every layer
    health = health_of_runs(tr.main.model, tr.main.params, tr.splits["val"], np.ones(3, bool))
    assert health[2]["dead_share"][3] == 1.0 and "dead" in health[2]["reasons"][3]
    assert all("dead" not in r for h in health[:2] for r in h["reasons"])
    totals = health_totals(health)
    assert totals["experts_dead"][2] == 1 and totals["experts_collapsed"][2] >= 1
    assert totals["experts_dead"][:2].tolist() == [0, 0]


def test_a_diverged_run_gets_no_report_and_nan_totals():
    tr = _trainer("mmoe", seeds=(0, 1))
    health = health_of_runs(tr.main.model, tr.main.params, tr.splits["val"], np.array([True, False]))
    assert health[0] is not None and health[1] is None
    totals = health_totals(health)
    assert np.isfinite(totals["experts_dead_share"][0]) and np.isnan(totals["experts_dead_share"][1])


@pytest.mark.slow
def test_live_runs_are_measured_between_snapshots_at_most_once_per_interval(monkeypatch):
    from mtl_core.engine import health as health_mod
    import mtl_core.train as train_mod

    monkeypatch.setattr(train_mod, "HEALTH_INTERVAL_S", 1e9)  # only the first snapshot and the last
    snaps = list(Trainer(from_flat({**TINY, "model": "mmoe", "train.epochs": 2}), snapshot_interval_s=0.0,
                         probe_cosine=False))
    measured = [i for i, s in enumerate(snaps) if s.expert_health is not None]
    assert measured == [0, len(snaps) - 1] and len(snaps) > 3
    assert health_mod.HEALTH_LIVE_RUNS >= 1


# ---- the figures -----------------------------------------------------------------------------------------------
def _health(arch: str = "mmoe"):
    spec = DATASETS["feed"].spec({p.name: p.default for p in DATASETS["feed"].params})
    torch.manual_seed(0)
    m = build_model(arch, spec)
    g = torch.Generator().manual_seed(0)
    dense = torch.randn(128, spec.schema.n_dense, generator=g)
    cat = torch.stack([torch.randint(0, c, (128,), generator=g) for _, c in spec.schema.categorical], 1)
    return m, spec, expert_health(m, dense, cat), m(dense, cat)


def test_expert_health_figure_draws_each_gates_mass_and_marks_collapsed_experts():
    m, spec, h, _ = _health()
    d = h.to_dict()
    d["collapsed"][2], d["reasons"][2] = True, ["dead"]
    fig = expert_health_figure(d, m.structure().gates, spec.task_names)
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert len(bars) == len(d["utilisation"]) + 1  # one stacked bar per gate, plus the dead units
    for bar, (gate, u) in zip(bars, d["utilisation"].items()):
        np.testing.assert_allclose(bar.y, u, atol=1e-9)
        assert f"{d['entropy'][gate]:.2f}" in bar.name
    dead = bars[-1]
    assert dead.text[2] == "dead" and dead.marker.color[2] != dead.marker.color[0]
    assert fig.layout.xaxis2.ticktext[2].startswith("⚠") and not fig.layout.xaxis2.ticktext[0].startswith("⚠")
    zh = expert_health_figure(d, m.structure().gates, spec.task_names, tr=translator("zh"))
    assert zh.layout.title.text == "<b>专家健康度</b>" and [tr for tr in zh.data if tr.type == "bar"][-1].text[2] == "死亡"
    assert "Expert health" in expert_health_figure(None).layout.title.text  # no report yet: a message


def test_homes_self_gate_mass_is_drawn_hatched_on_each_units_own_experts():
    m, spec, h, _ = _health("home")
    d = h.to_dict()
    fig = expert_health_figure(d, m.structure().gates, spec.task_names)
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert len(bars) == len(d["utilisation"]) + 2  # the gates, the self-gates, the dead units
    own = bars[len(d["utilisation"])]
    assert own.marker.pattern.shape == "/"
    j = d["experts"].index("L2/like/1")  # reference: like's self-gate weight on its own expert
    assert own.y[j] == pytest.approx(d["residual"]["L2/like"][j]) and own.y[d["experts"].index("L2/shared/1")] == 0
    mmoe = expert_health_figure(_health()[2].to_dict())
    assert not any(getattr(tr.marker, "pattern", None) and tr.marker.pattern.shape for tr in mmoe.data)


def test_adatt_fusion_rows_are_each_units_gate_mass_per_group_and_sum_to_one():
    m, spec, _, out = _health("adatt")
    gates = {g: w.mean(0).detach().numpy() for g, w in out.gates.items()}
    blocks = fusion_blocks(m.structure().gates, gates, spec.task_names)
    assert [b[0] for b in blocks] == [1, 2]
    level, rows, cols, z = blocks[-1]
    assert rows == list(spec.task_names) and cols[:5] == list(spec.task_names) and cols[-1] == "shared"
    np.testing.assert_allclose(z.sum(1), 1.0, atol=1e-5)
    w = gates["L2/like"]  # independent reference: like's experts are the 5th task group of level 2
    experts = next(g for g in m.structure().gates if g.name == "L2/like").experts
    own = sum(float(w[i]) for i, e in enumerate(experts) if e.group == "like")
    assert z[rows.index("like"), cols.index("like")] == pytest.approx(own, abs=1e-6)
    fig = adatt_fusion_figure(m.structure().gates, gates, spec.task_names)
    assert sum(tr.type == "heatmap" for tr in fig.data) == 2


def test_the_view_shows_the_latest_report_at_or_before_the_scrubbed_snapshot():
    class Snap:
        def __init__(self, epoch, health):
            self.epoch, self.expert_health = epoch, health
    snaps = [Snap(0.0, [{"a": 0}]), Snap(0.5, None), Snap(1.0, [{"a": 1}]), Snap(1.5, None)]
    assert health_at(snaps, 1) == ({"a": 0}, 0.0)
    assert health_at(snaps, -1) == ({"a": 1}, 1.0)
    assert health_at([Snap(0.0, None)], 0) == (None, None) and health_at([], -1) == (None, None)
    _, _, h, _ = _health()
    table = entropy_table(h.to_dict(), translator("en"))
    assert len(table) == len(h.entropy) and (table["H / log E"] <= 1.0 + 1e-9).all()


# ---- the fusion widget -----------------------------------------------------------------------------------------
SCRIPT = """
from app.sections.lessons import fusion_feed as ff
from mtl_core.data.feed import true_value
import numpy as np

def tiny():
    rng = np.random.default_rng(0)
    n = 60
    tasks = ("view", "watch", "like", "follow", "share")
    truth = {k: rng.uniform(0.01, 0.6, n) for k in tasks}
    preds = {k: np.clip(v + rng.normal(0, 0.05, n), 0.001, 0.999) for k, v in truth.items()}
    return ff.Candidates(preds, truth, true_value(truth), np.repeat(np.arange(6), 10), np.arange(n), {"view": 0.7})

ff._cached = tiny
ff.fusion_feed_widget()
"""


def test_the_fusion_widget_renders_and_a_slider_changes_the_ranking():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(SCRIPT, default_timeout=60).run()
    assert not at.exception
    first = at.dataframe[0].value["item"].tolist()
    at.slider(key="lessons.ff:sum:watch").set_value(0.0).run()
    at.slider(key="lessons.ff:sum:follow").set_value(30.0).run()
    second = at.dataframe[0].value["item"].tolist()
    assert sorted(first) == sorted(second) and first != second
    at.radio(key="lessons.ff:form").set_value("product").run()
    assert not at.exception and "p(view)^1" in "".join(m.value for m in at.markdown)


def test_ranking_orders_a_users_candidates_by_the_fused_score():
    from app.sections.lessons.fusion_feed import Candidates, ranking

    preds = {k: np.array([0.1, 0.5, 0.3, 0.9]) for k in ("view", "watch", "like", "follow", "share")}
    preds["like"] = np.array([0.9, 0.1, 0.5, 0.0])
    c = Candidates(preds, preds, np.arange(4.0), np.array([0, 0, 0, 1]), np.array([10, 11, 12, 13]), {})
    assert ranking(c, 0, {"watch": 1.0}, "sum")["item"].tolist() == [11, 12, 10]
    assert ranking(c, 0, {"like": 1.0}, "product")["item"].tolist() == [10, 12, 11]


@pytest.mark.slow
def test_lesson_10s_fusion_numbers_come_from_the_widgets_model():
    from app.sections.lessons.fusion_feed import feed_predictions
    from mtl_core.data.feed import fusion_score, topk_value

    c = feed_predictions()
    alone = {k: topk_value(fusion_score(c.preds, {k: 1.0}, "sum"), c.value, c.users, 5)
             for k in ("view", "watch", "like", "follow")}
    assert max(alone, key=alone.get) == "like"  # the lesson's answer
    assert f"{alone['like']:.2f}" == "4.80" and f"{alone['watch']:.2f}" == "4.60"
    business = topk_value(fusion_score(c.preds, {"watch": 1, "like": 5, "follow": 20, "share": 10}, "sum"),
                          c.value, c.users, 5)
    assert f"{business:.2f}" == "4.81" and f"{topk_value(c.value, c.value, c.users, 5):.2f}" == "6.54"


def test_task_gain_figure_draws_each_tasks_gain_with_its_interval_and_verdict():
    import pandas as pd

    from app.figures.feed import WORD_COLORS, task_gain_figure

    table = pd.DataFrame({"arch": "adatt", "task": ["view", "watch", "like"],
                          "metric": ["test_auc", "test_loss", "test_auc"], "gain": [0.02, -0.01, 0.0],
                          "low": [0.01, -0.02, -0.01], "high": [0.03, -0.005, 0.012],
                          "word": ["better", "worse", "unclear"]})
    bar = task_gain_figure(table).data[0]
    np.testing.assert_allclose(bar.y, [0.02, -0.01, 0.0])
    np.testing.assert_allclose(bar.error_y.array, [0.01, 0.005, 0.012], atol=1e-12)
    np.testing.assert_allclose(bar.error_y.arrayminus, [0.01, 0.01, 0.01], atol=1e-12)
    assert list(bar.marker.color) == [WORD_COLORS[w] for w in ("better", "worse", "unclear")]
    assert "AdaTT" in task_gain_figure(table.assign(arch="AdaTT")).layout.title.text
    assert bar.customdata[1] == "worse" and "更差" in task_gain_figure(table, tr=translator("zh")).data[0].x[1]


def test_the_feed_figures_use_only_valid_plotly_properties():
    import plotly.graph_objects as go

    m, spec, h, out = _health("adatt")
    gates = {g: w.mean(0).detach().numpy() for g, w in out.gates.items()}
    for fig in (expert_health_figure(h.to_dict(), m.structure().gates, spec.task_names),
                adatt_fusion_figure(m.structure().gates, gates, spec.task_names)):
        go.Figure(fig.to_plotly_json())  # validates every property (make_figure skips it)
