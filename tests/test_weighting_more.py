"""FAMO, GradVac, IMTL, Aligned-MTL, DB-MTL and MetaBalance against answers computed by hand.

As in test_weighting.py, most cases use linear losses L_k = a_k·x + ½h_k² + 1 (task k's gradient on the shared
parameter x is exactly a_k; at x = 0 the losses are 1 + ½h_k², h = 1, 2, ... run by run). Run independence
and per-run hyper-parameters are covered for every strategy by test_weighting.py (toy problem) and
test_weighting_in_engine.py (real models).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from mtl_core.config import default_config
from mtl_core.params import ConfigError
from mtl_core.weighting import WEIGHTINGS, StepContext, build_weighting
from mtl_core.weighting.aligned_mtl import aligned_weights
from mtl_core.weighting.imtl import imtl_g_weights

from test_weighting import combined, ctx, linear_problem, t64, tasks


def cos(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(a @ b / (a.norm() * b.norm()))


# ------------------------------------------------------------------------------------------------- FAMO
def famo_step(weighting, losses_before, losses_after=None):
    """weights() on losses (R, T) (a plain tensor, no model), then the post-step hook if given."""
    w = weighting.weights(losses_before, ctx({}))
    if losses_after is not None:
        weighting.after_step_losses(losses_after)
    return w


def test_famo_weights_are_inverse_losses_times_z_and_the_gradient_is_that_of_the_log_losses():
    A = t64([[[1.0, 2.0], [3.0, -1.0]]])
    w, g, head, weighting = combined("famo", A)
    L = t64([1.5, 3.0])  # 1 + ½h², h = (1, 2)
    assert torch.allclose(w[0], 2 * (1 / L) / (1 / L).sum(), rtol=1e-6)  # z uniform: T·(1/L_k)/Σ(1/L_j)
    assert torch.allclose(w.sum(1), t64([2.0]))
    # the same as T times the gradient of FAMO's objective Σ_k z_k·log L_k / c, c = Σ_j z_j/L_j
    params, losses = linear_problem(A)
    z = torch.full((1, 2), 0.5, dtype=torch.float64)
    c = (z / losses.detach()).sum()
    (2 * (z * losses.log()).sum() / c).backward()
    assert torch.allclose(g, params["shared"].grad, rtol=1e-6)
    assert torch.allclose(head, params["head"].grad, rtol=1e-6)


def test_famo_first_logit_step_moves_weight_to_the_task_whose_loss_fell_least():
    weighting = build_weighting("famo", tasks(2), [0], {"lr": 0.025, "gamma": 0.001})
    famo_step(weighting, torch.tensor([[1.0, 1.0]]), torch.tensor([[0.5, 0.99]]))  # task 0 halved, task 1 did not
    # δ = (log 2, −log 0.99); ∇_ξ = z ⊙ (δ − zᵀδ) = (+, −); Adam's first step is lr·sign(∇) (ξ = 0: no decay)
    assert torch.allclose(weighting.xi, torch.tensor([[-0.025, 0.025]]), atol=1e-6)
    z = weighting.state()["z"][0]
    assert torch.allclose(z[1], torch.tensor(math.exp(0.05) / (1 + math.exp(0.05))), atol=1e-6)
    w = famo_step(weighting, torch.tensor([[1.0, 1.0]]))  # at equal losses the weights are T·z
    assert torch.allclose(w[0], 2 * z, atol=1e-6) and w[0, 1] > 1 > w[0, 0]


def test_famo_keeps_shifting_weight_towards_the_slower_task():
    """Task 0's loss falls 5% per step, task 1's only 1%: z_1 grows step after step."""
    weighting = build_weighting("famo", tasks(2), [0])
    L = torch.tensor([[1.0, 1.0]])
    zs = []
    for _ in range(40):
        after = L * torch.tensor([[0.95, 0.99]])
        famo_step(weighting, L, after)
        zs.append(float(weighting.state()["z"][0, 1]))
        L = after
    assert all(b > a for a, b in zip(zs, zs[1:]))
    assert zs[-1] > 0.7
    # the roles swapped: now task 0 is the slow one and the weights come back
    for _ in range(40):
        after = L * torch.tensor([[0.99, 0.95]])
        famo_step(weighting, L, after)
        L = after
    assert float(weighting.state()["z"][0, 1]) < zs[-1] - 0.1


def test_famo_without_the_hook_uses_the_next_steps_losses():
    """Driven without after_step_losses, the next call's losses stand in for the losses after the step."""
    a = build_weighting("famo", tasks(2), [0])
    b = build_weighting("famo", tasks(2), [0])
    famo_step(a, torch.tensor([[1.0, 1.0]]), torch.tensor([[0.5, 0.9]]))
    wa = famo_step(a, torch.tensor([[0.5, 0.9]]))
    famo_step(b, torch.tensor([[1.0, 1.0]]))
    wb = famo_step(b, torch.tensor([[0.5, 0.9]]))  # updates from (1, 1) -> (0.5, 0.9) first
    assert torch.allclose(a.xi, b.xi) and torch.allclose(wa, wb)
    assert float(a.xi[0, 1]) > 0


