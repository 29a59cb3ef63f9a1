"""STCH, ExcessMTL, FairGrad, SDMGrad, MoDo, Auto-Lambda and MultiBalance: known answers from their papers'
properties, independent references (autograd, scipy, brute force) and run independence inside the engine.

As in test_weighting.py, most cases use linear losses L_k = a_k·x + ½h_k² + 1, whose gradient on the shared
parameter x is exactly a_k.
"""
from __future__ import annotations


import numpy as np
import pytest
import torch

from mtl_core.config import default_config
from mtl_core.params import ConfigError
from mtl_core.train import RunSpec, Trainer, train
from mtl_core.weighting import WEIGHTINGS, StepContext, build_weighting
from mtl_core.weighting.fairgrad import fairgrad_weights
from mtl_core.weighting.simplex import project_to_simplex
from mtl_core.weighting.solvers import gram, min_norm_weights, nash_weights

from test_weighting import assert_run_matches, combined, ctx, linear_problem, t64, tasks, train_toy

NEW_B = ("stch", "excess_mtl", "fairgrad", "sdmgrad", "modo", "auto_lambda", "multibalance")


def random_grads(R: int, T: int, P: int, seed: int = 0, scales=(1.0, 10.0, 0.1, 625.0)) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    A = torch.randn(R, T, P, generator=g, dtype=torch.float64)
    return A * torch.tensor(scales[:R] if R <= len(scales) else [1.0] * R, dtype=torch.float64)[:, None, None]


# ------------------------------------------------------------------------------------------------- registry
def test_registered_with_papers_and_validated_parameters():
    for wid in NEW_B:
        info = WEIGHTINGS[wid]
        assert info.paper and info.year >= 2022 and info.description and info.cls.__doc__
        assert info.cls.__module__.endswith(wid)
        for p in info.params:
            assert p.help and (p.choices or (p.low is not None and p.high is not None)), (wid, p.name)
    assert {w for w in NEW_B if WEIGHTINGS[w].gradient_based} == {"excess_mtl", "fairgrad", "sdmgrad", "modo",
                                                                   "multibalance"}
    with pytest.raises(ConfigError, match="weighting.primary"):
        default_config(**{"weighting": "auto_lambda", "weighting.primary": 5})  # the synthetic data has 2 tasks
    with pytest.raises(ConfigError, match="weighting.target"):
        default_config(**{"weighting": "multibalance", "weighting.reference": "target", "weighting.target": 2})
    with pytest.raises(ConfigError, match="weighting.fairness"):
        default_config(**{"weighting": "fairgrad", "weighting.fairness": -1})
    assert default_config(**{"weighting": "auto_lambda", "weighting.primary": 1}).weighting.params["primary"] == 1


def test_simplex_projection_satisfies_its_optimality_conditions():
    """w = Π(v): on the simplex, and v − w is the same constant θ on the support and <= θ off it (KKT)."""
    v = torch.randn(200, 5, generator=torch.Generator().manual_seed(1), dtype=torch.float64) * 3
    w = project_to_simplex(v)
    assert (w >= 0).all() and torch.allclose(w.sum(1), torch.ones(200, dtype=torch.float64))
    gap = v - w
    theta = (gap * (w > 0)).sum(1) / (w > 0).sum(1)
    assert torch.allclose(torch.where(w > 0, gap, theta[:, None]), theta[:, None].expand(-1, 5), atol=1e-12)
    assert (torch.where(w > 0, -torch.inf, v) <= theta[:, None] + 1e-12).all()
    inside = torch.tensor([[0.2, 0.3, 0.5]], dtype=torch.float64)
    assert torch.equal(project_to_simplex(inside), inside)


# ------------------------------------------------------------------------------------------------- STCH
def stch_steps(mu, losses_per_epoch, warmup_epochs=1):
    """weights() on plain loss tensors (R, T), one list of steps per epoch."""
    weighting = build_weighting("stch", tasks(losses_per_epoch[0][0].shape[1]), [0], {"mu": mu,
                                                                                     "warmup_epochs": warmup_epochs})
    out = []
    for epoch, steps in enumerate(losses_per_epoch):
        for s, L in enumerate(steps):
            out.append(weighting.weights(L, ctx({}, step=s, epoch=epoch)))
    return out, weighting


