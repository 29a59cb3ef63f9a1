"""Loss-weighting strategies: known answers on hand-made problems, one strategy at a time.
(What every strategy keeps: test_weighting.py; inside the training engine: test_weighting_in_engine.py.)

The linear problems of `weighting_cases` make each strategy's combined gradient computable by hand.
"""
from __future__ import annotations

import math

import pytest
import torch

from mtl_core.config import default_config
from mtl_core.params import ConfigError
from mtl_core.weighting import StepContext, build_weighting
from mtl_core.weighting.solvers import min_norm_weights
from weighting_cases import combined, ctx, linear_problem, simplex_grid, t64, tasks


# -------------------------------------------------------------------------------------------------
def test_ew_weights_are_ones_and_gradient_is_the_sum():
    A = t64([[[1.0, 2.0], [3.0, -1.0]]])
    params, losses = linear_problem(A)
    w = build_weighting("ew", tasks(2), [0]).backward(losses, ctx(params))
    assert torch.equal(w, torch.ones(1, 2, dtype=torch.float64))
    assert torch.allclose(params["shared"].grad, t64([[4.0, 1.0]]))


def test_static_weights_applied_and_checked():
    A = t64([[[1.0, 2.0], [3.0, -1.0]]])
    params, losses = linear_problem(A)
    w = build_weighting("static", tasks(2), [0], {"weights": "2,0.5"}).backward(losses, ctx(params))
    assert torch.allclose(w, t64([[2.0, 0.5]]))
    assert torch.allclose(params["shared"].grad, 2.0 * A[:, 0] + 0.5 * A[:, 1])
    params, losses = linear_problem(A)  # one value broadcasts to every task
    w = build_weighting("static", tasks(2), [0], {"weights": "3"}).backward(losses, ctx(params))
    assert torch.allclose(w, t64([[3.0, 3.0]]))
    with pytest.raises(ConfigError, match="weighting.weights"):
        default_config(**{"weighting": "static", "weighting.weights": "1,2,3"})
    assert default_config(**{"weighting": "static", "weighting.weights": "1,2"}).weighting.params["weights"] == (1, 2)


def test_ple_decay_follows_omega_gamma_power_epoch():
    weighting = build_weighting("ple_decay", tasks(2), [0], {"omega": "1,2", "gamma": "0.5,0.9"})
    for epoch in range(4):
        params, losses = linear_problem(t64([[[1.0], [1.0]]]))
        w = weighting.backward(losses, ctx(params, epoch=epoch))
        assert torch.allclose(w, t64([[0.5 ** epoch, 2 * 0.9 ** epoch]]))
    with pytest.raises(ConfigError, match="weighting.gamma"):
        default_config(**{"weighting": "ple_decay", "weighting.gamma": "1.5"})
    with pytest.raises(ConfigError, match="weighting.omega"):
        default_config(**{"weighting": "ple_decay", "weighting.omega": "1,1,1"})


# -------------------------------------------------------------------------------------------------
def test_uw_factors_by_task_kind_and_state():
    weighting = build_weighting("uw", tasks(2, "rb"), [0, 1])
    assert list(weighting.parameters())[0].shape == (2, 2)
    params, losses = linear_problem(torch.ones(2, 2, 1, dtype=torch.float64))
    w = weighting.backward(losses.float(), ctx(params))
    assert torch.allclose(w, torch.tensor([[0.5, 1.0], [0.5, 1.0]]))  # s = 0: 0.5·L regression, L binary
    s = list(weighting.parameters())[0]
    # d/ds (c·e^{-s}·L + 0.5·s) at s = 0 is 0.5 − c·L
    L = losses.detach().float()
    assert torch.allclose(s.grad, 0.5 - torch.tensor([0.5, 1.0]) * L)
    assert torch.allclose(weighting.state()["sigma2"], torch.ones(2, 2))