def test_famo_task_without_samples_gets_no_weight_and_no_update():
    weighting = build_weighting("famo", tasks(2), [0, 1])
    w = famo_step(weighting, torch.tensor([[1.0, 0.0], [1.0, 2.0]]), torch.tensor([[0.5, 0.0], [0.5, 2.0]]))
    assert torch.allclose(w[0], torch.tensor([2.0, 0.0]))  # run 0: task 1 had no samples
    assert torch.allclose(w[1], torch.tensor([2 * 2 / 3, 2 * 1 / 3]))
    assert torch.isfinite(weighting.xi).all()
    assert torch.allclose(weighting.xi[0], torch.zeros(2), atol=1e-7)  # δ_1 undefined -> 0: nothing to balance
    assert weighting.xi[1, 1] > 0  # run 1's task 1 did not improve


def test_famo_logits_are_updated_by_the_engine_after_each_step():
    from mtl_core.train import RunSpec, Trainer
    cfg = default_config(**{"weighting": "famo", "data.n_train": 300, "data.n_val": 100, "data.n_test": 100})
    trainer = Trainer(cfg, [RunSpec(1), RunSpec(2)])
    member = trainer.main
    batch = trainer.splits["train"].take(torch.arange(64).repeat(2, 1))
    member.step(batch, step=0, epoch=0, alive=torch.ones(2, dtype=torch.bool))
    assert member.weighting.prev is None  # the post-step losses arrived
    assert member.weighting.xi.abs().min() > 0.02  # and moved every logit by Adam's first step, lr = 0.025


# ------------------------------------------------------------------------------------------------- GradVac
def test_gradvac_leaves_gradients_alone_when_their_cosine_is_above_target():
    A = t64([[[1.0, 0.0], [1.0, 1.0]]])  # cosine 0.707 > target 0
    w, g, _, weighting = combined("gradvac", A, beta=0.5)
    assert torch.equal(g, A.sum(1)) and torch.equal(w, torch.ones(1, 2, dtype=torch.float64))
    expected = 0.5 * 1 / math.sqrt(2)  # φ̂ ← (1 − β)·0 + β·cos
    assert torch.allclose(weighting.target[0], torch.tensor([[0.0, expected], [expected, 0.0]]))