def test_stch_warm_up_trains_the_log_losses_and_measures_the_nadir():
    warm = [t64([[2.0, 0.5]]), t64([[4.0, 1.5]])]
    later = t64([[3.0, 3.0]])
    out, w = stch_steps(1.0, [warm, [later]])
    assert torch.allclose(out[0], 1 / warm[0]) and torch.allclose(out[1], 1 / warm[1])  # ∇ log L = ∇L / L
    assert torch.allclose(w.nadir, t64([[3.0, 1.0]]))  # the mean over the last warm-up epoch
    f = torch.log(later / w.nadir)  # (0, log 3)
    assert torch.allclose(out[2] * later, 2 * torch.softmax(f, 1))


def test_stch_gradient_is_that_of_the_smooth_tchebycheff_objective():
    """Independent reference: autograd of T·μ·log Σ exp(log(L_k/n_k)/μ) on the linear problem."""
    A = t64([[[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]]])
    weighting = build_weighting("stch", tasks(3), [0], {"mu": 0.3, "warmup_epochs": 0})
    nadir = t64([[1.5, 3.0, 2.0]])
    weighting.nadir = nadir
    params, losses = linear_problem(A)
    weighting.backward(losses, ctx(params, epoch=1))
    ref_params, ref_losses = linear_problem(A)
    (3 * 0.3 * torch.logsumexp(torch.log(ref_losses / nadir) / 0.3, dim=1)).sum().backward()
    assert torch.allclose(params["shared"].grad, ref_params["shared"].grad)
    assert torch.allclose(params["head"].grad, ref_params["head"].grad)


def test_stch_small_mu_is_the_tchebycheff_max_and_large_mu_the_log_sum():
    L = t64([[2.0, 1.0, 5.0]])  # nadir = the first step's losses (warmup 0): then L' = (1, 4, 1.5)·nadir
    L2 = L * t64([[1.0, 4.0, 1.5]])
    small, _ = stch_steps(0.01, [[L, L2]], warmup_epochs=0)
    assert torch.allclose(small[1] * L2, t64([[0.0, 3.0, 0.0]]), atol=1e-12)  # all on the worst task: argmax
    large, _ = stch_steps(100.0, [[L, L2]], warmup_epochs=0)
    assert torch.allclose(large[1] * L2, torch.ones(1, 3, dtype=torch.float64), atol=1e-2)  # ≈ Σ log L


def test_stch_task_without_samples_gets_no_weight():
    out, _ = stch_steps(1.0, [[t64([[1.0, 2.0]]), t64([[1.0, 0.0]])]], warmup_epochs=0)
    assert out[1][0, 1] == 0 and torch.isfinite(out[1]).all() and out[1][0, 0] > 0


# ------------------------------------------------------------------------------------------------- ExcessMTL
def test_excess_mtl_first_step_is_equal_and_follows_the_adagrad_excess_risk_by_hand():
    g1, g2 = t64([[[2.0, 0.0], [0.0, 1.0]]]), t64([[[2.0, 0.0], [0.0, 0.1]]])
    weighting = build_weighting("excess_mtl", tasks(2), [0], {"robust_step": 0.5})
    params, losses = linear_problem(g1)
    w1 = weighting.backward(losses, ctx(params))
    assert torch.allclose(w1, torch.ones(1, 2, dtype=torch.float64))  # the first estimate is the baseline
    params, losses = linear_problem(g2)
    w2 = weighting.backward(losses, ctx(params))
    # by hand: E = Σ g² / sqrt(Σ_steps g² + 1e-7); task 0's gradient is unchanged, task 1's fell tenfold
    e1 = torch.stack([(g1[0, k] ** 2 / (g1[0, k] ** 2 + 1e-7).sqrt()).sum() for k in range(2)])
    S = g1[0] ** 2 + g2[0] ** 2
    e2 = torch.stack([(g2[0, k] ** 2 / (S[k] + 1e-7).sqrt()).sum() for k in range(2)])
    expected = 2 * torch.softmax(0.5 * e2 / e1, 0)
    assert torch.allclose(w2[0], expected)
    assert w2[0, 0] > 1 > w2[0, 1]  # the task with the larger excess risk gains weight
    assert torch.allclose(params["shared"].grad, (w2[:, :, None] * g2).sum(1))


def test_excess_mtl_warm_up_keeps_equal_weights_and_averages_the_baseline():
    weighting = build_weighting("excess_mtl", tasks(2), [0], {"warmup_steps": 2})
    A = t64([[[1.0, 0.0], [0.0, 1.0]]])
    for _ in range(2):
        params, losses = linear_problem(A)
        assert torch.allclose(weighting.backward(losses, ctx(params)), torch.ones(1, 2, dtype=torch.float64))
    e = torch.tensor([1 / (1 + 1e-7) ** 0.5 + 1 / (2 + 1e-7) ** 0.5]) / 2  # mean of the two steps' estimates
    assert torch.allclose(weighting.baseline, e.to(weighting.baseline).expand(1, 2))