def test_uw_learns_task_noise_variances():
    """Two tasks predict a constant from noisy targets (std 0.5 and 2.0): at the optimum σ_k² = MSE_k."""
    g = torch.Generator().manual_seed(0)
    weighting = build_weighting("uw", tasks(2), [0])
    mu = torch.zeros(1, 2, requires_grad=True)
    opt = torch.optim.Adam([{"params": [mu]}, {"params": weighting.parameters()}], lr=0.05)
    std = torch.tensor([0.5, 2.0])
    for step in range(600):
        y = torch.tensor([1.0, -1.0]) + std * torch.randn(256, 2, generator=g)
        losses = ((mu - y) ** 2).mean(0, keepdim=True)  # (1, 2)
        opt.zero_grad()
        weighting.backward(losses, ctx({"mu": mu}, step=step))
        opt.step()
    sigma2 = weighting.state()["sigma2"][0]
    assert sigma2[1] > 4 * sigma2[0]
    assert torch.allclose(sigma2, std ** 2, rtol=0.5), sigma2
    assert torch.allclose(mu.detach()[0], torch.tensor([1.0, -1.0]), atol=0.3)


# -------------------------------------------------------------------------------------------------
def test_gradnorm_renormalises_and_favours_the_slower_task():
    weighting = build_weighting("gradnorm", tasks(2), [0], {"alpha": 1.5})
    opt = torch.optim.SGD(weighting.parameters(), lr=0.002)
    x = torch.ones(1, 3, requires_grad=True)

    def step(scale, i):
        losses = torch.stack([s * (x ** 2).sum(1) for s in scale], 1)  # same direction, norms ∝ scale
        opt.zero_grad()
        x.grad = None
        w = weighting.backward(losses, ctx({"shared": x}, step=i))
        opt.step()
        weighting.after_step()
        return w

    w0 = step([1.0, 1.0], 0)  # sets L(0); equal progress -> weights stay equal
    assert torch.allclose(w0, torch.ones(1, 2))
    assert torch.allclose(weighting.w.detach(), torch.ones(1, 2))
    assert torch.allclose(x.grad, 2 * 2 * x.detach())  # model sees Σ w_k L_k with the weights used
    step([0.1, 1.0], 1)  # task 0's loss fell to 10%, task 1's did not move: task 1 is the slow one
    w = weighting.w.detach().clone()
    assert w[0, 1] > 1 > w[0, 0] and torch.allclose(w.sum(1), torch.tensor([2.0]))
    for i in range(2, 400):
        step([0.1, 1.0], i)
    w_late = weighting.w.detach()[0]
    assert w_late[1] > w[0, 1] and w_late[1] > 1.3  # kept moving toward the slower task
    assert math.isclose(float(w_late.sum()), 2.0, rel_tol=1e-6) and (w_late > 0).all()


def test_gradnorm_target_balances_gradient_norms():
    """With alpha = 0 the target is the mean norm: a task with a 10x larger gradient loses weight."""
    weighting = build_weighting("gradnorm", tasks(2), [0], {"alpha": 0.0})
    opt = torch.optim.SGD(weighting.parameters(), lr=0.0005)
    x = torch.ones(1, 2, requires_grad=True)
    for i in range(600):
        losses = torch.stack([(x ** 2).sum(1), 10 * (x ** 2).sum(1)], 1)
        opt.zero_grad()
        weighting.backward(losses, ctx({"shared": x}, step=i))
        opt.step()
        weighting.after_step()
    w = weighting.w.detach()[0]
    assert torch.allclose(w, torch.tensor([20 / 11, 2 / 11]), atol=0.05)  # w0·1 = w1·10, sum 2


# -------------------------------------------------------------------------------------------------
def test_dwa_ones_then_favours_the_task_that_decreased_less():
    weighting = build_weighting("dwa", tasks(2), [0], {"temperature": 2.0})
    params, losses = linear_problem(t64([[[1.0], [1.0]]]))
    c = ctx(params)
    assert torch.equal(weighting.weights(losses.detach(), c), torch.ones(1, 2, dtype=torch.float64))
    weighting.on_epoch_end(0, torch.tensor([[1.0, 1.0]]))
    assert torch.equal(weighting.weights(losses.detach(), c), torch.ones(1, 2, dtype=torch.float64))
    weighting.on_epoch_end(1, torch.tensor([[0.5, 0.9]]))  # task 0 halved, task 1 barely moved
    w = weighting.weights(losses.detach(), c)
    expected = 2 * torch.softmax(torch.tensor([0.5 / 2, 0.9 / 2], dtype=torch.float64), 0)
    assert torch.allclose(w[0], expected) and w[0, 1] > w[0, 0]
    assert torch.allclose(w.sum(1), t64([2.0]))
    weighting.on_epoch_end(2, torch.tensor([[0.5, 0.45]]))  # uses only the last two epochs
    w = weighting.weights(losses.detach(), c)
    assert w[0, 0] > w[0, 1]


