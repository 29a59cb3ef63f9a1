"""Where each strategy steps: the update every registered weighting would take from the SAME task gradients.

Given task gradients G (T, P) on the shared parameters and the task losses (T,), each strategy of
`mtl_core.weighting.WEIGHTINGS` is built for one run and its real backward pass is run on a linear surrogate,
L_k(θ) = L_k + g_k·θ at θ = 0 (so ∇L_k = g_k and the loss values are the given ones): the gradient it leaves
on θ is its update. Loss-based strategies thus give Σ_k w_k g_k with the weights they compute from the losses
(and their state at the start of training), gradient-based ones their combination, DB-MTL its log-loss
gradients, and so on, without a hand-written copy of any of them.

Not every strategy's update is a function of these gradients alone. Each is probed and labelled:

    exact     the update depends only on G and the losses
    random    it draws random numbers (RLW's weights, GradDrop's masks, PCGrad's order for 3+ tasks): one
              draw, seeded, is shown
    initial   it carries state across steps (learned weights: UW, GradNorm, IMTL-L; moving averages or
              targets: DB-MTL, GradVac, MoCo, MetaBalance; epoch histories or schedules: DWA, FAMO, PLE
              decay): its update at the start of training is shown, from these gradients
    skipped   it needs more than gradients and losses (e.g. the model): the reason is kept

The probe, once per strategy on standard gradients (so a label does not flicker as the gradients change): a
second instance with another seed (random?), one instance fed a few other gradients first, with its random
draws replayed (history?), one at a late step and epoch (schedule?), and whether the class declares
learnable parameters or end-of-epoch / after-step hooks.

For two tasks the view is drawn in the plane of g1 and g2 (e1 = g1/|g1|, e2 the part of g2 orthogonal to
it, normalised); `off_plane` is the norm of what an update has outside span(G) (GradDrop masks single
coordinates and may leave it). `capture_gradients` and `trainer_gradients` get G and the losses from a
real model: on its shared parameters, over the first `rows` validation rows.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import torch

from ..data.base import TaskSpec
from ..params import ConfigError
from ..weighting import WEIGHTINGS, StepContext, Weighting, build_weighting
from ..weighting.solvers import task_gradients

EXACT, RANDOM, INITIAL, SKIPPED = "exact", "random", "initial", "skipped"
STATUSES = (EXACT, RANDOM, INITIAL, SKIPPED)
_HOOKS = ("on_epoch_end", "after_step", "after_step_losses")  # declared state carried across steps
_LATE_STEP, _LATE_EPOCH = 1000, 50  # the schedule probe
_REL_TOL = 1e-6  # two updates are "the same" within this share of the larger norm
_ZERO = 1e-9  # an update shorter than this share of the largest task gradient is zero (rounding)


@dataclass(frozen=True)
class MethodStep:
    """One strategy's update from the given gradients."""

    id: str
    status: str  # EXACT | RANDOM | INITIAL | SKIPPED
    update: np.ndarray | None = None  # (P,)
    weights: np.ndarray | None = None  # (T,) the task weights the strategy reports
    norm: float = float("nan")
    cosines: np.ndarray | None = None  # (T,) cos(update, g_k); nan for a zero update or gradient
    plane: tuple[float, float] | None = None  # two tasks: coordinates along (e1, e2)
    off_plane: float = float("nan")  # norm of the part outside span(G)
    random: bool = False  # draws random numbers (one seeded draw shown)
    stateful: bool = False  # carries state across steps (its first step shown)
    reason: str = ""  # SKIPPED: why


@dataclass(frozen=True)
class StepView:
    grads: np.ndarray  # (T, P)
    losses: np.ndarray  # (T,)
    tasks: tuple[str, ...]
    steps: dict[str, MethodStep]
    basis: np.ndarray | None  # (2, P) orthonormal e1, e2 (two tasks), else None
    task_plane: np.ndarray | None  # (T, 2) the task gradients' own coordinates (two tasks)
    task_cosines: np.ndarray  # (T, T)
    conflict_deg: float  # the angle between g1 and g2 (two tasks), or the widest pairwise angle
    extra: dict = field(default_factory=dict)

    @property
    def n_tasks(self) -> int:
        return len(self.tasks)

    def shown(self) -> list[str]:
        """The strategies that have an update (every status but skipped), in registry order."""
        return [w for w, s in self.steps.items() if s.status != SKIPPED]


