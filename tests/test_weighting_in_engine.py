"""Weighting strategies inside the training engine: every strategy trains a real model, and MGDA-UB
differentiates through the model's shared representation (checked against a hand computation)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from mtl_core.config import default_config
from mtl_core.train import RunSpec, Trainer, train
from mtl_core.weighting import WEIGHTINGS


@pytest.mark.parametrize("wid", list(WEIGHTINGS))
def test_every_weighting_trains_a_real_model(wid):
    cfg = default_config(**{"weighting": wid, "train.epochs": 1, "data.n_train": 500, "data.n_val": 200,
                            "data.n_test": 200, "train.device": "cpu"})
    snaps = list(train(cfg))
    assert snaps[-1].done
    for s in snaps:
        assert np.isfinite(s.val_loss).all() and np.isfinite(s.weights).all()
        assert WEIGHTINGS[wid].cls.signed_weights or (s.weights >= 0).all()  # Aligned-MTL's may be < 0
        for v in s.weighting_state.values():
            assert np.isfinite(v).all()
    assert snaps[-1].val_loss.mean() < snaps[0].val_loss.mean() * 1.5


def _member(arch: str, seeds: list[int]):
    """The engine's stacked runs of `arch` under MGDA (default mode: rep) and one batch of 128 rows per run."""
    cfg = default_config(**{"data.n_train": 300, "data.n_val": 100, "data.n_test": 100, "model": arch,
                            "weighting": "mgda", "data.rho": -0.5})
    trainer = Trainer(cfg, [RunSpec(s) for s in seeds])
    return trainer.main, trainer.splits["train"].take(torch.arange(128).repeat(len(seeds), 1))


def _step(member, batch) -> torch.Tensor:
    """One engine step; the task weights applied, (R, T)."""
    return member.step(batch, step=0, epoch=0, alive=torch.ones(member.n_runs, dtype=torch.bool))[1]


def test_mgda_ub_uses_gradients_wrt_the_shared_representation():
    """mode=rep: α is the 2-task closed form on ∂L_k/∂Z, Z = Shared-Bottom's bottom output, computed
    by hand; identical for a run alone (R = 1, no vmap) and inside a batch."""
    reported = {}
    for seeds in ([4], [1, 4]):
        member, batch = _member("shared_bottom", seeds)
        r = seeds.index(4)
        params = {n: p[r].detach().clone() for n, p in member.params.items()}
        dense, cat, y, _ = (t[r] for t in batch)
        model = member.model
        z = torch.func.functional_call(model, params, (dense, cat)).extras["shared_rep"].detach().requires_grad_()
        towers = {k[len("towers."):]: v for k, v in params.items() if k.startswith("towers.")}
        outs = torch.func.functional_call(model.towers, towers, ([z, z],))  # task losses as functions of Z
        g = [torch.autograd.grad(((o - y[:, t]) ** 2).mean(), z)[0].reshape(-1) for t, o in enumerate(outs)]
        gamma = ((g[1] - g[0]) @ g[1] / ((g[0] - g[1]) @ (g[0] - g[1]))).clamp(0, 1)
        expected = 2 * torch.stack([gamma, 1 - gamma])
        w = _step(member, batch)
        assert member.weighting.used_space == "rep"
        torch.testing.assert_close(w[r].float(), expected.float(), rtol=1e-4, atol=1e-5)
        reported[len(seeds)] = w[r]
    torch.testing.assert_close(reported[1], reported[2], rtol=1e-4, atol=1e-6)


def test_mgda_rep_mode_falls_back_to_parameters_without_a_shared_representation():
    member, batch = _member("cross_stitch", [0])  # per-task columns: no single shared representation
    w = _step(member, batch)
    assert member.weighting.used_space == "params"
    torch.testing.assert_close(w.sum(), torch.tensor(2.0, dtype=w.dtype))  # T·α with α on the simplex


def test_per_run_static_weights_in_one_batch_equal_runs_alone():
    """A grid of static weights (a Pareto sweep) trained as ONE batch of the same seed: run r equals that
    seed trained alone with its weights."""
    grid = [(1.0, 1.0), (1.0, 3.0), (3.0, 1.0)]
    cfg = default_config(**{"weighting": "static", "train.epochs": 2, "data.n_train": 400, "data.n_val": 200,
                            "data.n_test": 200, "train.batch_size": 64, "train.device": "cpu"})
    batched = list(train(cfg, [RunSpec(5, overrides={"weighting.weights": w}) for w in grid]))[-1]
    for r, w in enumerate(grid):
        alone = list(train(cfg.with_changes(**{"weighting.weights": w, "train.seed": 5})))[-1]
        np.testing.assert_allclose(alone.weights[0], w, rtol=1e-6)
        np.testing.assert_allclose(batched.weights[r], w, rtol=1e-6)
        np.testing.assert_allclose(batched.val_loss[r], alone.val_loss[0], rtol=1e-4, atol=1e-5)
    assert not np.allclose(batched.val_loss[1], batched.val_loss[2])  # the weights made a difference


NEW = {"famo": [{"lr": 0.01}, {"lr": 0.1, "gamma": 0.01}],
       "gradvac": [{"beta": 0.01}, {"beta": 0.5}],
       "imtl": [{}, {}],
       "aligned_mtl": [{}, {}],
       "db_mtl": [{"beta": 0.5}, {"beta": 0.9, "beta_sigma": 0.5}],
       "metabalance": [{"relax": 0.3}, {"relax": 0.9, "beta": 0.5}]}


@pytest.mark.parametrize("wid", list(NEW))
def test_new_strategies_batched_runs_equal_runs_alone(wid):
    """Two seeds with their own hyper-parameters trained as one batch (vmap): run r equals seed r trained
    alone (no vmap) with its values, weights and validation losses alike."""
    cfg = default_config(**{"weighting": wid, "train.epochs": 1, "data.n_train": 400, "data.n_val": 200,
                            "data.n_test": 200, "train.batch_size": 64, "train.device": "cpu",
                            "data.rho": -0.3})
    seeds, sets = [3, 5], NEW[wid]
    runs = [RunSpec(s, overrides={f"weighting.{k}": v for k, v in p.items()}) for s, p in zip(seeds, sets)]
    batched = list(train(cfg, runs))[-1]
    for r, (seed, p) in enumerate(zip(seeds, sets)):
        alone = list(train(cfg.with_changes(**{"train.seed": seed}, **{f"weighting.{k}": v for k, v in p.items()})))[-1]
        np.testing.assert_allclose(batched.weights[r], alone.weights[0], rtol=1e-3, atol=1e-5)
        np.testing.assert_allclose(batched.val_loss[r], alone.val_loss[0], rtol=1e-4, atol=1e-5)
        for k, v in batched.weighting_state.items():
            np.testing.assert_allclose(v[r], alone.weighting_state[k][0], rtol=1e-3, atol=1e-5)
    assert not np.allclose(batched.val_loss[0], batched.val_loss[1])  # two different runs