def test_rlw_positive_sums_to_T_and_is_reproducible_per_run():
    a = build_weighting("rlw", tasks(3), [3, 4])
    b = build_weighting("rlw", tasks(3), [4])
    params, losses = linear_problem(torch.ones(2, 3, 1))
    seen = []
    for _ in range(3):
        wa, wb = a.weights(losses.detach(), ctx(params)), b.weights(losses[1:].detach(), ctx(params))
        assert (wa > 0).all() and torch.allclose(wa.sum(1), torch.full((2,), 3.0))
        assert torch.equal(wa[1], wb[0])
        assert not torch.allclose(wa[0], wa[1])
        seen.append(wa)
    assert not torch.allclose(seen[0], seen[1])


# -------------------------------------------------------------------------------------------------
def test_pcgrad_keeps_non_conflicting_gradients_exactly():
    A = torch.tensor([[[0.3, 0.7, -0.2], [0.1, 0.4, 0.5]]])  # g1·g2 = 0.21 > 0
    w, g, head, _ = combined("pcgrad", A)
    assert torch.equal(g, A[:, 0] + A[:, 1])
    assert torch.equal(w, torch.ones(1, 2))
    params, _ = linear_problem(A)
    assert torch.equal(head, params["head"].detach())  # task-specific params: own, unweighted gradient


def test_pcgrad_projects_conflicting_gradients():
    A = t64([[[1.0, 0.0], [-1.0, 1.0]]])  # g1·g2 = -1
    w, g, _, _ = combined("pcgrad", A)
    g1p = t64([1.0, 0.0]) + 0.5 * t64([-1.0, 1.0])  # g1 − (g1·g2/||g2||²) g2 = (0.5, 0.5) ⟂ g2
    g2p = t64([-1.0, 1.0]) + t64([1.0, 0.0])  # g2 − (g2·g1/||g1||²) g1 = (0, 1) ⟂ g1
    assert abs(float(g1p @ A[0, 1])) < 1e-12 and abs(float(g2p @ A[0, 0])) < 1e-12
    assert torch.allclose(g[0], g1p + g2p)
    assert torch.allclose(w, t64([[2.0, 1.5]]))  # g1' = g1 + ½g2, g2' = g2 + g1
    assert torch.allclose(torch.einsum("rt,rtp->rp", w, A), g)


def test_pcgrad_effective_weights_reproduce_the_update_for_three_tasks():
    torch.manual_seed(1)
    A = torch.randn(4, 3, 6, dtype=torch.float64)
    w, g, _, _ = combined("pcgrad", A, seeds=[0, 1, 2, 3])
    assert torch.allclose(torch.einsum("rt,rtp->rp", w, A), g)
    assert not torch.allclose(w, torch.ones_like(w))  # some of these random gradients conflict


# -------------------------------------------------------------------------------------------------
def test_mgda_two_tasks_closed_form_and_min_norm():
    torch.manual_seed(0)
    for _ in range(20):
        A = torch.randn(1, 2, 5, dtype=torch.float64)
        w, g, _, _ = combined("mgda", A)
        g1, g2 = A[0]
        gamma = float(((g2 - g1) @ g2) / ((g1 - g2) @ (g1 - g2)))
        gamma = min(max(gamma, 0.0), 1.0)
        assert torch.allclose(w[0], t64([2 * gamma, 2 * (1 - gamma)]))  # effective weights T·α
        assert torch.allclose(g[0], 2 * (gamma * g1 + (1 - gamma) * g2))
        grid = torch.linspace(0, 1, 2001, dtype=torch.float64)[:, None]
        norms = (grid * g1 + (1 - grid) * g2).norm(dim=1)
        assert float((g[0] / 2).norm()) <= float(norms.min()) + 1e-12