def test_gradvac_raises_a_conflicting_cosine_to_its_target():
    weighting = build_weighting("gradvac", tasks(2), [0], {"beta": 1.0})
    params, losses = linear_problem(t64([[[1.0, 0.0], [0.8, 0.6]]]))  # cosine 0.8: target becomes 0.8 (β = 1)
    weighting.backward(losses, ctx(params))
    assert torch.allclose(weighting.target[0], torch.tensor([[0.0, 0.8], [0.8, 0.0]]))
    A = t64([[[1.0, 0.0], [-1.0, 1.0]]])  # cosine −1/√2
    params, losses = linear_problem(A)
    w = weighting.backward(losses, ctx(params))
    # g1' = g1 + a·g2, a = ||g1||(0.8·sin − cos·0.6)/(||g2||·0.6) = (1.4/√2)/(0.6·√2) = 7/6; g2' = g2 + (7/3)·g1
    g1p, g2p = t64([-1 / 6, 7 / 6]), t64([4 / 3, 1.0])
    assert math.isclose(cos(g1p, A[0, 1]), 0.8, rel_tol=1e-12) and math.isclose(cos(g2p, A[0, 0]), 0.8, rel_tol=1e-12)
    assert torch.allclose(params["shared"].grad[0], g1p + g2p, rtol=1e-6)
    assert torch.allclose(w, t64([[1 + 7 / 3, 1 + 7 / 6]]), rtol=1e-6)
    assert torch.allclose(torch.einsum("rt,rtp->rp", w, A), params["shared"].grad, rtol=1e-6)


def test_gradvac_with_target_zero_is_pcgrad():
    """β = 0 keeps every target at 0, where GradVac's correction is PCGrad's projection (same random order:
    both draw it from the run's generator)."""
    torch.manual_seed(7)
    A = torch.randn(3, 3, 5, dtype=torch.float64)
    A[:, 1] = -0.8 * A[:, 0] + 0.3 * torch.randn(3, 5, dtype=torch.float64)
    wv, gv, _, _ = combined("gradvac", A, seeds=[0, 1, 2], beta=0.0)
    wp, gp, _, _ = combined("pcgrad", A, seeds=[0, 1, 2])
    assert torch.allclose(gv, gp, rtol=1e-6, atol=1e-9) and torch.allclose(wv, wp, rtol=1e-6, atol=1e-9)
    assert not torch.allclose(wv, torch.ones_like(wv))


# ------------------------------------------------------------------------------------------------- IMTL
def test_imtl_g_gives_equal_projections_on_every_unit_gradient():
    torch.manual_seed(3)
    A = torch.randn(4, 3, 6, dtype=torch.float64) * torch.tensor([1.0, 5.0, 0.2], dtype=torch.float64)[:, None]
    w, g, _, _ = combined("imtl", A, seeds=[0, 1, 2, 3], variant="g")
    units = A / A.norm(dim=2, keepdim=True)
    proj = torch.einsum("rtp,rp->rt", units, g)  # (R, T)
    assert torch.allclose(proj, proj[:, :1].expand_as(proj), rtol=1e-7)  # (a ridge of 1e-10 in the solve)
    assert (proj > 0).all()  # a direction that decreases every task
    assert torch.allclose(torch.einsum("rt,rtp->rp", w, A), g)
    # the paper's closed form: α_{2..T} = g_1 Uᵀ (D Uᵀ)⁻¹, D_k = g_1 − g_k, U_k = u_1 − u_k, α_1 = 1 − Σ. Where its
    # update has NEGATIVE projections (an ascent direction for every task; possible with 3+ tasks) the sign is flipped
    signs = []
    for r in range(4):
        G, U = A[r], units[r]
        D, Ud = G[0] - G[1:], U[0] - U[1:]
        rest = G[0] @ Ud.T @ torch.linalg.inv(D @ Ud.T)
        alpha = torch.cat([1 - rest.sum()[None], rest])
        sign = 1.0 if float(U[0] @ (alpha @ G)) > 0 else -1.0
        assert torch.allclose(w[r] / 3, sign * alpha, rtol=1e-7, atol=1e-10)
        signs.append(sign)
    assert set(signs) == {1.0, -1.0}  # both cases occur among these runs
    assert WEIGHTINGS["imtl"].cls.signed_weights


