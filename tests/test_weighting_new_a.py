"""UPGrad, DualProj, ConFIG, GradDrop, GLS, MoCo and IMTL's pseudo-inverse: known answers from the papers'
properties and independent references (scipy's NNLS for the dual-cone projections, autograd for GLS, MGDA's
min-norm point for MoCo's fixed point), and batched runs equal runs alone inside the engine.
(The comparison with TorchJD: test_weighting_torchjd.py.)
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.optimize import nnls

from mtl_core.config import default_config
from mtl_core.data.base import TaskSpec
from mtl_core.params import ConfigError
from mtl_core.train import RunSpec, train
from mtl_core.weighting import WEIGHTINGS, StepContext, build_weighting
from mtl_core.weighting.dual_cone import project_dual_cone
from mtl_core.weighting.gls import gls_weights
from mtl_core.weighting.graddrop import graddrop_combine
from mtl_core.weighting.moco import project_simplex
from mtl_core.weighting.solvers import gram, min_norm_weights

NEW = ("upgrad", "dualproj", "config", "graddrop", "gls", "moco")
CTX = StepContext(step=0, epoch=0, params={}, shared=[], last_shared=[])


def tasks(n: int) -> tuple[TaskSpec, ...]:
    return tuple(TaskSpec(f"t{i}", "regression") for i in range(n))


def grads(R: int, T: int, P: int = 9, seed: int = 0) -> torch.Tensor:
    """(R, T, P) float64 Gaussian task gradients (random directions conflict often)."""
    return torch.randn(R, T, P, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def combine(wid: str, G: torch.Tensor, losses=None, **hp):
    R, T, _ = G.shape
    w = build_weighting(wid, tasks(T), list(range(R)), hp)
    losses = torch.ones(R, T, dtype=G.dtype) if losses is None else losses
    return w.combine(G, losses, CTX)


def nnls_projection(J: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Projection of x onto {d : Jd >= 0} by Moreau's decomposition: x + Jᵀλ with λ = argmin_{λ>=0} ||x + Jᵀλ||."""
    lam, _ = nnls(J.T, -x)
    return x + J.T @ lam


# ------------------------------------------------------------------------------------------------ UPGrad
@pytest.mark.parametrize("T", [2, 3, 5])
def test_upgrad_is_the_sum_of_dual_cone_projections_and_conflicts_with_no_task(T):
    G = grads(3, T, seed=T)
    G[:, 0] *= torch.tensor([1.0, 30.0, 0.05], dtype=G.dtype)[:, None]  # scales differing between runs
    d, w = combine("upgrad", G)
    for r in range(3):
        J = G[r].numpy()
        expected = sum(nnls_projection(J, J[i]) for i in range(T))
        np.testing.assert_allclose(d[r].numpy(), expected, rtol=1e-6, atol=1e-8 * np.abs(expected).max())
        assert ((G[r] @ d[r]) >= -1e-9 * d[r].norm() * G[r].norm(dim=1)).all()  # no task's loss increases
    assert (w >= 1 - 1e-9).all()  # each projection keeps all of its own gradient
    torch.testing.assert_close(torch.einsum("rt,rtp->rp", w, G), d)


def test_upgrad_and_dualproj_without_conflict_are_the_plain_sum():
    G = grads(2, 4).abs() + 0.1  # all coordinates positive
    for wid in ("upgrad", "dualproj"):
        d, w = combine(wid, G)
        torch.testing.assert_close(d, G.sum(1))
        torch.testing.assert_close(w, torch.ones_like(w))


def test_dual_cone_projection_with_linearly_dependent_gradients():
    G = grads(1, 3, seed=7)
    G[:, 2] = G[:, 0] + G[:, 1]
    V = project_dual_cone(gram(G), torch.eye(3, dtype=G.dtype)[None])  # (1, 3, 3)
    J = G[0].numpy()
    for i in range(3):
        np.testing.assert_allclose((V[0, i] @ G[0]).numpy(), nnls_projection(J, J[i]), atol=1e-7)


def test_dual_cone_projection_matches_nnls_on_gradients_of_very_different_sizes():
    """Norms spread over ~6 orders of magnitude, some dependent rows: a tiny gradient's constraint still counts."""
    worst = 0.0
    for trial in range(60):
        T = (2, 3, 4, 5, 8)[trial % 5]
        g = torch.Generator().manual_seed(trial)
        G = torch.randn(1, T, 6, generator=g, dtype=torch.float64) * 100 * torch.rand(1, T, 1, generator=g,
                                                                                          dtype=torch.float64) ** 3
        if trial % 7 == 0 and T >= 3:
            G[:, 2] = G[:, 0] + G[:, 1]
        V = project_dual_cone(gram(G), torch.eye(T, dtype=G.dtype)[None])
        J = G[0].numpy()
        for i in range(T):
            err = np.abs((V[0, i] @ G[0]).numpy() - nnls_projection(J, J[i])).max() / np.abs(J[i]).max()
            worst = max(worst, err)
    assert worst < 1e-7, worst