# ------------------------------------------------------------------------------------------------- FairGrad
@pytest.mark.parametrize("T", [2, 3, 5])
@pytest.mark.parametrize("alpha", [0.5, 1.0, 2.0, 5.0])
def test_fairgrad_weights_solve_the_fixed_point_equation(T, alpha):
    G = random_grads(4, T, 9, seed=T)
    M = gram(G)
    w = fairgrad_weights(M, torch.full((4, 1), alpha, dtype=torch.float64))
    assert (w > 0).all()
    residual = (M @ w[:, :, None])[:, :, 0] * w ** (1 / alpha) - 1  # (GGᵀw)_k = w_k^(−1/α)
    assert residual.abs().max() < 1e-5


def test_fairgrad_matches_scipy_least_squares_as_the_reference_code_solves_it():
    optimize = pytest.importorskip("scipy.optimize")
    G = random_grads(1, 3, 6, seed=7)
    M = gram(G)[0].numpy()
    for alpha in (0.5, 1.0, 2.0):
        res = optimize.least_squares(lambda x: M @ x - np.power(1 / x, 1 / alpha), np.ones(3) / 3,
                                     bounds=(0, np.inf), xtol=1e-15, ftol=1e-15, gtol=1e-15)
        ours = fairgrad_weights(gram(G), torch.full((1, 1), alpha, dtype=torch.float64))[0].numpy()
        np.testing.assert_allclose(ours, res.x, rtol=1e-5)


def test_fairgrad_alpha_one_is_nash_mtl_and_zero_is_ew():
    G = random_grads(3, 3, 5, seed=3)
    w = fairgrad_weights(gram(G), torch.ones(3, 1, dtype=torch.float64))
    torch.testing.assert_close(w, nash_weights(gram(G)), rtol=1e-6, atol=0)
    w0, grad, *_ = combined("fairgrad", G, fairness=0.0)
    assert torch.equal(w0, torch.ones(3, 3, dtype=torch.float64)) and torch.allclose(grad, G.sum(1))


def test_fairgrad_orthogonal_gradients_and_scaling_in_closed_form():
    """Orthogonal g_k: ||g_k||²·w_k = w_k^(−1/α), so w_k = ||g_k||^(−2α/(α+1)); scaling every gradient by c
    scales w by c^(−2α/(α+1))."""
    G = t64([[[2.0, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 3.0]]])
    for alpha in (0.5, 1.0, 3.0):
        a = torch.full((1, 1), alpha, dtype=torch.float64)
        w = fairgrad_weights(gram(G), a)
        torch.testing.assert_close(w, t64([[2.0, 0.5, 3.0]]) ** (-2 * alpha / (alpha + 1)), rtol=1e-7, atol=0)
        G2 = random_grads(1, 3, 4, seed=11)
        torch.testing.assert_close(fairgrad_weights(gram(7 * G2), a),
                                   fairgrad_weights(gram(G2), a) * 7 ** (-2 * alpha / (alpha + 1)), rtol=1e-6, atol=0)


def test_fairgrad_larger_alpha_equalises_the_improvement_of_every_task():
    """u_k = g_kᵀd is each task's first-order improvement; max-min fairness (α → ∞) makes them equal."""
    G = random_grads(1, 3, 6, seed=5)
    spreads = []
    for alpha in (1.0, 5.0, 20.0):
        _, d, *_ = combined("fairgrad", G, fairness=alpha)
        u = (G[0] @ d[0])
        assert (u > 0).all()  # a common descent direction
        spreads.append(float(u.max() / u.min()))
    assert spreads[0] > spreads[1] > spreads[2] and spreads[2] < 1.2


# ------------------------------------------------------------------------------------------------- SDMGrad
def test_sdmgrad_large_lambda_is_the_average_gradient_and_zero_is_mgda():
    G = random_grads(2, 3, 4, seed=2)
    w, d, *_ = combined("sdmgrad", G, lam=100.0)
    assert torch.allclose(w.sum(1), torch.full((2,), 3.0, dtype=torch.float64))
    cos = torch.nn.functional.cosine_similarity(d, G.sum(1), dim=1)
    assert (cos > 0.999).all() and ((w - 1).abs() < 0.02).all()  # T·(w + λ/T)/(1 + λ) -> 1
    w, d, _, weighting = combined("sdmgrad", G, lam=0.0, n_iter=1000)
    mgda = min_norm_weights(gram(G))
    assert torch.allclose(weighting.w.double(), mgda, atol=1e-3)  # the inner problem is MGDA's min-norm problem
    assert torch.allclose(w, 3 * weighting.w.double())


