"""Numerical pieces shared by the gradient-based strategies, all batched over R independent runs.

- `task_gradients`: per-run, per-task gradients flattened, (R, T, P).
- `set_flat_grad`: write a combined (R, P) gradient back into the parameters' `.grad`.
- `gram`, `spd_solve`: Gram matrices of task gradients and a small vectorised SPD solver.
- `simplex_minimize`: argmin over the simplex of bᵀw + k·||g_w|| (MGDA's min-norm problem, CAGrad's dual).
- `min_norm_weights`: MGDA's min-norm point (Sener & Koltun, "Multi-Task Learning as Multi-Objective
  Optimization", NeurIPS 2018): 2-task closed form, `simplex_minimize` for more.
- `nash_weights`: the Nash bargaining weights (GGᵀ)α = 1/α (Navon et al., "Multi-Task Learning as a
  Bargaining Game", ICML 2022).

Everything here works on plain tensors; nothing knows about strategies or models.
"""
from __future__ import annotations

import torch


def task_gradients(losses: torch.Tensor, params: list[torch.Tensor], create_graph: bool = False,
                   strict: bool = False) -> torch.Tensor:
    """Per-run, per-task gradients of losses (R, T) w.r.t. tensors with a leading run axis (R, ...),
    flattened per run: (R, T, P). Runs are independent, so the gradient of the sum over runs of task t's
    loss holds run r's gradient in slice r. A tensor no task depends on contributes zeros, or raises
    ValueError with strict=True (e.g. a representation that is not the one the losses were computed from).
    The graph is retained, so the losses can still be backpropagated afterwards."""
    R, T = losses.shape
    used = [False] * len(params)
    rows = []
    for t in range(T):
        gs = torch.autograd.grad(losses[:, t].sum(), params, retain_graph=True, allow_unused=True,
                                 create_graph=create_graph)
        used = [u or g is not None for u, g in zip(used, gs)]
        rows.append(torch.cat([(torch.zeros_like(p) if g is None else g).reshape(R, -1)
                               for g, p in zip(gs, params)], dim=1))  # (R, P)
    if strict and not all(used):
        raise ValueError(f"no task loss depends on tensor {used.index(False)} of {len(params)}: gradients "
                         "must be taken w.r.t. the tensors the losses were computed from")
    return torch.stack(rows, dim=1)  # (R, T, P)


def set_flat_grad(params: list[torch.Tensor], flat: torch.Tensor) -> None:
    """Add a flat gradient (R, P) into the .grad of parameters (R, ...), in `task_gradients`' order."""
    i = 0
    for p in params:
        n = p[0].numel()
        g = flat[:, i:i + n].reshape(p.shape)
        p.grad = g.clone() if p.grad is None else p.grad + g
        i += n


def gram(grads: torch.Tensor) -> torch.Tensor:
    """(R, T, P) -> (R, T, T) inner products of task gradients, in float64 where the device has it
    (the small solvers built on it are then well conditioned)."""
    g = grads.detach().to(torch.float32 if grads.device.type == "mps" else torch.float64)
    return g @ g.transpose(1, 2)


