"""Known answers for the datasets: synthetic (MMoE paper) and funnel (ESMM world)."""
from functools import lru_cache

import numpy as np
import pytest
import torch

from mtl_core.data import DATASETS
from mtl_core.params import ConfigError, resolve_params


def build(dataset_id, seed=0, **given):
    info = DATASETS[dataset_id]
    return info.build(resolve_params(info.params, given, "data"), seed)


def all_rows(ds, attr):
    return torch.cat([getattr(s, attr) for s in (ds.train, ds.val, ds.test)])


def all_extra(ds, key):
    return torch.cat([s.extra[key] for s in (ds.train, ds.val, ds.test)]).numpy()


def test_registry_order_and_entries():
    assert list(DATASETS)[:2] == ["synthetic", "funnel"]
    for info in DATASETS.values():
        p = resolve_params(info.params, {}, "data")
        assert info.spec(p).task_names  # spec works without generating data


# ----------------------------------------------------------------------------------------- synthetic
SMALL = dict(n_train=3000, n_val=500, n_test=500)


def test_synthetic_rho_one_identical_weights_and_labels():
    ds = build("synthetic", rho=1.0, **SMALL)
    w = ds.meta["weights"]
    np.testing.assert_allclose(w[0], w[1], atol=1e-12)
    assert ds.meta["label_pearson"] > 0.95


def test_synthetic_rho_zero_uncorrelated_labels():
    r = [build("synthetic", seed=s, rho=0.0, **SMALL).meta["label_pearson"] for s in range(5)]
    assert abs(np.mean(r)) < 0.1


def test_synthetic_label_correlation_monotone_in_rho():
    rhos = (0.0, 0.25, 0.5, 0.75, 1.0)
    mean_r = [np.mean([build("synthetic", seed=s, rho=rho, **SMALL).meta["label_pearson"] for s in range(4)])
              for rho in rhos]
    assert all(a < b for a, b in zip(mean_r, mean_r[1:])), mean_r
    assert mean_r[-1] > 0.95


@pytest.mark.parametrize("rho", [-0.9, -0.3, 0.0, 0.4, 0.8, 1.0])
def test_synthetic_weight_cosine_and_norm(rho):
    ds = build("synthetic", rho=rho, c=2.5, **SMALL)
    assert abs(ds.meta["weight_cosine"] - rho) < 1e-6
    np.testing.assert_allclose(np.linalg.norm(ds.meta["weights"], axis=1), 2.5, rtol=1e-9)


def test_synthetic_seed_determinism():
    a, b, c = build("synthetic", seed=3, **SMALL), build("synthetic", seed=3, **SMALL), build("synthetic", seed=4, **SMALL)
    for attr in ("dense", "y", "mask"):
        assert torch.equal(getattr(a.train, attr), getattr(b.train, attr))
        assert torch.equal(getattr(a.test, attr), getattr(b.test, attr))
    assert not torch.equal(a.train.dense, c.train.dense)
    assert not torch.equal(a.train.y, c.train.y)


def test_synthetic_ab_mode():
    fixed = [build("synthetic", seed=s, ab_mode="fixed", **SMALL).meta for s in (0, 1)]
    np.testing.assert_array_equal(fixed[0]["alpha"], fixed[1]["alpha"])
    np.testing.assert_array_equal(fixed[0]["beta"], fixed[1]["beta"])
    rand = [build("synthetic", seed=s, ab_mode="random", **SMALL).meta for s in (0, 1)]
    assert not np.array_equal(rand[0]["alpha"], rand[1]["alpha"])
    assert not np.array_equal(rand[0]["beta"], rand[1]["beta"])


def test_synthetic_three_tasks_all_cosine_rho_to_task1():
    ds = build("synthetic", rho=0.6, n_tasks=3, **SMALL)
    assert ds.train.y.shape[1] == 3 and ds.spec.task_names == ("task1", "task2", "task3")
    w = ds.meta["weights"]
    for k in (1, 2):
        assert abs(w[0] @ w[k] / (np.linalg.norm(w[0]) * np.linalg.norm(w[k])) - 0.6) < 1e-6


