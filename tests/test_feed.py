"""The feed world: marginals against the knobs, relatedness, the follow-after-view dependency, truth, seeds,
validation, and the fusion helpers."""
from functools import lru_cache

import numpy as np
import pytest
import torch

from mtl_core.config import default_config
from mtl_core.data import DATASETS
from mtl_core.data.feed import (DEFAULT_VALUE, TASKS, TAU, TRUTH, fusion_score, topk_value, true_value,
                                truth_of)
from mtl_core.params import ConfigError, resolve_params
from mtl_core.train import train


@lru_cache(maxsize=None)
def feed(seed=0, **given):
    info = DATASETS["feed"]
    return info.build(resolve_params(info.params, dict(given), "data"), seed)


def rows(ds, attr):
    return torch.cat([getattr(s, attr) for s in (ds.train, ds.val, ds.test)]).numpy()


def truth(ds, task):
    return torch.cat([s.extra[TRUTH[task]] for s in (ds.train, ds.val, ds.test)]).numpy().astype(float)


def test_spec_schema_and_shapes():
    ds = feed(n_impressions=20_000, n_users=300, n_items=120, n_authors=15, n_dense=3)
    assert ds.spec.task_names == TASKS
    assert [t.kind for t in ds.spec.tasks] == ["binary", "regression", "binary", "binary", "binary"]
    assert all(t.space == "all" for t in ds.spec.tasks)
    assert ds.spec.schema.categorical == (("user_id", 300), ("item_id", 120), ("author_id", 15))
    assert (len(ds.train), len(ds.val), len(ds.test)) == (14_000, 3_000, 3_000)
    cat = rows(ds, "cat")
    assert cat.min() >= 0 and cat[:, 0].max() < 300 and cat[:, 1].max() < 120 and cat[:, 2].max() < 15
    authors_of_item = {}
    for item, author in cat[:, 1:]:
        assert authors_of_item.setdefault(item, author) == author  # each item has one author
    for s in (ds.train, ds.val, ds.test):
        assert s.dense.shape == (len(s), 3) and set(s.extra) == set(TRUTH.values())
        assert bool((s.mask == 1).all())


def test_watch_share_and_view_agree():
    ds = feed(n_impressions=20_000)
    y = rows(ds, "y")
    view, watch = y[:, 0], y[:, 1]
    assert watch.min() >= 0 and watch.max() <= 1
    np.testing.assert_array_equal(view == 1, watch >= TAU)  # an effective view is a watch share of at least τ
    assert set(np.unique(y[:, [0, 2, 3, 4]])) <= {0.0, 1.0}


@pytest.mark.parametrize("given", [{}, {"view_rate": 0.3, "like_rate": 0.01, "follow_rate": 0.002,
                                        "share_rate": 0.02, "relatedness": -0.5}])
def test_marginal_rates_match_the_knobs(given):
    ds = feed(n_impressions=120_000, **given)
    info = DATASETS["feed"]
    p = resolve_params(info.params, given, "data")
    y = rows(ds, "y")
    for i, t in enumerate(TASKS):
        if t == "watch":
            continue
        rate = p[f"{t}_rate"]
        assert abs(truth(ds, t).mean() - rate) < 1e-3 * rate + 1e-6  # calibrated exactly
        se = np.sqrt(rate * (1 - rate) / len(y))
        assert abs(y[:, i].mean() - rate) < 5 * se, (t, y[:, i].mean(), rate)  # the labels follow
    assert abs(y[:, 1].mean() - truth(ds, "watch").mean()) < 0.005  # watch: E[share] is what is kept


@pytest.mark.parametrize("task", ["view", "like"])
def test_labels_calibrated_to_true_probabilities(task):
    ds = feed(n_impressions=120_000)
    p, y = truth(ds, task), rows(ds, "y")[:, TASKS.index(task)]
    edges = np.quantile(p, np.linspace(0, 1, 11))
    bins = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, 9)
    for b in range(10):
        sel = bins == b
        pm = p[sel].mean()
        assert abs(y[sel].mean() - pm) < 4.5 * np.sqrt(pm * (1 - pm) / sel.sum()) + 1e-3, (b, y[sel].mean(), pm)


def test_relatedness_sets_the_group_score_correlation_and_moves_label_correlations():
    rhos = (-0.8, -0.4, 0.0, 0.4, 0.8)
    metas = [feed(relatedness=r, n_impressions=30_000).meta for r in rhos]
    scores = [m["group_score_corr"] for m in metas]
    for r, c in zip(rhos, scores):
        assert abs(c - r) < 0.1, (r, c)
    # every consumption-interaction pair of scores and of labels rises with ρ
    for a in (0, 1):
        for b in (2, 3, 4):
            s = [m["score_corr_matrix"][a][b] for m in metas]
            assert all(x < y for x, y in zip(s, s[1:])), (a, b, s)
    view_like = [m["label_pearson"] for m in metas]
    assert all(x < y for x, y in zip(view_like, view_like[1:])), view_like


def test_coherence_ties_the_interaction_tasks_together():
    low, high = (feed(coherence=g, n_impressions=30_000).meta["score_corr_matrix"] for g in (0.0, 0.9))
    for a, b in ((2, 3), (2, 4), (3, 4)):
        assert abs(low[a][b]) < 0.1 and high[a][b] > 0.7