# ------------------------------------------------------------------------------------------------ DualProj
@pytest.mark.parametrize("T", [2, 3, 5])
def test_dualproj_projects_the_sum_onto_the_dual_cone(T):
    G = grads(2, T, seed=10 + T)
    d, w = combine("dualproj", G)
    for r in range(2):
        J = G[r].numpy()
        np.testing.assert_allclose(d[r].numpy(), nnls_projection(J, J.sum(0)), rtol=1e-6, atol=1e-9)
    assert (w >= 1 - 1e-9).all()


# ------------------------------------------------------------------------------------------------ ConFIG
@pytest.mark.parametrize("T", [2, 3, 5])
def test_config_makes_the_same_angle_with_every_task_and_has_the_sums_projection_length(T):
    G = grads(3, T, seed=20 + T)
    G[:, -1] *= 40.0  # one loud task: the angle stays equal, whatever the norms
    d, w = combine("config", G)
    unit = G / G.norm(dim=2, keepdim=True)
    cos = (unit @ d[:, :, None])[:, :, 0] / d.norm(dim=1, keepdim=True)  # (R, T)
    torch.testing.assert_close(cos, cos[:, :1].expand_as(cos), rtol=1e-8, atol=1e-10)
    assert (cos > 0).all()
    d_hat = d / d.norm(dim=1, keepdim=True)
    torch.testing.assert_close(d.norm(dim=1), (G.sum(1) * d_hat).sum(1))  # length: the sum's projection
    torch.testing.assert_close(torch.einsum("rt,rtp->rp", w, G), d)


def test_config_two_tasks_bisects_the_unit_gradients():
    G = torch.tensor([[[3.0, 0.0], [0.0, -0.5]]], dtype=torch.float64)
    d, _ = combine("config", G)
    direction = torch.tensor([1.0, -1.0], dtype=torch.float64) / 2 ** 0.5
    torch.testing.assert_close(d[0], (G[0].sum(0) @ direction) * direction)


def test_config_task_without_gradient_is_left_out():
    G = grads(1, 3, seed=3)
    G[:, 1] = 0
    d, w = combine("config", G)
    d2, _ = combine("config", G[:, [0, 2]])
    torch.testing.assert_close(d, d2)
    assert w[0, 1] == 0


# ------------------------------------------------------------------------------------------------ GradDrop
def test_graddrop_keeps_gradients_whose_signs_agree():
    G = grads(2, 3).abs() * torch.tensor([1.0, -1.0] * 4 + [1.0], dtype=torch.float64)  # same sign per coordinate
    for seed in range(3):
        d, w = combine("graddrop", G, leak=0.0) if seed == 0 else (
            build_weighting("graddrop", tasks(3), [seed, seed + 5]).combine(G, torch.ones(2, 3), CTX))
        torch.testing.assert_close(d, G.sum(1))
        torch.testing.assert_close(w, torch.ones_like(w))


