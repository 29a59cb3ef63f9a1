"""The shared numerical pieces of `mtl_core.weighting.solvers`, on hand-made tensors (no strategy, no model)."""
from __future__ import annotations

import itertools

import pytest
import torch

from mtl_core.weighting.solvers import (gram, min_norm_weights, nash_weights, set_flat_grad, simplex_minimize,
                                        spd_solve, task_gradients)


def simplex_grid(T: int, n: int) -> torch.Tensor:
    pts = [c for c in itertools.product(range(n + 1), repeat=T - 1) if sum(c) <= n]
    return torch.tensor([list(c) + [n - sum(c)] for c in pts], dtype=torch.float64) / n


def test_task_gradients_are_per_run_per_task_and_flattened():
    torch.manual_seed(0)
    a = torch.randn(2, 3, requires_grad=True)  # (R, 3)
    b = torch.randn(2, 2, 2, requires_grad=True)  # (R, 2, 2)
    unused = torch.zeros(2, 4, requires_grad=True)
    losses = torch.stack([(a ** 2).sum(1), (a * b.sum((1, 2))[:, None]).sum(1) + b.pow(3).sum((1, 2))], 1)
    G = task_gradients(losses, [a, b, unused])
    assert G.shape == (2, 2, 3 + 4 + 4)
    for r in range(2):
        for t in range(2):
            ga, gb = torch.autograd.grad(losses[r, t], [a, b], retain_graph=True)
            expected = torch.cat([ga[r].reshape(-1), gb[r].reshape(-1), torch.zeros(4)])
            assert torch.allclose(G[r, t], expected)
    with pytest.raises(ValueError, match="tensor 2 of 3"):
        task_gradients(losses, [a, b, unused], strict=True)
    losses.sum().backward()  # the graph is still there


def test_set_flat_grad_writes_back_in_order_and_accumulates():
    a, b = torch.zeros(2, 3, requires_grad=True), torch.zeros(2, 2, 2, requires_grad=True)
    flat = torch.arange(14.0).reshape(2, 7)
    set_flat_grad([a, b], flat)
    assert torch.equal(a.grad, flat[:, :3]) and torch.equal(b.grad, flat[:, 3:].reshape(2, 2, 2))
    set_flat_grad([a, b], flat)
    assert torch.equal(a.grad, 2 * flat[:, :3])


def test_gram_and_spd_solve():
    torch.manual_seed(1)
    G = torch.randn(5, 4, 9)
    M = gram(G)
    assert M.dtype == torch.float64 and torch.allclose(M, (G @ G.transpose(1, 2)).double(), atol=1e-5)
    A = M + 0.1 * torch.eye(4, dtype=torch.float64)
    b = torch.randn(5, 4, dtype=torch.float64)
    assert torch.allclose(spd_solve(A, b), torch.linalg.solve(A, b))
    B = torch.randn(5, 4, 2, dtype=torch.float64)
    assert torch.allclose(spd_solve(A, B), torch.linalg.solve(A, B))


def test_min_norm_weights_two_task_closed_form_and_simplex():
    G = torch.tensor([[[1.0, 0.0], [0.0, 2.0]], [[1.0, 1.0], [-2.0, -2.0]]], dtype=torch.float64)
    alpha = min_norm_weights(gram(G))
    assert torch.allclose(alpha[0], torch.tensor([0.8, 0.2], dtype=torch.float64))  # (0.8, 0.4) is closest to 0
    assert torch.allclose(torch.einsum("t,tp->p", alpha[1], G[1]), torch.zeros(2, dtype=torch.float64))


def test_simplex_minimize_with_a_linear_term_matches_a_grid():
    """F(w) = bᵀw + k·sqrt(wᵀMw), CAGrad's dual, per run with different k."""
    grid = simplex_grid(3, 150)
    torch.manual_seed(2)
    G = torch.randn(3, 3, 4, dtype=torch.float64)
    M = G @ G.transpose(1, 2)
    M = M / M.diagonal(dim1=1, dim2=2).mean(1)[:, None, None]
    b, k = M.mean(2), torch.tensor([0.1, 0.5, 2.0], dtype=torch.float64)
    w = simplex_minimize(M, b, k)
    assert (w >= 0).all() and torch.allclose(w.sum(1), torch.ones(3, dtype=torch.float64))
    for r in range(3):
        def F(W):
            return W @ b[r] + k[r] * ((W @ M[r]) * W).sum(-1).clamp_min(0).sqrt()
        assert float(F(w[r][None])) <= float(F(grid).min()) + 1e-9


def test_nash_weights_solve_the_bargaining_equation():
    torch.manual_seed(3)
    G = torch.randn(4, 3, 6, dtype=torch.float64)
    M = gram(G)
    alpha = nash_weights(M)
    assert (alpha > 0).all()
    assert torch.allclose(torch.einsum("rst,rt->rs", M, alpha), 1 / alpha, rtol=1e-6)
    G[0, 2] = 0.0  # a task without gradient gets α = 0, the others solve their own equation
    alpha = nash_weights(gram(G))
    assert alpha[0, 2] == 0
    sub = gram(G[:1, :2])
    assert torch.allclose(alpha[:1, :2], nash_weights(sub), rtol=1e-6)