def test_imtl_g_two_tasks_weights_inverse_to_norms_and_the_update_bisects():
    A = t64([[[3.0, 0.0], [1.0, 1.0]]])  # norms 3 and √2
    w, g, _, _ = combined("imtl", A, variant="g")
    n = A[0].norm(dim=1)
    assert torch.allclose(w[0], 2 * (1 / n) / (1 / n).sum())  # T·α, α_k ∝ 1/||g_k||
    bisector = A[0, 0] / n[0] + A[0, 1] / n[1]
    assert abs(cos(g[0], bisector) - 1) < 1e-9
    assert math.isclose(cos(g[0], A[0, 0]), cos(g[0], A[0, 1]), rel_tol=1e-9)


def test_imtl_g_leaves_out_a_task_without_gradient():
    A = t64([[[2.0, 0.0], [0.0, 0.0], [0.0, 1.0]]])
    alpha = imtl_g_weights(A @ A.transpose(1, 2))
    assert alpha[0, 1] == 0 and torch.allclose(alpha[0], t64([1 / 3, 0.0, 2 / 3]))


def test_imtl_l_learns_scales_that_bring_every_loss_to_one():
    """IMTL-L's loss Σ(e^s·L − s) has ∂/∂s = e^s·L − 1: at rest every scaled loss is 1 (e^s = 1/L)."""
    weighting = build_weighting("imtl", tasks(2), [0], {"variant": "hybrid"})
    A = t64([[[1.0, 0.0], [0.0, 1.0]]])
    params, losses = linear_problem(A)  # L = (1.5, 3)
    w = weighting.backward(losses, ctx(params))
    assert torch.allclose(weighting.s.grad, torch.tensor([[0.5, 2.0]]))  # e^0·L − 1
    assert torch.allclose(w, t64([[1.0, 1.0]]))  # orthogonal, equal norms: α = ½ each, e^s = 1
    opt = torch.optim.SGD(weighting.parameters(), lr=0.1)
    for _ in range(300):
        params, losses = linear_problem(A)
        opt.zero_grad()
        w = weighting.backward(losses, ctx(params))
        opt.step()
    scale = weighting.state()["loss_scale"][0]
    assert torch.allclose(scale, torch.tensor([1 / 1.5, 1 / 3]), rtol=1e-4)
    # the scaled losses' gradients e^s·a_k have norms 2/3 and 1/3, so α ∝ (1/3, 2/3) and T·α·e^s = (4/9, 4/9)
    assert torch.allclose(w, t64([[4 / 9, 4 / 9]]), rtol=1e-4)
    assert torch.allclose(params["shared"].grad, t64([[4 / 9, 4 / 9]]), rtol=1e-4)


def test_imtl_rep_mode_reads_the_shared_representation():
    A = t64([[[1.0, 0.0], [0.0, 2.0]]])
    params = {"shared": t64([[0.3, -0.2]]).requires_grad_(), "head": t64([[1.0, 2.0]]).requires_grad_()}
    z = params["shared"][:, None, :] * torch.ones(1, 3, 1, dtype=torch.float64)  # (R, B, D)
    losses = torch.einsum("rtd,rbd->rt", A, z) / 3 + 0.5 * params["head"] ** 2
    weighting = build_weighting("imtl", tasks(2), [0], {"variant": "g"})
    w = weighting.backward(losses, StepContext(0, 0, params, ["shared"], ["shared"], shared_rep=z))
    assert weighting.used_space == "rep"
    assert torch.allclose(w, t64([[2 * 2 / 3, 2 * 1 / 3]]))  # ∂L_k/∂z ∝ a_k, norms 1 and 2: α = (2/3, 1/3)