def test_synthetic_split_sizes_and_shapes():
    ds = build("synthetic", n_train=1234, n_val=321, n_test=222, d=7)
    assert (len(ds.train), len(ds.val), len(ds.test)) == (1234, 321, 222)
    assert ds.train.dense.shape == (1234, 7) and ds.train.cat.shape == (1234, 0)
    assert ds.train.y.shape == ds.train.mask.shape == (1234, 2) and bool((ds.train.mask == 1).all())


@pytest.mark.parametrize("given,field", [({"rho": 1.5}, "data.rho"), ({"n_tasks": 1}, "data.n_tasks"),
                                         ({"ab_mode": "sometimes"}, "data.ab_mode"), ({"bogus": 1}, "data.bogus")])
def test_synthetic_invalid_params_name_the_field(given, field):
    with pytest.raises(ConfigError) as e:
        resolve_params(DATASETS["synthetic"].params, given, "data")
    assert field in str(e.value)


# ----------------------------------------------------------------------------------------- funnel
@lru_cache(maxsize=None)
def funnel(seed=0, **given):
    return build("funnel", seed, **given)


def big():
    return funnel(n_impressions=300_000)


def test_funnel_param_order():
    names = [p.name for p in DATASETS["funnel"].params]
    assert names == ["n_impressions", "n_users", "n_items", "latent_dim", "base_ctr", "base_cvr", "relatedness",
                     "selection_strength", "bias_std", "latent_std", "n_dense", "val_frac", "test_frac"]


def test_funnel_shapes_schema_and_ids():
    ds = funnel(n_impressions=20_000, n_users=300, n_items=50, n_dense=3)
    assert ds.spec.task_names == ("ctr", "cvr") and ds.spec.tasks[1].space == "ctr"
    assert ds.spec.schema.n_dense == 3
    assert ds.spec.schema.categorical == (("user_id", 300), ("item_id", 50))
    assert (len(ds.train), len(ds.val), len(ds.test)) == (14_000, 3_000, 3_000)
    for s in (ds.train, ds.val, ds.test):
        n = len(s)
        assert s.dense.shape == (n, 3) and s.cat.shape == (n, 2) and s.y.shape == s.mask.shape == (n, 2)
        assert s.cat.dtype == torch.int64 and s.y.dtype == torch.float32
        assert set(s.extra) == {"true_pctr", "true_pcvr", "conv_if_clicked"}
        assert all(v.shape == (n,) for v in s.extra.values())
    cat = all_rows(ds, "cat")
    assert cat.min() >= 0 and cat[:, 0].max() < 300 and cat[:, 1].max() < 50
    assert len(cat[:, 1].unique()) == 50  # every item shown at least once at this density


def test_funnel_masks_and_label_logic():
    ds = funnel(n_impressions=50_000)
    y, mask = all_rows(ds, "y"), all_rows(ds, "mask")
    conv_if = torch.from_numpy(all_extra(ds, "conv_if_clicked"))
    assert bool((mask[:, 0] == 1).all())
    assert torch.equal(mask[:, 1], y[:, 0])  # CVR sample space = clicked impressions
    assert bool((y[:, 1] <= y[:, 0]).all())  # conversion implies click
    assert torch.equal(y[:, 1], y[:, 0] * conv_if)
    assert ds.meta["entire_space_labels"] == {"cvr": "conv_if_clicked"}
    assert ds.meta["n_clicks"] == int(y[:, 0].sum()) and ds.meta["n_conversions"] == int(y[:, 1].sum())