# ---- inputs ------------------------------------------------------------------------------------------
def synthetic_gradients(theta_deg: float, ratio: float, dim: int = 2, off_plane: float = 0.0,
                        seed: int = 0) -> np.ndarray:
    """Two task gradients at angle θ with |g2|/|g1| = ratio: g1 = (1, 0), g2 = ratio·(cos θ, sin θ), (2, dim).

    dim > 2 embeds that plane along a random orthonormal pair of directions (seeded), so every coordinate
    mixes both gradients and coordinate-wise methods (GradDrop) see signs that disagree; `off_plane` adds to
    each gradient a part of that relative size orthogonal to the plane (then the angle and ratio hold only
    approximately)."""
    if not 0.0 <= theta_deg <= 180.0:
        raise ConfigError("steps.angle", theta_deg, "an angle from 0 to 180 degrees")
    if not (0.0 < ratio < math.inf):
        raise ConfigError("steps.ratio", ratio, "a positive, finite ratio of norms |g2|/|g1|")
    if int(dim) < 2:
        raise ConfigError("steps.dim", dim, "at least 2 coordinates")
    if not 0.0 <= off_plane <= 1.0:
        raise ConfigError("steps.off_plane", off_plane, "a relative size from 0 to 1")
    th = math.radians(theta_deg)
    flat = np.array([[1.0, 0.0], [ratio * math.cos(th), ratio * math.sin(th)]])  # (2, 2)
    dim = int(dim)
    if dim == 2:
        return flat
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))  # (dim, dim) orthonormal columns
    G = flat @ q[:, :2].T  # (2, dim)
    if off_plane > 0 and dim > 2:
        rest = rng.standard_normal((2, dim - 2)) @ q[:, 2:].T  # (2, dim) orthogonal to the plane
        rest /= np.linalg.norm(rest, axis=1, keepdims=True)
        G = G + off_plane * np.linalg.norm(G, axis=1, keepdims=True) * rest
    return G


def _tasks(T: int, tasks: Sequence[TaskSpec] | None) -> tuple[TaskSpec, ...]:
    if tasks is None:
        return tuple(TaskSpec(f"task{k + 1}", "regression") for k in range(T))
    tasks = tuple(tasks)
    if len(tasks) != T:
        raise ConfigError("steps.tasks", len(tasks), f"one task spec per gradient row ({T})")
    return tasks


# ---- one strategy on the linear surrogate ----------------------------------------------------------------
def _step_once(strategy: Weighting, G: torch.Tensor, L: torch.Tensor, step: int, epoch: int
               ) -> tuple[torch.Tensor, torch.Tensor]:
    """The strategy's backward on L_k(θ) = L_k + g_k·θ at θ = 0 -> (update (P,), weights (T,))."""
    theta = torch.zeros(1, G.shape[1], dtype=G.dtype, requires_grad=True)  # (1, P) the shared parameters
    losses = L[None] + theta @ G.T  # (1, T): values L, gradients G
    ctx = StepContext(step=step, epoch=epoch, params={"shared": theta}, shared=["shared"],
                      last_shared=["shared"])
    w = strategy.backward(losses, ctx)
    g = theta.grad if theta.grad is not None else torch.zeros_like(theta)
    return g[0].detach(), torch.as_tensor(w).detach().reshape(-1).to(G.dtype)