# ------------------------------------------------------------------------------------------------- Aligned-MTL
def test_aligned_mtl_orthogonal_equal_norm_gradients_are_summed():
    A = t64([[[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0]]])
    w, g, _, _ = combined("aligned_mtl", A)
    assert torch.allclose(w, torch.ones(1, 3, dtype=torch.float64)) and torch.allclose(g, A.sum(1))


def test_aligned_mtl_rescales_orthogonal_gradients_to_the_smallest_norm():
    A = t64([[[4.0, 0.0], [0.0, 0.5]]])
    w, g, _, _ = combined("aligned_mtl", A)
    assert torch.allclose(w, t64([[0.5 / 4, 1.0]])) and torch.allclose(g, t64([[0.5, 0.5]]))
    w, g, _, _ = combined("aligned_mtl", A, scale="rmse")  # √(mean of λ) = √((16 + 0.25)/2)
    s = math.sqrt((16 + 0.25) / 2)
    assert torch.allclose(g, t64([[s, s]]))
    w, _, _, _ = combined("aligned_mtl", A, scale="median")  # the lower median of two is the smallest
    assert torch.allclose(w, t64([[0.5 / 4, 1.0]]))


def test_aligned_mtl_makes_the_gradients_orthonormal_up_to_the_smallest_singular_value():
    """G = UΣWᵀ: the aligned gradients are σ_min·UWᵀ (the nearest matrix with orthogonal, equal-norm rows);
    the update is their sum, and weights may be negative when one task dominates."""
    torch.manual_seed(11)
    for trial in range(5):
        G = torch.randn(1, 3, 5, dtype=torch.float64) * torch.tensor([1.0, 4.0, 0.3], dtype=torch.float64)[:, None]
        G[0, 2] += 0.5 * G[0, 0]  # some correlation
        w, g, _, _ = combined("aligned_mtl", G)
        U, S, Wt = np.linalg.svd(G[0].numpy(), full_matrices=False)
        aligned = S.min() * U @ Wt  # (T, P)
        np.testing.assert_allclose(aligned @ aligned.T, S.min() ** 2 * np.eye(3), atol=1e-9)
        np.testing.assert_allclose(g[0].numpy(), aligned.sum(0), rtol=1e-7, atol=1e-9)
    w, g, _, _ = combined("aligned_mtl", t64([[[1.0, 0.0], [3.0, 1.0]]]))
    assert w[0, 1] < 0 and torch.allclose(torch.einsum("rt,rtp->rp", w, t64([[[1.0, 0.0], [3.0, 1.0]]])), g)
    assert WEIGHTINGS["aligned_mtl"].cls.signed_weights


def test_aligned_mtl_rank_deficient_and_zero_gradients():
    A = t64([[[1.0, 2.0], [1.0, 2.0]]])  # identical: rank 1, B = vvᵀ, α = (1, 1)
    w, g, _, _ = combined("aligned_mtl", A)
    assert torch.allclose(w, t64([[1.0, 1.0]])) and torch.allclose(g, 2 * A[:, 0])
    alpha = aligned_weights(torch.zeros(1, 2, 2, dtype=torch.float64))  # nothing to align
    assert torch.equal(alpha, torch.zeros(1, 2, dtype=torch.float64))


# ------------------------------------------------------------------------------------------------- DB-MTL
def test_db_mtl_rescales_every_log_loss_gradient_to_the_largest_norm():
    A = t64([[[1.0, 0.0], [0.0, 6.0]]])
    w, g, head, _ = combined("db_mtl", A, beta=0.0)
    L = t64([1.5, 3.0])
    glog = A[0] / L[:, None]  # ∇log L_k = a_k / L_k: norms 2/3 and 2
    n = glog.norm(dim=1)
    assert torch.allclose(g[0], (n.max() / n[:, None] * glog).sum(0))  # (2, 2): both now of norm 2
    assert torch.allclose(g[0], t64([2.0, 2.0]))
    assert torch.allclose(w[0], (n.max() / n) / L)  # weights on the raw gradients a_k
    params, _ = linear_problem(A)
    assert torch.allclose(head, params["head"].detach() / L)  # task-specific: ∇ log L_k