def test_mgda_common_descent_direction_and_pareto_stationary_point():
    A = t64([[[1.0, 0.0], [0.0, 2.0]]])
    _, g, _, _ = combined("mgda", A)  # min-norm point of the segment [(1,0), (0,2)] is (0.8, 0.4)
    assert torch.allclose(g[0] / 2, t64([0.8, 0.4]))
    assert (A[0] @ g[0] > 0).all()  # decreases both tasks
    A = t64([[[1.0, 1.0], [-2.0, -2.0]]])  # opposite: 0 is in the hull
    _, g, _, _ = combined("mgda", A)
    assert torch.allclose(g, torch.zeros(1, 2, dtype=torch.float64), atol=1e-12)


def test_mgda_frank_wolfe_matches_brute_force_grid():
    grid = simplex_grid(3, 200)  # (N, 3)
    torch.manual_seed(2)
    for trial in range(10):
        G = torch.randn(1, 3, 4, dtype=torch.float64) * torch.rand(1, 3, 1, dtype=torch.float64) * 3
        if trial % 2:
            G[0, 1] = -0.7 * G[0, 0] + 0.2 * torch.randn(4, dtype=torch.float64)  # strong conflict
        M = G @ G.transpose(1, 2)
        alpha = min_norm_weights(M)[0]
        assert (alpha >= 0).all() and math.isclose(float(alpha.sum()), 1.0, rel_tol=1e-12)
        f = float(alpha @ M[0] @ alpha)
        fgrid = ((grid @ M[0]) * grid).sum(1)
        assert f <= float(fgrid.min()) + 1e-12
        best = grid[fgrid.argmin()]
        assert (alpha - best).abs().max() < 0.02 or float(fgrid.min()) < 1e-6  # same point unless degenerate
    w, g, _, _ = combined("mgda", G)
    assert torch.allclose(w[0] / 3, min_norm_weights(M)[0].to(w)) and torch.allclose(g, w @ G[0])


def test_mgda_l2_normalisation():
    A = t64([[[10.0, 0.0], [0.0, 1.0]]])  # orthogonal, very different norms
    w, g, _, _ = combined("mgda", A, normalize="l2")
    assert torch.allclose(w, t64([[0.1, 1.0]]))  # T·α_k/||g_k|| with α = (½, ½) on unit gradients
    assert torch.allclose(g, t64([[1.0, 1.0]]))


# -------------------------------------------------------------------------------------------------
def test_cagrad_with_c_zero_is_the_mean_gradient():
    torch.manual_seed(3)
    A = torch.randn(2, 3, 5, dtype=torch.float64)
    w, g, _, _ = combined("cagrad", A, c=0.0)
    assert torch.allclose(w, torch.ones_like(w))
    assert torch.allclose(g, A.sum(1))  # T · mean gradient (same direction as g0)


def test_cagrad_solves_its_dual_and_improves_the_worst_task():
    grid = simplex_grid(3, 150)
    torch.manual_seed(4)
    for trial in range(8):
        A = torch.randn(1, 3, 4, dtype=torch.float64)
        if trial % 2:
            A[0, 1] = -0.8 * A[0, 0] + 0.3 * torch.randn(4, dtype=torch.float64)
        c = 0.5
        w, g, _, weighting = combined("cagrad", A, c=c)
        assert torch.allclose(torch.einsum("rt,rtp->rp", w, A), g)
        g0 = A[0].mean(0)
        d = g[0] * (1 + c ** 2) / 3  # undo the T scaling and the 1/(1+c²) rescale
        assert float((d - g0).norm()) <= c * float(g0.norm()) * (1 + 1e-6)  # d lies in the ball
        # CAGrad maximises the worst task's improvement over that ball, so it beats the mean gradient
        assert float((A[0] @ d).min()) >= float((A[0] @ g0).min()) - 1e-9
        # the dual weights minimise F(w) = g_wᵀg0 + c·||g0||·||g_w||
        M = A[0] @ A[0].T

        def F(W):
            return W @ M.mean(1) + c * float(g0.norm()) * ((W @ M) * W).sum(-1).clamp_min(0).sqrt()
        lam_w = (w[0] * (1 + c ** 2) - 1) / 3  # = λ·w_dual, λ = c·||g0||/||g_w||
        w_dual = lam_w / lam_w.sum()
        assert float(F(w_dual[None])) <= float(F(grid).min()) + 1e-9