def _warmup(G: torch.Tensor, L: torch.Tensor, seed: int, n: int = 3) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Other gradients and losses to feed a strategy before G: one whose update then differs carries state
    across steps."""
    gen = torch.Generator().manual_seed(7919 + seed)
    scale = G.norm(dim=1).mean().clamp_min(1e-12)
    out = []
    for i in range(n):
        common = torch.randn(1, G.shape[1], generator=gen, dtype=G.dtype)
        Gw = scale * (common + 0.7 * torch.randn(G.shape, generator=gen, dtype=G.dtype)) / math.sqrt(G.shape[1])
        out.append((Gw, L * (1.5 + 0.5 * i)))
    return out


def _same(a: torch.Tensor, b: torch.Tensor) -> bool:
    scale = max(float(a.norm()), float(b.norm()), 1e-30)
    return float((a - b).norm()) <= _REL_TOL * scale


def _declares_state(strategy: Weighting) -> bool:
    """Learnable parameters, or hooks that carry state from one step (or epoch) to the next."""
    if any(True for _ in strategy.parameters()):
        return True
    return any(getattr(type(strategy), h) is not getattr(Weighting, h) for h in _HOOKS)


def _fresh(wid: str, tasks: tuple[TaskSpec, ...], seed: int, params: Mapping | None, dtype) -> Weighting:
    return build_weighting(wid, tasks, [seed], params).to(dtype)


def _carries_state(wid: str, G: torch.Tensor, L: torch.Tensor, tasks: tuple[TaskSpec, ...], seed: int,
                   params: Mapping | None) -> bool:
    """Whether the update from (G, L) changes after other steps (history) or at a late step and epoch
    (schedule), or the class declares state. The random draws are replayed from the same seed, so a random
    strategy without history is not mistaken for one with."""
    first = _fresh(wid, tasks, seed, params, G.dtype)
    if _declares_state(first):
        return True
    update, _ = _step_once(first, G, L, 0, 0)
    warm = _fresh(wid, tasks, seed, params, G.dtype)
    for Gw, Lw in _warmup(G, L, seed):
        _step_once(warm, Gw, Lw, 0, 0)
    warm.generators = _fresh(wid, tasks, seed, params, G.dtype).generators  # replay the same draws
    after, _ = _step_once(warm, G, L, 0, 0)
    late, _ = _step_once(_fresh(wid, tasks, seed, params, G.dtype), G, L, _LATE_STEP, _LATE_EPOCH)
    return not (_same(update, after) and _same(update, late))


@functools.lru_cache(maxsize=256)
def _class_traits(wid: str, kinds: tuple[str, ...]) -> tuple[bool, bool]:
    """(random, stateful) on a standard probe (seeded Gaussian gradients, some pairs conflicting, unequal
    losses), once per strategy and task kinds: properties of the strategy, whatever the gradients shown
    (GradDrop stays "random" where, for the gradients shown, no sign disagrees)."""
    T = len(kinds)
    gen = torch.Generator().manual_seed(12345)
    G = torch.randn(T, 32, generator=gen, dtype=torch.float64)  # (T, 32) similar norms, pairs near orthogonal
    G[1:] -= 0.5 * G[:1]  # and conflicting with task 1
    L = torch.linspace(0.5, 2.0, T, dtype=torch.float64)
    tasks = tuple(TaskSpec(f"task{k + 1}", kind) for k, kind in enumerate(kinds))
    draws = [_step_once(_fresh(wid, tasks, s, None, G.dtype), G, L, 0, 0)[0] for s in range(4)]
    return any(not _same(draws[0], d) for d in draws[1:]), _carries_state(wid, G, L, tasks, 0, None)


def method_step(wid: str, G: torch.Tensor, L: torch.Tensor, tasks: tuple[TaskSpec, ...], seed: int = 0,
                params: Mapping | None = None) -> tuple[str, torch.Tensor | None, torch.Tensor | None, bool, bool, str]:
    """(status, update (P,), weights (T,), random, stateful, reason) of strategy `wid` on G (T, P), L (T,)."""
    try:
        update, weights = _step_once(_fresh(wid, tasks, seed, params, G.dtype), G, L, 0, 0)
        random, stateful = _class_traits(wid, tuple(t.kind for t in tasks))
        if params is not None:  # other hyper-parameters may add state (or remove it): probe on these gradients
            stateful = _carries_state(wid, G, L, tasks, seed, params)
    except Exception as err:  # noqa: BLE001 - a strategy that needs more than gradients and losses is skipped
        return SKIPPED, None, None, False, False, f"{type(err).__name__}: {err}"
    if not (torch.isfinite(update).all() and torch.isfinite(weights).all()):
        return SKIPPED, None, None, random, stateful, "the update is not finite"
    status = INITIAL if stateful else RANDOM if random else EXACT
    return status, update, weights, random, stateful, ""


# ---- the view ---------------------------------------------------------------------------------------------
def plane_basis(G: np.ndarray) -> np.ndarray:
    """(2, P) orthonormal e1 = g1/|g1|, e2 ⟂ e1 in span(g1, g2) (Gram–Schmidt). When g2 is parallel to g1 (or
    zero), e2 is the coordinate direction least aligned with e1, made orthogonal to it."""
    g1, g2 = G[0], G[1]
    n1 = np.linalg.norm(g1)
    e1 = g1 / n1 if n1 > 0 else np.eye(G.shape[1])[0]
    r = g2 - (g2 @ e1) * e1
    if np.linalg.norm(r) <= 1e-9 * max(np.linalg.norm(g2), n1, 1e-30):
        r = np.eye(G.shape[1])[int(np.argmin(np.abs(e1)))]
        r = r - (r @ e1) * e1
    return np.stack([e1, r / np.linalg.norm(r)])


def _cosines(u: np.ndarray, G: np.ndarray) -> np.ndarray:
    """(T,) cos(u, g_k); nan where either is zero (below _ZERO of the largest gradient's norm: rounding)."""
    nu, ng = np.linalg.norm(u), np.linalg.norm(G, axis=1)
    tiny = _ZERO * max(float(ng.max(initial=0.0)), 1e-300)
    nu, ng = (nu if nu > tiny else 0.0), np.where(ng > tiny, ng, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((nu > 0) & (ng > 0), (G @ u) / (nu * ng), np.nan)


def _off_span(u: np.ndarray, G: np.ndarray) -> float:
    """Norm of the part of u outside span of G's rows (least squares)."""
    coef, *_ = np.linalg.lstsq(G.T, u, rcond=None)
    return float(np.linalg.norm(u - G.T @ coef))


def task_cosines(G: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(G, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (G @ G.T) / np.outer(n, n)


def step_view(grads: np.ndarray | torch.Tensor, losses: np.ndarray | torch.Tensor | Sequence[float] | None = None,
              *, tasks: Sequence[TaskSpec] | None = None, ids: Sequence[str] | None = None, seed: int = 0,
              params: Mapping[str, Mapping] | None = None) -> StepView:
    """Every strategy's update from task gradients `grads` (T, P) and losses (T,) (default: all 1).
    `ids`: the strategies (default: every registered one); `params`: their hyper-parameters by id (default:
    the registry's defaults); `tasks`: the task specs (their kind matters to UW; default: regression)."""
    G = np.asarray(grads.detach().cpu() if torch.is_tensor(grads) else grads, dtype=np.float64)
    if G.ndim != 2 or G.shape[0] < 1 or G.shape[1] < 1:
        raise ConfigError("steps.grads", getattr(G, "shape", None), "a (tasks, parameters) matrix")
    if not np.isfinite(G).all():
        raise ConfigError("steps.grads", "non-finite values", "finite task gradients")
    T = G.shape[0]
    Lnp = np.ones(T) if losses is None else np.asarray(
        losses.detach().cpu() if torch.is_tensor(losses) else losses, dtype=np.float64).reshape(-1)
    if Lnp.shape != (T,) or not np.isfinite(Lnp).all() or (Lnp < 0).any():
        raise ConfigError("steps.losses", Lnp.tolist(), f"{T} finite, non-negative task losses")
    specs = _tasks(T, tasks)
    unknown = [w for w in (ids or ()) if w not in WEIGHTINGS]
    if unknown:
        raise ConfigError("steps.methods", unknown, "registered weightings: " + ", ".join(WEIGHTINGS))
    Gt, Lt = torch.from_numpy(G), torch.from_numpy(Lnp)
    basis = plane_basis(G) if T == 2 else None
    steps: dict[str, MethodStep] = {}
    for wid in (ids or list(WEIGHTINGS)):
        status, u, w, rnd, stateful, reason = method_step(wid, Gt, Lt, specs, seed, (params or {}).get(wid))
        if u is None:
            steps[wid] = MethodStep(wid, status, random=rnd, stateful=stateful, reason=reason)
            continue
        un = u.numpy()
        plane = (float(basis[0] @ un), float(basis[1] @ un)) if basis is not None else None
        steps[wid] = MethodStep(wid, status, un, w.numpy(), float(np.linalg.norm(un)), _cosines(un, G), plane,
                                _off_span(un, G), rnd, stateful)
    cos = task_cosines(G)
    if T >= 2:
        iu = np.triu_indices(T, 1)
        widest = np.nanmin(cos[iu]) if np.isfinite(cos[iu]).any() else np.nan
        conflict = float(np.degrees(np.arccos(np.clip(widest, -1.0, 1.0)))) if np.isfinite(widest) else float("nan")
    else:
        conflict = float("nan")
    return StepView(G, Lnp, tuple(t.name for t in specs), steps, basis,
                    G @ basis.T if basis is not None else None, cos, conflict)


def step_table(view: StepView) -> list[dict]:
    """One row per strategy: status, norm, cosine to every task gradient (cos_<task>), the smallest cosine,
    the weights it reports (w_<task>), and for two tasks the in-plane coordinates and the off-plane norm."""
    rows = []
    for wid, s in view.steps.items():
        row = {"method": wid, "status": s.status, "random": s.random, "stateful": s.stateful, "norm": s.norm}
        for k, task in enumerate(view.tasks):
            row[f"cos_{task}"] = float(s.cosines[k]) if s.cosines is not None else float("nan")
        row["min_cos"] = float(np.nanmin(s.cosines)) if s.cosines is not None and np.isfinite(s.cosines).any() \
            else float("nan")
        for k, task in enumerate(view.tasks):
            row[f"w_{task}"] = float(s.weights[k]) if s.weights is not None and len(s.weights) == view.n_tasks \
                else float("nan")
        if view.basis is not None:
            row["along_g1"], row["across_g1"] = s.plane if s.plane is not None else (float("nan"), float("nan"))
        row["off_plane"] = s.off_plane
        row["reason"] = s.reason
        rows.append(row)
    return rows


# ---- gradients from a real model -----------------------------------------------------------------------
@dataclass(frozen=True)
class Captured:
    """Task gradients on a model's shared parameters at one moment of a run."""

    grads: np.ndarray  # (T, P)
    losses: np.ndarray  # (T,)
    tasks: tuple[TaskSpec, ...]
    step: int
    rows: int  # validation rows the losses average over


def trainer_gradients(trainer, step: int = -1, rows: int = 512, run: int = 0) -> Captured | None:
    """The task gradients of a `mtl_core.train.Trainer`'s model as it is now (run `run`), on its shared
    parameters, of each task's loss over the first `rows` validation rows. None when nothing is shared."""
    runs = trainer.main
    if not runs.shared:
        return None
    split = trainer.splits["val"]
    n = max(1, min(int(rows), len(split)))
    with torch.enable_grad():
        losses, _, _, _ = runs.forward(*split.rows(slice(0, n)))  # (R, T)
        g = task_gradients(losses, [runs.params[name] for name in runs.shared])  # (R, T, P)
    return Captured(g[run].detach().cpu().double().numpy(), losses[run].detach().cpu().double().numpy(),
                    tuple(trainer.spec.tasks), int(step), n)


def capture_gradients(cfg, step: int, rows: int = 512) -> Captured | None:
    """Train `cfg` (one run, its seed, no baselines) for `step` steps and return the task gradients there
    (`trainer_gradients`). `step` is clipped to the run's length."""
    from ..train import Trainer  # the engine is only needed here

    if int(step) < 0:
        raise ConfigError("steps.step", step, "a training step from 0")
    trainer = Trainer(cfg.with_changes(**{"train.baseline": False}), snapshot_interval_s=0.0, probe_cosine=False)
    at = 0
    for snap in trainer:  # a snapshot after every step (snapshot_interval_s = 0)
        at = snap.step
        if snap.step >= step or snap.done:
            break
    return trainer_gradients(trainer, at, rows)


__all__ = ["EXACT", "RANDOM", "INITIAL", "SKIPPED", "STATUSES", "MethodStep", "StepView", "Captured",
           "synthetic_gradients", "plane_basis", "task_cosines", "step_view", "step_table", "method_step",
           "trainer_gradients", "capture_gradients"]