def test_db_mtl_ignores_the_scale_of_a_loss():
    """Multiplying a task's loss by 100 changes neither its log-loss gradient nor the update."""
    A = t64([[[1.0, 0.5], [-0.3, 2.0]]])
    updates = []
    for factor in (1.0, 100.0):
        weighting = build_weighting("db_mtl", tasks(2), [0], {"beta": 0.0})
        params, losses = linear_problem(A)
        weighting.backward(losses * t64([1.0, factor]), ctx(params))
        updates.append(params["shared"].grad)
    assert torch.allclose(updates[0], updates[1], rtol=1e-6)


def test_db_mtl_moving_average_of_the_gradients():
    weighting = build_weighting("db_mtl", tasks(2), [0], {"beta": 0.5, "beta_sigma": 1.0})
    A1, A2 = t64([[[1.0, 0.0], [0.0, 1.0]]]), t64([[[0.0, 3.0], [0.0, 1.0]]])
    L = t64([1.5, 3.0])
    for A in (A1, A2):
        params, losses = linear_problem(A)
        weighting.backward(losses, ctx(params))
    # β_1 = 0.5: ĝ = 0.5·g(1); β_2 = 0.5/2: ĝ = 0.25·ĝ + 0.75·g(2)
    buf = 0.25 * (0.5 * A1[0] / L[:, None]) + 0.75 * A2[0] / L[:, None]
    n = buf.norm(dim=1)
    assert torch.allclose(weighting.buffer[0], buf)
    assert torch.allclose(params["shared"].grad[0], (n.max() / n[:, None] * buf).sum(0))


# ------------------------------------------------------------------------------------------------- MetaBalance
@pytest.mark.parametrize("adapt", ["both", "reduce", "enlarge"])
@pytest.mark.parametrize("target", [0, 1])
def test_metabalance_never_scales_the_target_task(adapt, target):
    torch.manual_seed(target)
    A = torch.randn(2, 3, 4, dtype=torch.float64) * t64([0.1, 1.0, 10.0])[:, None]
    w, g, _, _ = combined("metabalance", A, seeds=[0, 1], target=target, adapt=adapt, relax=0.9)
    assert torch.equal(w[:, target], torch.ones(2, dtype=torch.float64))
    others = [k for k in range(3) if k != target]
    rest = torch.einsum("rt,rtp->rp", w[:, others], A[:, others])  # one tensor: exact coefficients
    assert torch.allclose(g - rest, A[:, target])


def test_metabalance_pulls_an_auxiliary_magnitude_towards_the_target():
    A = t64([[[1.0, 0.0], [0.0, 10.0], [0.3, 0.4]]])  # target norm 1; auxiliaries 10 (larger) and 0.5 (smaller)
    relax = 0.7
    w, g, _, _ = combined("metabalance", A, relax=relax, beta=0.0)
    expected = [1.0, relax * 1 + (1 - relax) * 10, relax * 1 + (1 - relax) * 0.5]  # r·||g_t|| + (1 − r)·||g_k||
    scaled = [A[0, k] * w[0, k] for k in range(3)]
    for k in range(3):
        assert math.isclose(float(scaled[k].norm()), expected[k], rel_tol=1e-6)  # r is stored in float32
        assert abs(cos(scaled[k], A[0, k]) - 1) < 1e-12  # directions unchanged
    assert torch.allclose(g[0], sum(scaled))
    w, _, _, _ = combined("metabalance", A, relax=relax, beta=0.0, adapt="reduce")
    assert torch.allclose(w[0], t64([1.0, expected[1] / 10, 1.0]))  # the smaller one is left alone
    w, _, _, _ = combined("metabalance", A, relax=relax, beta=0.0, adapt="enlarge")
    assert torch.allclose(w[0], t64([1.0, 1.0, expected[2] / 0.5]))
    w, g, _, _ = combined("metabalance", A, relax=0.0)  # r = 0: plain sum
    assert torch.allclose(w, torch.ones(1, 3, dtype=torch.float64)) and torch.allclose(g, A.sum(1))


