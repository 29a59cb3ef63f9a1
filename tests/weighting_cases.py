"""Hand-made problems the loss-weighting tests share (imported by test_weighting*.py).

Most cases use linear losses L_k = a_k·x (+ ½h_k² on a task-specific head), so the per-task gradient on
the shared parameter x is exactly a_k and every strategy's combined gradient can be computed by hand.
"""
from __future__ import annotations

import itertools

import torch

from mtl_core.data.base import TaskSpec
from mtl_core.weighting import StepContext, build_weighting


def tasks(n: int, kinds: str = "") -> tuple[TaskSpec, ...]:
    kinds = kinds or "r" * n
    return tuple(TaskSpec(f"t{i}", "regression" if k == "r" else "binary") for i, k in enumerate(kinds))


def ctx(params, step=0, epoch=0) -> StepContext:
    return StepContext(step=step, epoch=epoch, params=params, shared=["shared"], last_shared=["shared"])


def linear_problem(A: torch.Tensor):
    """A (R, T, P): task k's gradient on `shared` is A[:, k]. Returns params and losses (R, T)."""
    R, T, P = A.shape
    params = {"shared": torch.zeros(R, P, dtype=A.dtype, requires_grad=True),
              "head": torch.arange(1.0, 1 + R * T, dtype=A.dtype).reshape(R, T).requires_grad_()}
    losses = torch.einsum("rtp,rp->rt", A, params["shared"]) + 0.5 * params["head"] ** 2 + 1.0
    return params, losses


def combined(wid: str, A: torch.Tensor, seeds=None, **hp):
    """Run one backward of strategy `wid` on the linear problem: (weights, grad on shared, grad on head)."""
    R, T, _ = A.shape
    weighting = build_weighting(wid, tasks(T), seeds or list(range(R)), hp)
    params, losses = linear_problem(A)
    w = weighting.backward(losses, ctx(params))
    return w, params["shared"].grad, params["head"].grad, weighting


def t64(x) -> torch.Tensor:
    return torch.tensor(x, dtype=torch.float64)


def simplex_grid(T: int, n: int) -> torch.Tensor:
    pts = [c for c in itertools.product(range(n + 1), repeat=T - 1) if sum(c) <= n]
    g = torch.tensor([list(c) + [n - sum(c)] for c in pts], dtype=torch.float64)
    return g / n



def nonlinear_problem(params, centres, scales):
    """Positive losses L_k = ½·s_k·||x − c_k||² + ½·h_k² with run-specific centres: (R, T)."""
    x, h = params["shared"], params["head"]
    return 0.5 * scales * ((x[:, None, :] - centres) ** 2).sum(2) + 0.5 * h ** 2


def train_toy(wid: str, idx: list[int], params=None, steps: int = 4):
    """Train runs idx (of three) of a small nonlinear problem with strategy `wid` for a few steps:
    per step (weights, grad on shared, grad on head) and the final state. `params`: as build_weighting's."""
    seeds, T, P = [11, 12, 13], 3, 4
    g = torch.Generator().manual_seed(0)
    x0, h0 = torch.randn(3, P, generator=g), torch.randn(3, T, generator=g)
    centres, scales = torch.randn(3, T, P, generator=g), torch.rand(3, T, generator=g) + 0.5
    weighting = build_weighting(wid, tasks(T, "rbr"), [seeds[i] for i in idx], params)
    params = {"shared": x0[idx].clone().requires_grad_(), "head": h0[idx].clone().requires_grad_()}
    extra = list(weighting.parameters())
    out = []
    for step in range(steps):
        for p in list(params.values()) + extra:
            p.grad = None
        losses = nonlinear_problem(params, centres[idx], scales[idx] * (1 + 0.3 * step * torch.arange(T)))
        w = weighting.backward(losses, ctx(params, step=step, epoch=step))
        out.append((w.clone(), params["shared"].grad.clone(), params["head"].grad.clone()))
        with torch.no_grad():
            for p in list(params.values()) + extra:
                p -= 0.05 * p.grad
        weighting.after_step()
        if weighting.needs_post_step_losses:  # as the engine does: the same "batch" after the update
            scale = scales[idx] * (1 + 0.3 * step * torch.arange(T))
            weighting.after_step_losses(nonlinear_problem(params, centres[idx], scale).detach())
        weighting.on_epoch_end(step, losses.detach())
    state = {k: v.clone() for k, v in weighting.state().items()}
    return out, state


def assert_run_matches(batched, alone, r: int, label) -> None:
    (bsteps, bstate), (asteps, astate) = batched, alone
    for (wb, gb, hb), (wa, ga, ha) in zip(bsteps, asteps):
        assert torch.allclose(wb[r], wa[0], rtol=1e-5, atol=1e-6), (label, r)
        assert torch.allclose(gb[r], ga[0], rtol=1e-5, atol=1e-6), (label, r)
        assert torch.allclose(hb[r], ha[0], rtol=1e-5, atol=1e-6), (label, r)
    for k in bstate:
        assert torch.allclose(bstate[k][r], astate[k][0], rtol=1e-5, atol=1e-6), (label, k)