def test_sdmgrad_inner_solver_warm_starts_from_the_previous_weights():
    G = random_grads(1, 2, 3, seed=4)
    weighting = build_weighting("sdmgrad", tasks(2), [0], {"lam": 0.0, "n_iter": 1})
    start = weighting.w.clone()
    for _ in range(3):
        params, losses = linear_problem(G)
        weighting.backward(losses, ctx(params))
    assert not torch.allclose(weighting.w, start)
    assert torch.allclose(weighting.state()["w"].sum(1), torch.ones(1))


# ------------------------------------------------------------------------------------------------- MoDo
def test_modo_one_step_by_hand_and_zero_step_size_is_ew():
    G = t64([[[1.0, 0.0], [0.0, 3.0]]])
    w, d, _, weighting = combined("modo", G, lr=0.1, l2=0.5)
    lam0 = torch.full((2,), 0.5, dtype=torch.float64)
    M = G[0] @ G[0].T
    lam = lam0 - 0.1 * (M @ lam0 + 0.5 * lam0)  # (0.5 − 0.075, 0.5 − 0.475) already sums to < 1: shift
    lam = lam + (1 - lam.sum()) / 2  # Π onto the simplex: both stay positive here
    assert torch.allclose(weighting.lam[0].double(), lam, atol=1e-7)
    assert torch.allclose(w[0], 2 * lam.to(w)) and torch.allclose(d, (w[:, :, None] * G).sum(1))
    w, d, *_ = combined("modo", G, lr=0.0)
    assert torch.allclose(w, torch.ones_like(w)) and torch.allclose(d, G.sum(1))


def test_modo_tracks_mgda_min_norm_weights_on_fixed_gradients():
    G = random_grads(1, 3, 5, seed=9)
    M = gram(G)
    lr = float(1 / torch.linalg.eigvalsh(M[0]).max())
    weighting = build_weighting("modo", tasks(3), [0], {"lr": lr, "l2": 0.0})
    for _ in range(200):
        weighting.combine(G, torch.ones(1, 3, dtype=torch.float64), ctx({}))
    assert torch.allclose(weighting.lam.double(), min_norm_weights(M), atol=1e-6)


# ------------------------------------------------------------------------------------------------- MultiBalance
def rep_problem(A: torch.Tensor):
    """L_k = a_k·z_b averaged over 3 rows, z = shared·1 per row: ∂L_k/∂z = a_k/3 per row."""
    params = {"shared": t64([[0.3, -0.2]]).repeat(A.shape[0], 1).requires_grad_(),
              "head": t64([[1.0, 2.0]]).repeat(A.shape[0], 1).requires_grad_()}
    z = params["shared"][:, None, :] * torch.ones(1, 3, 1, dtype=torch.float64)  # (R, B, D)
    losses = torch.einsum("rtd,rbd->rt", A, z) / 3 + 0.5 * params["head"] ** 2
    return params, losses, StepContext(0, 0, params, ["shared"], ["shared"], shared_rep=z)


def test_multibalance_equalises_the_moving_average_representation_gradient_norms():
    weighting = build_weighting("multibalance", tasks(2), [0], {"beta": 0.5})
    norms = []
    for scale in (1.0, 3.0, 2.0):
        A = t64([[[4.0, 0.0], [0.0, 0.5]]]) * t64([[[1.0], [scale]]])
        params, losses, c = rep_problem(A)
        w = weighting.backward(losses, c)
        assert weighting.used_space == "rep"
        norms.append(A[0].norm(dim=1) / 3 ** 0.5)  # ||∂L_k/∂Z||: a_k/3 on each of 3 rows
        assert torch.allclose(params["shared"].grad, (w[:, :, None] * A).sum(1))  # trained on Σ s_k L_k
    m = torch.zeros(2, dtype=torch.float64)
    for n in norms:
        m = 0.5 * m + 0.5 * n
    assert torch.allclose(weighting.norms[0].double(), m, rtol=1e-6)
    assert torch.allclose(w[0] * m, (m.mean()).expand(2), rtol=1e-6)  # s_k·m_k equal: balanced, at the mean