# -------------------------------------------------------------------------------------------------
def test_nash_mtl_orthogonal_gradients_give_inverse_norms():
    A = t64([[[3.0, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 2.0]]])
    w, g, _, _ = combined("nash_mtl", A, max_norm=0.0)
    assert torch.allclose(w, t64([[1 / 3, 2.0, 0.5]]))
    assert torch.allclose(g, t64([[1.0, 1.0, 1.0]]))  # every task improves by the same amount
    A[0, 1] = 0.0  # a task without gradient (no samples in its space this batch) is left out
    w, g, _, _ = combined("nash_mtl", A, max_norm=0.0)
    assert torch.allclose(w, t64([[1 / 3, 0.0, 0.5]])) and torch.allclose(g, t64([[1.0, 0.0, 1.0]]))


def test_nash_mtl_solves_the_bargaining_equation():
    torch.manual_seed(5)
    A = torch.randn(3, 4, 7, dtype=torch.float64)
    A[1, 1] = -0.9 * A[1, 0] + 0.3 * torch.randn(7, dtype=torch.float64)  # a strongly conflicting pair
    w, g, _, _ = combined("nash_mtl", A, seeds=[0, 1, 2], max_norm=0.0)
    M = A @ A.transpose(1, 2)
    assert (w > 0).all()
    assert torch.allclose(torch.einsum("rst,rt->rs", M, w), 1 / w, rtol=1e-6)  # (GGᵀ)α = 1/α
    assert torch.allclose(g, torch.einsum("rt,rtp->rp", w, A))


def test_nash_mtl_clipping_and_update_interval():
    A = t64([[[3.0, 0.0], [0.0, 4.0]]])  # α = (1/3, 1/4): combined (1, 1), norm √2
    w, g, _, _ = combined("nash_mtl", A, max_norm=1.0)
    assert torch.allclose(g.norm(dim=1), t64([1.0]))
    assert torch.allclose(w, t64([[1 / 3, 1 / 4]]) / math.sqrt(2))
    weighting = build_weighting("nash_mtl", tasks(2), [0], {"update_weights_every": 2, "max_norm": 0.0})
    alphas = []
    for scale in (1.0, 2.0, 2.0):
        params, losses = linear_problem(A * scale)
        alphas.append(weighting.backward(losses, ctx(params)))
    assert torch.allclose(alphas[1], alphas[0])  # reused on the step in between
    assert torch.allclose(alphas[2], alphas[0] / 2)  # recomputed: α scales as 1/||g||




def test_mgda_rep_space_reads_ctx_shared_rep_and_falls_back_without_it():
    """L_k = a_k·z + ½h_k², z = shared·(1, 1) per sample: ∂L_k/∂z = a_k, the min-norm solve runs on those."""
    A = t64([[[1.0, 0.0], [0.0, 2.0]]])  # min-norm point of the segment [(1,0), (0,2)] is (0.8, 0.4)
    params = {"shared": t64([[0.3, -0.2]]).requires_grad_(), "head": t64([[1.0, 2.0]]).requires_grad_()}
    z = params["shared"][:, None, :] * torch.ones(1, 3, 1, dtype=torch.float64)  # (R, B, D)
    losses = torch.einsum("rtd,rbd->rt", A, z) / 3 + 0.5 * params["head"] ** 2
    weighting = build_weighting("mgda", tasks(2), [0])
    w = weighting.backward(losses, StepContext(0, 0, params, ["shared"], ["shared"], shared_rep=z))
    assert weighting.used_space == "rep"
    assert torch.allclose(w, t64([[2 * 0.8, 2 * 0.2]]))  # α = (0.8, 0.2): 0.8·(1, 0) + 0.2·(0, 2) = (0.8, 0.4)
    assert torch.allclose(params["shared"].grad, (w[:, :, None] * A).sum(1))  # trained on Σ w_k L_k
    # no representation: exact MGDA on the parameters (same answer here, the map z <- shared is linear)
    w2, *_ = combined("mgda", A)
    assert torch.allclose(w2, w)
    # a "representation" the losses do not depend on: warn, then use the parameters
    params, losses = linear_problem(A)
    stray = torch.ones(1, 3, requires_grad=True)
    with pytest.warns(RuntimeWarning, match="shared representation"):
        w3 = weighting.backward(losses, StepContext(0, 0, params, ["shared"], ["shared"], shared_rep=stray))
    assert weighting.used_space == "params" and torch.allclose(w3, w)
