"""Weighting strategies inside the training engine: every strategy trains a real model, and MGDA-UB
differentiates through the model's shared representation (checked against a hand computation)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from mtl_core.config import default_config
from mtl_core.train import Member, RunSpec, StackedSplit, build_datasets, train
from mtl_core.weighting import WEIGHTINGS


@pytest.mark.parametrize("wid", list(WEIGHTINGS))
def test_every_weighting_trains_a_real_model(wid):
    cfg = default_config(**{"weighting": wid, "train.epochs": 1, "data.n_train": 500, "data.n_val": 200,
                            "data.n_test": 200, "train.device": "cpu"})
    snaps = list(train(cfg))
    assert snaps[-1].done
    for s in snaps:
        assert np.isfinite(s.val_loss).all() and np.isfinite(s.weights).all() and (s.weights >= 0).all()
        for v in s.weighting_state.values():
            assert np.isfinite(v).all()
    assert snaps[-1].val_loss.mean() < snaps[0].val_loss.mean() * 1.5


def _member(arch: str, seeds: list[int]):
    cfg = default_config(**{"data.n_train": 300, "data.n_val": 100, "data.n_test": 100, "model": arch,
                            "weighting": "mgda", "data.rho": -0.5})
    datasets = build_datasets(cfg, [RunSpec(s) for s in seeds])
    member = Member(cfg, arch, dict(cfg.model.params), "mgda", dict(cfg.weighting.params), datasets, seeds,
                    torch.device("cpu"))
    split = StackedSplit.of([d.train for d in datasets], torch.device("cpu"))
    return member, split.take(torch.arange(128).repeat(len(seeds), 1))


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
        w = member.step(batch, step=0, epoch=0)[1]
        assert member.weighting.used_mode == "rep"
        torch.testing.assert_close(w[r].float(), expected.float(), rtol=1e-4, atol=1e-5)
        reported[len(seeds)] = w[r]
    torch.testing.assert_close(reported[1], reported[2], rtol=1e-4, atol=1e-6)


def test_mgda_rep_mode_falls_back_to_parameters_without_a_shared_representation():
    member, batch = _member("cross_stitch", [0])  # per-task columns: no single shared representation
    w = member.step(batch, step=0, epoch=0)[1]
    assert member.weighting.used_mode == "params"
    torch.testing.assert_close(w.sum(), torch.tensor(2.0, dtype=w.dtype))  # T·α with α on the simplex