def spd_solve(A: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """x with A x = b for small symmetric positive-definite A (R, T, T) and b (R, T) or (R, T, m):
    Gaussian elimination without pivoting, vectorised over R (batched LAPACK calls loop over tiny systems)."""
    vec = b.dim() == 2
    A, b, T = A.clone(), (b[:, :, None] if vec else b).clone(), A.shape[1]
    for i in range(T - 1):
        f = A[:, i + 1:, i] / A[:, i, i, None]  # (R, T-i-1)
        A[:, i + 1:] -= f[:, :, None] * A[:, i, None]
        b[:, i + 1:] -= f[:, :, None] * b[:, i, None]
    x = torch.zeros_like(b)
    for i in reversed(range(T)):
        x[:, i] = (b[:, i] - (A[:, i, i + 1:, None] * x[:, i + 1:]).sum(1)) / A[:, i, i, None]
    return x[:, :, 0] if vec else x


def simplex_minimize(M: torch.Tensor, b: torch.Tensor | None = None, k: torch.Tensor | float = 1.0,
                     max_iter: int = 250, tol: float = 1e-10) -> torch.Tensor:
    """argmin over the simplex of F(w) = bᵀw + k·sqrt(wᵀMw), per run: M (R, T, T) PSD (normalised),
    b (R, T), k (R,). b = 0, k = 1 is MGDA's min-norm problem; CAGrad's dual has b = M·1/T.

    Each iteration takes (1) a pairwise Frank-Wolfe step: move weight from the worst task in the support
    to the best vertex, with an exact line search (F along a segment is linear + sqrt of a quadratic);
    (2) a face step toward F's stationary point on the current support, solved in closed form, cut
    short where a weight would turn negative (an active-set step in the spirit of Wolfe's min-norm
    point algorithm). Plain Frank-Wolfe zig-zags for many iterations when the gradients are
    ill-conditioned; the face step lands on the exact solution once the support is right.
    Runs stop individually once the pairwise gap falls below tol.
    """
    R, T, _ = M.shape
    b = torch.zeros(R, T, dtype=M.dtype, device=M.device) if b is None else b
    k = torch.as_tensor(k, dtype=M.dtype, device=M.device).expand(R)
    w = torch.full((R, T), 1.0 / T, dtype=M.dtype, device=M.device)
    rows = torch.arange(R, device=M.device)
    active = torch.ones(R, dtype=torch.bool, device=M.device)

    def F(v):  # (R, T) -> (R,)
        return (b * v).sum(1) + k * (v * (M @ v[:, :, None])[:, :, 0]).sum(1).clamp_min(0).sqrt()

    for it in range(max_iter):
        # (1) pairwise Frank-Wolfe step
        Mw = (M @ w[:, :, None])[:, :, 0]  # (R, T)
        q0 = (w * Mw).sum(1).clamp_min(1e-30)  # ||g_w||²
        grad = b + (k / q0.sqrt())[:, None] * Mw  # (R, T) ∇F
        t = grad.argmin(1)  # best vertex
        s = grad.masked_fill(w <= 0, float("-inf")).argmax(1)  # worst task in the support
        gap = grad[rows, s] - grad[rows, t]  # >= the Frank-Wolfe duality gap
        active &= gap * q0.sqrt().clamp(max=1) > tol
        if it % 2 == 0 and not bool(active.any()):
            break
        # along w + η(e_t − e_s): bᵀw changes by η·bd, ||g_w||² = q0 + 2η·q1 + η²·q2;
        # stationary where (u = q1 + q2·η, D = q0·q2 − q1² >= 0) u / sqrt(u² + D) = −bd / (k·sqrt(q2))
        bd = b[rows, t] - b[rows, s]
        q1 = Mw[rows, t] - Mw[rows, s]
        q2 = M[rows, t, t] - 2 * M[rows, t, s] + M[rows, s, s]
        rho = -bd / (k * q2.clamp_min(1e-30).sqrt())
        u = rho * ((q0 * q2 - q1 ** 2).clamp_min(0) / (1 - rho ** 2).clamp_min(1e-30)).sqrt()
        eta = torch.where(rho.abs() < 1, (u - q1) / q2.clamp_min(1e-30), rho.sign() * 1e30)
        eta = torch.where(q2 > 1e-30, eta, (bd < 0) * 1e30)  # g_t == g_s: F is linear along the segment
        eta = torch.minimum(eta.clamp_min(0), w[rows, s]) * active  # (R,)
        w = w.index_put((rows, t), w[rows, t] + eta)
        w = w.index_put((rows, s), (w[rows, s] - eta).clamp_min(0))
        # (2) face step. On support S, b_S + k·M_S w/||g_w|| = μ·1 and Σw = 1 give, with x1 = M_S⁻¹1,
        # xb = M_S⁻¹b_S: w* = (μ·x1 − xb)/sqrt(disc), μ = (sb + sqrt(disc))/s1, disc = sb² − s1·(bᵀxb − k²)
        S = w > 0
        both = S[:, :, None] & S[:, None, :]
        A = torch.where(both, M, 0.0) + torch.diag_embed(torch.where(S, 1e-10, 1.0))  # identity off S
        x = spd_solve(A, torch.stack([S.to(M.dtype), b * S], 2))  # (R, T, 2)
        x1, xb = x[:, :, 0], x[:, :, 1]
        s1, sb = x1.sum(1), xb.sum(1)
        disc = sb ** 2 - s1 * ((b * xb).sum(1) - k ** 2)
        mu = (sb + disc.clamp_min(0).sqrt()) / s1
        target = (mu[:, None] * x1 - xb) / disc.clamp_min(1e-300).sqrt()[:, None]
        d = target - w
        ratio = torch.where(d < 0, w / (-d).clamp_min(1e-300), float("inf")).amin(1)  # largest step >= 0
        step = ratio.clamp(max=1.0)
        cand = (w + step[:, None] * d).clamp_min(0)
        cand = torch.where(cand < 1e-12, 0.0, cand)
        cand = cand / cand.sum(1, keepdim=True)
        good = (disc > 0) & (s1 > 0) & torch.isfinite(cand).all(1) & active
        good &= F(torch.where(good[:, None], cand, w)) < F(w)
        w = torch.where(good[:, None], cand, w)
    return w


def min_norm_weights(M: torch.Tensor) -> torch.Tensor:
    """Gram matrices (R, T, T) -> α (R, T) on the simplex minimising αᵀMα."""
    R, T, _ = M.shape
    if T == 2:  # closed form: γ = clip(((g2−g1)·g2) / ||g1−g2||², 0, 1)
        den = M[:, 0, 0] - 2 * M[:, 0, 1] + M[:, 1, 1]
        gamma = ((M[:, 1, 1] - M[:, 0, 1]) / den.clamp_min(1e-30)).clamp(0, 1)
        gamma = torch.where(den > 1e-30, gamma, torch.full_like(gamma, 0.5))
        return torch.stack([gamma, 1 - gamma], 1)
    return simplex_minimize(M / M.diagonal(dim1=1, dim2=2).mean(1).clamp_min(1e-30)[:, None, None])


def nash_weights(M: torch.Tensor, max_iter: int = 50, tol: float = 1e-10) -> torch.Tensor:
    """Gram (R, T, T) -> α (R, T) > 0 with Mα = 1/α elementwise.

    That equation is the stationarity condition of the strictly convex f(α) = ½αᵀMα − Σ_k log α_k, so
    instead of the paper's sequence of convex programs (cvxpy) f is minimised by damped Newton steps
    (the largest of 1, 1/2, 1/4, ... passing an Armijo test, else the damped step 1/(1+λ), λ the Newton
    decrement, which keeps α > 0 because f is self-concordant); convergence is quadratic near the
    solution. A ridge of 1e-10·mean(diag M) keeps exactly opposite gradients (no solution) finite; a task
    whose gradient is zero (no samples of its space in the batch) gets α = 0.
    """
    R, T, _ = M.shape
    diag = M.diagonal(dim1=1, dim2=2)  # (R, T) squared gradient norms
    scale = diag.mean(1).clamp_min(1e-30)  # (R,); α scales as scale^(-1/2)
    live = diag > 1e-12 * scale[:, None]  # a task without gradient (e.g. no samples in its space) gets α = 0
    M = torch.where(live[:, :, None] & live[:, None, :], M / scale[:, None, None], 0.0)
    M = M + torch.diag_embed(torch.where(live, 1e-10, 1.0).to(M.dtype))  # ridge; dead tasks decoupled

    def f(a):  # (R, K, T) -> (R, K), +inf outside α > 0
        val = 0.5 * ((a @ M) * a).sum(2) - torch.where(a > 0, a, 1.0).log().sum(2)
        return torch.where((a > 0).all(2), val, torch.full_like(val, float("inf")))

    alpha = M.diagonal(dim1=1, dim2=2).rsqrt()  # (R, T): the answer for orthogonal gradients
    steps = 0.5 ** torch.arange(12, dtype=M.dtype, device=M.device)  # backtracking: 1, 1/2, 1/4, ...
    active = torch.ones(R, dtype=torch.bool, device=M.device)
    for it in range(max_iter):
        grad = (M @ alpha[:, :, None])[:, :, 0] - 1 / alpha  # (R, T) ∇f
        delta = -spd_solve(M + torch.diag_embed(alpha ** -2), grad)  # Newton direction
        lam2 = -(grad * delta).sum(1)  # squared Newton decrement
        active &= lam2 > tol ** 2
        if it % 5 == 0 and not bool(active.any()):
            break
        s = torch.cat([steps.expand(R, -1), (1 / (1 + lam2.sqrt()))[:, None]], 1)  # (R, K), last: damped
        ok = f(alpha[:, None] + s[:, :, None] * delta[:, None]) <= f(alpha[:, None]) - 0.25 * s * lam2[:, None]
        ok[:, -1] = True  # the damped step 1/(1+λ) always stays positive and decreases f
        step = s[torch.arange(R, device=M.device), ok.to(torch.int8).argmax(1)] * active  # largest Armijo step
        alpha = alpha + step[:, None] * delta
    return alpha * live / scale.sqrt()[:, None]