def test_multibalance_reference_choices_and_relax():
    A = t64([[[4.0, 0.0], [0.0, 0.5]]])
    for ref, expected in (("max", t64([1.0, 8.0])), ("target", t64([1.0, 8.0]))):
        weighting = build_weighting("multibalance", tasks(2), [0], {"reference": ref, "beta": 0.0})
        params, losses, c = rep_problem(A)
        assert torch.allclose(weighting.backward(losses, c)[0], expected)
    weighting = build_weighting("multibalance", tasks(2), [0], {"reference": "target", "target": 1, "beta": 0.0,
                                                                "relax": 0.5})
    params, losses, c = rep_problem(A)
    assert torch.allclose(weighting.backward(losses, c)[0], t64([0.5 * 0.125 + 0.5, 1.0]))
    weighting = build_weighting("multibalance", tasks(2), [0], {"relax": 0.0})
    params, losses, c = rep_problem(A)
    assert torch.equal(weighting.backward(losses, c), torch.ones(1, 2, dtype=torch.float64))  # EW


# ------------------------------------------------------------------------------------------------- Auto-Lambda
def test_auto_lambda_moves_weight_to_the_task_that_helps_the_primary_task():
    """Primary task 0; task 1's gradient points the same way, task 2's the opposite way: λ_1 rises, λ_2 falls."""
    A = t64([[[1.0, 0.0], [0.8, 0.3], [-1.0, 0.2]]])
    weighting = build_weighting("auto_lambda", tasks(3), [0], {"primary": 0, "lr": 0.05})
    for _ in range(10):
        params, losses = linear_problem(A)
        w = weighting.backward(losses, ctx(params))
    assert w[0, 1] > 1 > w[0, 2] and torch.allclose(w.sum(), t64(3.0))


def test_auto_lambda_look_ahead_inner_products_match_autograd():
    """Quadratic losses: the central difference is exact, so the look-ahead's inner products equal
    ∇L_k(θ)·∇L_pri(θ') computed by autograd, θ' = θ − η·∇Σλ_k L_k on the even rows, L_pri on the odd ones."""
    g = torch.Generator().manual_seed(0)
    X, C = torch.randn(6, 3, generator=g, dtype=torch.float64), torch.randn(2, 6, generator=g, dtype=torch.float64)

    def loss_at(params, rows=None):  # L_k = mean over rows of ½(x_b·θ − c_kb)², per run
        x, c = X[rows or slice(None)], C[:, rows or slice(None)]
        return 0.5 * ((params["theta"] @ x.T)[:, None, :] - c[None]).pow(2).mean(2)  # (R, T)

    theta = torch.randn(1, 3, generator=g, dtype=torch.float64).requires_grad_()
    weighting = build_weighting("auto_lambda", tasks(2), [0], {"lookahead_lr": 0.3, "primary": 1})
    c = StepContext(0, 0, {"theta": theta}, ["theta"], ["theta"], loss_at=loss_at)
    lam = torch.ones(1, 2, dtype=torch.float64)
    h = weighting._inner_products_look_ahead(c, ["theta"], [theta], lam)
    even, odd = slice(0, None, 2), slice(1, None, 2)
    grads = [torch.autograd.grad(loss_at({"theta": theta}, even)[0, k], theta)[0] for k in range(2)]
    ahead = (theta - 0.3 * (grads[0] + grads[1])).detach().requires_grad_()
    d = torch.autograd.grad(loss_at({"theta": ahead}, odd)[0, 1], ahead)[0]
    torch.testing.assert_close(h[0].double(), torch.stack([(gk * d).sum() for gk in grads]), rtol=1e-6, atol=1e-9)


# ------------------------------------------------------------------------------------------------- run independence
PER_RUN_B = {"stch": [{"mu": 0.1}, {"mu": 1.0}, {"mu": 10.0}],
             "excess_mtl": [{"robust_step": 0.0}, {"robust_step": 0.5}, {"robust_step": 5.0}],
             "fairgrad": [{"fairness": 0.0}, {"fairness": 1.0}, {"fairness": 4.0}],
             "sdmgrad": [{"lam": 0.0}, {"lam": 0.3}, {"lam": 5.0}],
             "modo": [{"lr": 0.0, "l2": 0.0}, {"lr": 0.1, "l2": 0.1}, {"lr": 1.0, "l2": 0.5}],
             "auto_lambda": [{"lr": 0.0, "lookahead_lr": 0.0}, {"lr": 0.05, "lookahead_lr": 0.1},
                             {"lr": 0.3, "lookahead_lr": 1.0}],
             "multibalance": [{"relax": 0.0, "beta": 0.0}, {"relax": 0.5, "beta": 0.5}, {"relax": 1.0, "beta": 0.9}]}