def test_graddrop_keeps_one_sign_per_coordinate_and_is_unbiased():
    """Where signs conflict, the update keeps only the positive or only the negative gradients; P(positive)
    = the purity Σpos/(Σpos − Σneg), so the expected update is the plain sum."""
    G = grads(1, 3, P=6, seed=4)
    pos, neg = G.clamp_min(0).sum(1), G.clamp_max(0).sum(1)  # (1, P)
    U = torch.rand(20_000, 6, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    d, w = graddrop_combine(G.expand(20_000, -1, -1), U, torch.zeros(20_000, 1, dtype=G.dtype))
    assert ((d - pos).abs() < 1e-12).logical_or((d - neg).abs() < 1e-12).all()
    torch.testing.assert_close(d.mean(0), G.sum(1)[0], atol=0.05 * G.abs().max().item(), rtol=0)
    assert ((w >= 0) & (w <= 1)).all()
    leaky, _ = graddrop_combine(G, U[:1], torch.ones(1, 1, dtype=G.dtype))  # leak 1: nothing dropped
    torch.testing.assert_close(leaky, G.sum(1))


def test_graddrop_runs_draw_from_their_own_generators():
    G = grads(1, 3, P=50, seed=5)
    one = build_weighting("graddrop", tasks(3), [7]).combine(G, torch.ones(1, 3), CTX)[0]
    two = build_weighting("graddrop", tasks(3), [3, 7]).combine(G.expand(2, -1, -1), torch.ones(2, 3), CTX)[0]
    torch.testing.assert_close(two[1], one[0])
    assert not torch.allclose(two[0], two[1])


# ------------------------------------------------------------------------------------------------ GLS
def test_gls_weights_are_the_geometric_mean_over_each_loss_and_give_T_times_its_gradient():
    L = torch.tensor([[0.5, 2.0, 8.0], [1.0, 1.0, 1.0]], dtype=torch.float64)
    w = gls_weights(L)
    torch.testing.assert_close(w[0], 2.0 / L[0])  # geometric mean of 0.5, 2, 8 is 2
    torch.testing.assert_close(w[1], torch.ones(3, dtype=torch.float64))  # equal losses: EW
    x = torch.tensor([0.3, -1.2], dtype=torch.float64, requires_grad=True)
    A = torch.tensor([[1.0, 2.0], [-1.0, 0.5], [0.2, 0.2]], dtype=torch.float64)
    losses = ((A @ x) ** 2 + 0.1)[None]  # (1, 3), positive
    weighted = (build_weighting("gls", tasks(3), [0]).weights(losses, CTX) * losses).sum()
    (g_ours,) = torch.autograd.grad(weighted, x, retain_graph=True)
    (g_ref,) = torch.autograd.grad(3 * losses.prod() ** (1 / 3), x)
    torch.testing.assert_close(g_ours, g_ref)


def test_gls_leaves_out_a_task_without_loss():
    w = gls_weights(torch.tensor([[4.0, 0.0, 1.0]]))
    torch.testing.assert_close(w, torch.tensor([[0.5, 0.0, 2.0]]))


# ------------------------------------------------------------------------------------------------ MoCo
def test_simplex_projection_is_the_closest_point_on_the_simplex():
    v = torch.randn(50, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * 2
    w = project_simplex(v)
    torch.testing.assert_close(w.sum(1), torch.ones(50, dtype=torch.float64))
    assert (w >= 0).all()
    for _ in range(200):  # no random point of the simplex is closer
        q = torch.distributions.Dirichlet(torch.ones(4, dtype=torch.float64)).sample((50,))
        assert ((v - q).norm(dim=1) >= (v - w).norm(dim=1) - 1e-12).all()
    torch.testing.assert_close(project_simplex(torch.tensor([[0.2, 0.3, 0.5]])), torch.tensor([[0.2, 0.3, 0.5]]))


def test_moco_tracks_gradients_and_steps_its_weights_by_hand():
    G1, G2 = grads(1, 2, P=4, seed=1), grads(1, 2, P=4, seed=2)
    m = build_weighting("moco", tasks(2), [0], {"beta": 0.4, "beta_sigma": 0.0, "lambda_lr": 0.05,
                                                 "lambda_sigma": 0.0, "normalize": "none", "lambda_reg": 0.1})
    lam = torch.full((1, 2), 0.5, dtype=torch.float64)
    y = torch.zeros_like(G1)
    for G in (G1, G2):
        d, w = m.combine(G, torch.ones(1, 2, dtype=G.dtype), CTX)
        y = y - 0.4 * (y - G)
        lam = project_simplex(lam - 0.05 * ((y @ y.transpose(1, 2)) @ lam[:, :, None])[:, :, 0] - 0.05 * 0.1 * lam)
        torch.testing.assert_close(d, 2 * torch.einsum("rt,rtp->rp", lam, y))
        torch.testing.assert_close(m.state()["lambda"].double(), lam, rtol=1e-6, atol=1e-7)


def test_moco_without_tracking_converges_to_mgdas_min_norm_weights():
    """β = 1 (y = this step's gradient), a constant step: λ follows projected gradient descent on λᵀ(YᵀY)λ,
    whose minimiser on the simplex is MGDA's min-norm point."""
    G = grads(2, 3, P=5, seed=9)
    m = build_weighting("moco", tasks(3), [0, 1], {"beta": 1.0, "beta_sigma": 0.0, "lambda_lr": 0.05,
                                                    "lambda_sigma": 0.0, "normalize": "none"})
    for _ in range(800):
        m.combine(G, torch.ones(2, 3, dtype=G.dtype), CTX)
    torch.testing.assert_close(m.state()["lambda"].double(), min_norm_weights(gram(G)), atol=1e-4, rtol=0)


def test_moco_loss_normalisation_rescales_each_gradient_to_its_loss():
    G = grads(1, 2, P=4, seed=3)
    L = torch.tensor([[2.0, 0.5]], dtype=torch.float64)
    m = build_weighting("moco", tasks(2), [0], {"beta": 1.0, "lambda_lr": 0.0})
    d, w = m.combine(G, L, CTX)
    h = G / G.norm(dim=2, keepdim=True) * L[:, :, None]
    torch.testing.assert_close(d, h.sum(1), rtol=1e-6, atol=1e-7)  # λ stays at 1/T; times T
    torch.testing.assert_close(torch.einsum("rt,rtp->rp", w, G), d, rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------------------------------------------ IMTL
def test_imtl_g_with_linearly_dependent_gradients_returns_the_least_squares_direction():
    """g3 = g1 + g2: the Gram matrix is singular. IMTL-G's α ∝ M⁺n (least-squares equal projections)."""
    G = grads(1, 3, P=6, seed=11).float()
    G[:, 2] = G[:, 0] + G[:, 1]
    d, w = combine("imtl", G, variant="g", mode="params")
    M = (G[0].double() @ G[0].double().T).numpy()
    n = np.sqrt(np.diag(M))
    alpha = np.linalg.pinv(M, rcond=1e-10, hermitian=True) @ n
    expected = 3 * (alpha / abs(alpha.sum())) @ G[0].double().numpy()
    assert d.norm() > 0.1 * G.sum(1).norm()  # the ridged solve gave an update of norm ~1e-8
    np.testing.assert_allclose(d[0].double().numpy(), expected, rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------------------------------------ registry
def test_new_strategies_are_registered_with_papers_and_validated_parameters():
    for wid in NEW:
        info = WEIGHTINGS[wid]
        assert info.paper and info.year >= 2017 and info.description and info.cls.__doc__
        assert info.cls.__module__.endswith("." + wid)
        for p in info.params:
            assert p.help and (p.choices or (p.low is not None and p.high is not None)), (wid, p.name)
    with pytest.raises(ConfigError, match="weighting.leak"):
        default_config(**{"weighting": "graddrop", "weighting.leak": 1.5})
    with pytest.raises(ConfigError, match="weighting.beta"):
        default_config(**{"weighting": "moco", "weighting.beta": -0.1})
    assert WEIGHTINGS["config"].cls.signed_weights and not WEIGHTINGS["upgrad"].cls.signed_weights


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("wid", NEW)
def test_cuda_combine_equals_cpu(wid):
    G = grads(2, 3, seed=1).float()
    losses = torch.rand(2, 3, generator=torch.Generator().manual_seed(0)) + 0.5
    outs = []
    for dev in ("cpu", "cuda"):
        w = build_weighting(wid, tasks(3), [0, 1]).to(torch.device(dev))
        if w.needs_gradients:
            outs.append([t.cpu() for t in w.combine(G.to(dev), losses.to(dev), CTX)])
        else:
            outs.append([w.weights(losses.to(dev), CTX).cpu()])
    for a, b in zip(*outs):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------------------------------------ engine
ENGINE = {"upgrad": [{}, {}], "dualproj": [{}, {}], "config": [{}, {}], "gls": [{}, {}],
          "graddrop": [{"leak": 0.0}, {"leak": 0.5}],
          "moco": [{"beta": 0.5}, {"beta": 0.9, "lambda_lr": 0.5, "lambda_reg": 0.1}]}


@pytest.mark.slow
@pytest.mark.parametrize("wid", list(ENGINE))
def test_batched_runs_equal_runs_alone_in_the_engine(wid):
    """Two seeds with their own hyper-parameters trained as one batch (vmap): run r equals seed r alone."""
    cfg = default_config(**{"weighting": wid, "train.epochs": 1, "data.n_train": 300, "data.n_val": 100,
                            "data.n_test": 100, "train.batch_size": 64, "train.device": "cpu", "data.rho": -0.3})
    seeds, sets = [3, 5], ENGINE[wid]
    runs = [RunSpec(s, overrides={f"weighting.{k}": v for k, v in p.items()}) for s, p in zip(seeds, sets)]
    batched = list(train(cfg, runs))[-1]
    for r, (seed, p) in enumerate(zip(seeds, sets)):
        alone = list(train(cfg.with_changes(**{"train.seed": seed}, **{f"weighting.{k}": v for k, v in p.items()})))[-1]
        np.testing.assert_allclose(batched.weights[r], alone.weights[0], rtol=1e-3, atol=1e-5)
        np.testing.assert_allclose(batched.val_loss[r], alone.val_loss[0], rtol=1e-4, atol=1e-5)
        for k, v in batched.weighting_state.items():
            np.testing.assert_allclose(v[r], alone.weighting_state[k][0], rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("wid", ["upgrad", "dualproj", "config"])
def test_rep_mode_takes_the_gradients_wrt_the_shared_representation(wid):
    from mtl_core.train import Trainer
    cfg = default_config(**{"data.n_train": 300, "data.n_val": 100, "data.n_test": 100, "model": "shared_bottom",
                            "weighting": wid, "weighting.mode": "rep", "data.rho": -0.5})
    trainer = Trainer(cfg, [RunSpec(0)])
    member = trainer.main
    batch = trainer.splits["train"].take(torch.arange(128).repeat(1, 1))
    w = member.step(batch, step=0, epoch=0, alive=None)[1]
    assert member.weighting.used_space == "rep" and torch.isfinite(w).all()