def test_funnel_rates_match_base_rates():
    m = big().meta
    assert abs(m["ctr"] - 0.08) < 0.004
    assert abs(m["cvr_given_click"] - 0.4) < 0.02
    m = funnel(n_impressions=300_000, base_ctr=0.3, base_cvr=0.1, relatedness=-0.5, seed=2).meta
    assert abs(m["ctr"] - 0.3) < 0.006 and abs(m["cvr_given_click"] - 0.1) < 0.01


def test_funnel_selection_bias_direction():
    m = big().meta  # relatedness 0.7: clicked impressions convert more than the average impression would
    assert m["mean_true_pcvr_clicked"] > m["mean_true_pcvr_all"] + 0.1


@pytest.mark.parametrize("given", [{}, {"latent_std": 1.5, "bias_std": 0.3}, {"bias_std": 2.0, "latent_std": 0.5}])
def test_funnel_logit_correlation_tracks_relatedness(given):
    rhos = (-0.8, -0.4, 0.0, 0.4, 0.8, 1.0)
    corr = [funnel(relatedness=r, n_impressions=20_000, **given).meta["logit_corr"] for r in rhos]
    assert all(a < b for a, b in zip(corr, corr[1:])), corr
    for r, c in zip(rhos, corr):
        assert abs(c - r) < 0.1, (r, c)
        assert r == 0 or np.sign(c) == np.sign(r)


def test_funnel_logit_correlation_matches_true_probabilities():
    ds = funnel(relatedness=0.5, n_impressions=20_000, n_dense=4)
    pctr, pcvr = all_extra(ds, "true_pctr").astype(float), all_extra(ds, "true_pcvr").astype(float)
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    assert abs(np.corrcoef(logit(pctr), logit(pcvr))[0, 1] - ds.meta["logit_corr"]) < 1e-3


@pytest.mark.parametrize("label,prob", [("click", "true_pctr"), ("conv_if_clicked", "true_pcvr")])
def test_funnel_labels_calibrated_to_true_probabilities(label, prob):
    ds = big()
    p = all_extra(ds, prob).astype(float)
    y = all_rows(ds, "y")[:, 0].numpy() if label == "click" else all_extra(ds, label)
    edges = np.quantile(p, np.linspace(0, 1, 11))
    bins = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, 9)
    for b in range(10):
        sel = bins == b
        pm = p[sel].mean()
        se = np.sqrt(pm * (1 - pm) / sel.sum())
        assert abs(y[sel].mean() - pm) < 4.5 * se + 1e-3, (b, y[sel].mean(), pm)


def test_funnel_seed_determinism():
    a, b, c = funnel(seed=5, n_impressions=5_000, n_dense=2), build("funnel", 5, n_impressions=5_000, n_dense=2), \
        funnel(seed=6, n_impressions=5_000, n_dense=2)
    for attr in ("dense", "cat", "y", "mask"):
        assert torch.equal(getattr(a.train, attr), getattr(b.train, attr))
        assert torch.equal(getattr(a.test, attr), getattr(b.test, attr))
    for k in a.train.extra:
        assert torch.equal(a.train.extra[k], b.train.extra[k])
    assert not torch.equal(a.train.cat, c.train.cat)
    assert not torch.equal(a.train.extra["true_pctr"], c.train.extra["true_pctr"])


def test_funnel_meta_numbers():
    m = big().meta
    y = all_rows(big(), "y").numpy()
    assert abs(m["label_pearson"] - np.corrcoef(y[:210_000, 0], y[:210_000, 1])[0, 1]) < 1e-9
    assert m["n_impressions"] == 300_000 and m["impressions_per_user"] == 150.0


@pytest.mark.parametrize("given,field", [({"relatedness": 1.2}, "data.relatedness"),
                                         ({"n_impressions": 10}, "data.n_impressions"),
                                         ({"base_ctr": 0.0}, "data.base_ctr")])
def test_funnel_invalid_params_name_the_field(given, field):
    with pytest.raises(ConfigError) as e:
        resolve_params(DATASETS["funnel"].params, given, "data")
    assert field in str(e.value)