def test_follow_comes_mostly_after_a_long_view():
    m = feed(n_impressions=120_000).meta
    assert m["follow_given_view"] > 8 * m["follow_given_no_view"]
    # with no dependency and unrelated groups, a view says nothing about a follow
    m0 = feed(n_impressions=120_000, dependency=0.0, relatedness=0.0).meta
    assert 0.7 < m0["follow_given_view"] / m0["follow_given_no_view"] < 1.4


def test_sparsity_knob():
    dense_world, sparse_world = feed(n_impressions=20_000, n_users=100), feed(n_impressions=20_000, n_users=10_000)
    assert dense_world.meta["impressions_per_user"] == 200 and sparse_world.meta["impressions_per_user"] == 2
    assert len(np.unique(rows(sparse_world, "cat")[:, 0])) > 10 * len(np.unique(rows(dense_world, "cat")[:, 0]))


def test_seed_determinism():
    a, b, c = feed(seed=3, n_impressions=5_000), DATASETS["feed"].build(
        resolve_params(DATASETS["feed"].params, {"n_impressions": 5_000}, "data"), 3), feed(seed=4, n_impressions=5_000)
    for attr in ("dense", "cat", "y"):
        assert torch.equal(getattr(a.train, attr), getattr(b.train, attr))
        assert torch.equal(getattr(a.test, attr), getattr(b.test, attr))
    for k in a.train.extra:
        assert torch.equal(a.train.extra[k], b.train.extra[k])
    assert not torch.equal(a.train.cat, c.train.cat) and not torch.equal(a.train.y, c.train.y)


@pytest.mark.parametrize("given,field", [({"view_rate": 0.99}, "data.view_rate"),
                                         ({"follow_rate": 0.0}, "data.follow_rate"),
                                         ({"relatedness": 1.5}, "data.relatedness"),
                                         ({"n_authors": 1}, "data.n_authors"),
                                         ({"dependency": -1}, "data.dependency"),
                                         ({"n_impressions": 10}, "data.n_impressions")])
def test_invalid_params_name_the_field_and_the_range(given, field):
    with pytest.raises(ConfigError) as e:
        resolve_params(DATASETS["feed"].params, given, "data")
    assert field in str(e.value) and "in [" in str(e.value)


# ------------------------------------------------------------------------------------------------- fusion
def test_fusion_score_known_answers():
    probs = {"view": np.array([0.5, 0.2]), "like": np.array([0.1, 0.4])}
    np.testing.assert_allclose(fusion_score(probs, {"view": 1.0, "like": 2.0}), [0.7, 1.0])
    np.testing.assert_allclose(fusion_score(probs, {"view": 1.0, "like": 0.5}, "product"),
                               [(0.5 + 1e-6) * (0.1 + 1e-6) ** 0.5, (0.2 + 1e-6) * (0.4 + 1e-6) ** 0.5])
    np.testing.assert_allclose(fusion_score(probs, {"view": 1.0, "follow": 0.0}), probs["view"])  # weight 0: ignored
    with pytest.raises(ConfigError, match="fusion.form"):
        fusion_score(probs, {"view": 1.0}, "max")
    with pytest.raises(ConfigError, match="fusion.weights"):
        fusion_score(probs, {"share": 1.0})


def test_topk_value_by_hand():
    groups = np.array([0, 0, 0, 1, 1])
    value = np.array([1.0, 5.0, 2.0, 3.0, 4.0])
    scores = np.array([0.9, 0.1, 0.5, 0.2, 0.8])
    # user 0's top 2 by score: items 0 and 2 (1 + 2); user 1's: items 4 and 3 (4 + 3)
    assert topk_value(scores, value, groups, 2) == pytest.approx((3 + 7) / 2)
    assert topk_value(scores, value, groups, 1) == pytest.approx((1 + 4) / 2)
    assert topk_value(value, value, groups, 1) == pytest.approx((5 + 4) / 2)  # ranking by value itself is best
    with pytest.raises(ConfigError):
        topk_value(scores, value, groups, 0)


def test_ranking_by_the_true_value_beats_ranking_by_views_alone_and_at_random():
    ds = feed(n_impressions=50_000, n_users=500)
    t = truth_of(ds.test)
    value = true_value(t)
    np.testing.assert_allclose(value, sum(DEFAULT_VALUE[k] * t[k] for k in TASKS), rtol=1e-6)
    users = ds.test.cat[:, 0].numpy()
    best = topk_value(value, value, users, 3)
    views = topk_value(fusion_score(t, {"view": 1.0}), value, users, 3)
    rand = topk_value(np.random.default_rng(0).random(len(value)), value, users, 3)
    assert best > views > rand


def test_trains_on_the_feed_with_a_single_task_baseline():
    cfg = default_config(**{"data": "feed", "model": "mmoe", "data.n_impressions": 3000, "train.epochs": 1,
                            "train.batch_size": 128, "train.snapshots_per_epoch": 1, "train.baseline": True})
    last = list(train(cfg))[-1]
    assert last.done and last.val_loss.shape == (1, 5) and np.isfinite(last.val_loss).all()
    assert np.isfinite(last.val_auc[0, [0, 2, 3, 4]]).all() and np.isnan(last.val_auc[0, 1])  # watch: regression