def test_metabalance_uses_moving_averages_of_the_norms():
    weighting = build_weighting("metabalance", tasks(2), [0], {"relax": 1.0, "beta": 0.5})
    for A in (t64([[[1.0, 0.0], [0.0, 4.0]]]), t64([[[3.0, 0.0], [0.0, 2.0]]])):
        params, losses = linear_problem(A)
        w = weighting.backward(losses, ctx(params))
    # m = 0.5·(0.5·n(1)) + 0.5·n(2): target 0.25 + 1.5 = 1.75, auxiliary 1 + 1 = 2
    assert torch.allclose(w, t64([[1.0, 1.75 / 2]]))
    assert torch.allclose(weighting.state()["norm_ratio"], torch.tensor([[1.0, 2 / 1.75]], dtype=torch.float64))


def test_metabalance_balances_each_shared_tensor_separately():
    """Two shared tensors: the auxiliary gradient is 10x the target's on the first and 0.1x on the second."""
    R = 1
    a = torch.zeros(R, 2, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(R, 3, dtype=torch.float64, requires_grad=True)
    ga, gb = t64([[1.0, 0.0], [10.0, 0.0]]), t64([[0.0, 1.0, 0.0], [0.0, 0.0, 0.1]])  # (T, size) per tensor
    losses = (a @ ga.T + b @ gb.T) + 1.0  # (R, T)
    weighting = build_weighting("metabalance", tasks(2), [0], {"relax": 1.0, "beta": 0.0})
    c = StepContext(0, 0, {"a": a, "b": b}, ["a", "b"], ["b"])
    weighting.backward(losses, c)
    # r = 1: the auxiliary gradient gets the target's norm on each tensor: (1, 0) on a, (0, 0, 1) on b
    assert torch.allclose(a.grad[0], t64([2.0, 0.0])) and torch.allclose(b.grad[0], t64([0.0, 1.0, 1.0]))


def test_metabalance_target_is_checked_against_the_tasks():
    with pytest.raises(ConfigError, match="weighting.target"):
        build_weighting("metabalance", tasks(2), [0], {"target": 2})
    with pytest.raises(ConfigError, match="weighting.target"):
        default_config(**{"weighting": "metabalance", "weighting.target": 2})
    assert default_config(**{"weighting": "metabalance", "weighting.target": 1}).weighting.params["target"] == 1
    with pytest.raises(ConfigError, match="weighting.relax"):
        default_config(**{"weighting": "metabalance", "weighting.relax": 1.5})


# ------------------------------------------------------------------------------------------------- registry
def test_new_strategies_are_registered_with_papers_and_validated_parameters():
    for wid in ("famo", "gradvac", "imtl", "aligned_mtl", "db_mtl", "metabalance"):
        info = WEIGHTINGS[wid]
        assert info.paper and info.year >= 2021 and info.description and info.cls.__doc__
        assert info.cls.__module__.endswith(wid)
        for p in info.params:
            assert p.help and (p.choices or (p.low is not None and p.high is not None)), (wid, p.name)
    assert not WEIGHTINGS["famo"].gradient_based
    with pytest.raises(ConfigError, match="weighting.beta"):
        default_config(**{"weighting": "gradvac", "weighting.beta": 2.0})
    with pytest.raises(ConfigError, match="weighting.scale"):
        default_config(**{"weighting": "aligned_mtl", "weighting.scale": "max"})
    with pytest.raises(ConfigError, match="weighting.mode"):  # IMTL-L alone takes no per-task gradients
        from mtl_core.config import from_flat
        from_flat({"weighting": "imtl", "weighting.variant": "l", "weighting.mode": "params"})