def test_every_new_per_run_parameter_is_covered():
    marked = {(w, p.name) for w in NEW_B for p in WEIGHTINGS[w].params if p.per_run}
    assert marked == {(w, name) for w, sets in PER_RUN_B.items() for name in sets[0]}


@pytest.mark.parametrize("wid", list(PER_RUN_B))
def test_per_run_values_in_a_batch_equal_runs_alone(wid):
    sets = PER_RUN_B[wid]
    batched = train_toy(wid, [0, 1, 2], sets, steps=5)
    for r in range(3):
        assert_run_matches(batched, train_toy(wid, [r], sets[r], steps=5), r, (wid, sets[r]))
    ws = torch.stack([w for w, _, _ in batched[0]])  # (steps, R, T)
    assert not torch.allclose(ws[:, 0], ws[:, 2])  # the values did change something


ENGINE_B = {"stch": [{"mu": 0.2}, {"mu": 2.0}],
            "excess_mtl": [{"robust_step": 0.1}, {"robust_step": 1.0}],
            "fairgrad": [{"fairness": 0.5}, {"fairness": 2.0}],
            "sdmgrad": [{"lam": 0.1}, {"lam": 1.0}],
            "modo": [{"lr": 0.5}, {"lr": 2.0, "l2": 0.0}],
            "auto_lambda": [{"lr": 0.05}, {"lr": 0.2, "lookahead_lr": 0.5}],
            "multibalance": [{"relax": 0.5}, {"relax": 1.0, "beta": 0.5}]}


@pytest.mark.parametrize("wid", list(ENGINE_B))
def test_engine_batched_runs_equal_runs_alone(wid):
    """Two seeds with their own hyper-parameters trained as one batch (vmap): run r equals seed r alone."""
    cfg = default_config(**{"weighting": wid, "train.epochs": 1, "data.n_train": 400, "data.n_val": 200,
                            "data.n_test": 200, "train.batch_size": 64, "train.device": "cpu", "data.rho": -0.3,
                            **({"weighting.warmup_epochs": 0} if wid == "stch" else {})})
    seeds, sets = [3, 5], ENGINE_B[wid]
    runs = [RunSpec(s, overrides={f"weighting.{k}": v for k, v in p.items()}) for s, p in zip(seeds, sets)]
    batched = list(train(cfg, runs))[-1]
    for r, (seed, p) in enumerate(zip(seeds, sets)):
        alone = list(train(cfg.with_changes(**{"train.seed": seed}, **{f"weighting.{k}": v for k, v in p.items()})))[-1]
        np.testing.assert_allclose(batched.weights[r], alone.weights[0], rtol=1e-3, atol=1e-5)
        np.testing.assert_allclose(batched.val_loss[r], alone.val_loss[0], rtol=1e-4, atol=1e-5)
        for k, v in batched.weighting_state.items():
            np.testing.assert_allclose(v[r], alone.weighting_state[k][0], rtol=1e-3, atol=1e-5)
    assert not np.allclose(batched.weights[0], batched.weights[1])  # two different runs


def test_engine_gives_auto_lambda_the_look_ahead_and_multibalance_the_representation():
    cfg = default_config(**{"data.n_train": 300, "data.n_val": 100, "data.n_test": 100, "model": "shared_bottom",
                            "weighting": "multibalance"})
    trainer = Trainer(cfg, [RunSpec(0)])
    member, batch = trainer.main, trainer.splits["train"].take(torch.arange(128)[None])
    member.step(batch, step=0, epoch=0, alive=None)
    assert member.weighting.used_space == "rep"
    cfg = cfg.with_changes(**{"weighting": "auto_lambda", "weighting.lr": 0.1})
    trainer = Trainer(cfg, [RunSpec(0)])
    member = trainer.main
    seen = []
    original = member.losses_at
    member.losses_at = lambda params, b, rows=None: seen.append(rows) or original(params, b, rows)
    _, w = member.step(batch, step=0, epoch=0, alive=None)
    assert seen == [slice(0, None, 2), slice(1, None, 2), slice(0, None, 2), slice(0, None, 2)]
    assert not torch.allclose(w, torch.ones_like(w))  # one Adam step of 0.1 on the logits moved them
