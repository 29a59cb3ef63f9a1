"""StackedRuns: one architecture trained as R independent runs stacked on a leading axis.

Every parameter is a (R, ...) tensor; the model is evaluated with `torch.func.vmap` over
`functional_call` (R = 1 skips vmap: same math, less overhead). The total loss is a sum over runs and
the optimisers are elementwise, so runs never influence each other.

With `record_conflict`, every step also records, per run, the cosine of the task gradients on the shared
parameters BEFORE the weighting combines them (the smallest over pairs of tasks) and AFTER: the smallest
cosine between the gradient actually applied to the shared parameters (what `weighting.backward` left in
their `.grad`: Σ w_k g_k for loss-based strategies, the projected / min-norm / bargained combination for
gradient-based ones) and each task's own gradient. After < 0 means the step goes uphill, to first order,
for some task. It costs one extra backward pass per task; its time is kept apart (`record_s`) so that
throughput and time per step stay those of the strategy alone.
"""
from __future__ import annotations

from typing import Sequence

import threading
import time

import numpy as np
import torch
from torch.func import functional_call, vmap

from ..config import ExperimentConfig, is_checked
from ..data.base import DatasetSpec
from ..metrics import cosine_matrix
from ..models import build_model
from ..models.base import SHARED_REP, ModelOutput
from ..weighting import StepContext, build_weighting
from ..weighting.solvers import task_gradients
from .data import StackedSplit
from .fast import CompiledMix, stacked_forward, stacked_task_losses
from .fused import fused_training_step
from .optim import StackedOptimizer


def cpu_time() -> float:
    """CPU seconds of the work torch does for this thread: the thread's own time when torch runs on one
    thread (other sessions of a server do not count), the process's otherwise. Unlike wall time it barely
    moves when other programs share the CPU, so it compares strategies' costs on a busy machine."""
    return time.thread_time() if torch.get_num_threads() == 1 else time.process_time()


def _with_run_axis(out: ModelOutput) -> ModelOutput:
    """(B, ...) outputs of a lone run -> (1, B, ...), the shape a batch of runs has."""
    def add(d):
        return {k: v.unsqueeze(0) for k, v in d.items()}
    return ModelOutput(add(out.preds), add(out.gates), add(out.extras))


# Evaluation runs the split in chunks of about EVAL_ROWS rows across all runs (64 to 4096 per run): a whole
# whole split of many runs at once makes (R, N, E, H) temporaries so large that glibc maps them fresh and the
# kernel zero-fills them on every pass (where the allocator is not tuned, as in the server); a lone run keeps
# whole 4096-row chunks.
EVAL_ROWS, EVAL_CHUNK_MIN, EVAL_CHUNK_MAX = 16_384, 64, 4096

# Models are initialised from torch's global generator (seeded per run): training threads of other
# browser sessions, or grid workers, must not reseed it between our seed and our build.
_INIT_LOCK = threading.Lock()


class StackedRuns:
    """Parameters, optimiser and weighting of R runs of one architecture (run r: configs[r])."""

    def __init__(self, configs: Sequence[ExperimentConfig], spec: DatasetSpec, device: torch.device,
                 arch: str | None = None, arch_params: dict | None = None, weighting: str | None = None,
                 record_conflict: bool = False, compile_mix: bool = False):
        cfg = configs[0]
        checked = all(is_checked(c) for c in configs)  # validated configs: their values are not parsed again
        checked_arch = checked and arch is None
        arch = arch or cfg.model.id
        arch_params = dict(cfg.model.params) if arch_params is None else arch_params
        seeds = [c.train.seed for c in configs]
        models = []
        with _INIT_LOCK:
            for s in seeds:
                torch.manual_seed(s)
                models.append(build_model(arch, spec, arch_params, checked=checked_arch))
        names = [n for n, _ in models[0].named_parameters()]
        self.params = {n: torch.stack([dict(m.named_parameters())[n].detach() for m in models]).to(device)
                       .requires_grad_() for n in names}  # (R, ...) leaves: what the optimiser updates
        self.model = models[0].to(device)  # template for functional_call (buffers, structure) only
        self.model.requires_grad_(False)
        self.shared = self.model.shared_parameter_names()
        self.last_shared = self.model.last_shared_parameter_names()
        if weighting is None:
            wid, w_params = cfg.weighting.id, [dict(c.weighting.params) for c in configs]
        else:  # e.g. the single-task baseline: plain EW
            wid, w_params = weighting, {}
        self.weighting = build_weighting(wid, spec.tasks, seeds, w_params, checked=checked and weighting is None).to(device)
        self.opt = StackedOptimizer(cfg.train.optimizer, list(self.params.values()),
                                    list(self.weighting.parameters()), [c.train.lr for c in configs],
                                    cfg.train.weight_decay)
        self.n_runs = len(seeds)
        self.has_penalty = self.model.penalty(self.model(*self._probe_inputs(spec, device))) is not None
        self._vmapped = vmap(self._run_one)
        # the hot architectures run their layers directly on the run axis (no vmap, also for R = 1)
        # long studies: the training batches' expert mix compiled (fast.CompiledMix)
        self.mixer = CompiledMix(cfg.train.batch_size) if compile_mix else None
        self._fast = None if self.has_penalty else stacked_forward(self.model, self.mixer)
        self._fast_losses = stacked_task_losses(self.model) if self._fast is not None else None
        self.record_conflict = bool(record_conflict) and bool(self.shared)
        # training steps of MMoE / OMoE as one autograd node (fused.py), unless the step takes per-task
        # gradients: MGDA-UB takes them w.r.t. the experts' output, a node that path does not have, and
        # autograd's backward for a gradient w.r.t. the shared parameters alone skips the task-specific
        # layers, which the fused backward computes every time (so GradNorm is faster on autograd's graph).
        # CPU only: it was profiled and tested there; CUDA keeps the path whose CPU/CUDA agreement is checked
        self._fused = (fused_training_step(self.model) if self._fast is not None and device.type == "cpu"
                       and not self.weighting.needs_gradients and not self.record_conflict else None)
        self.record_s = self.record_cpu_s = 0.0  # wall / CPU seconds spent recording conflict (not the strategy's)
        self._conflict: list[tuple[int, torch.Tensor, torch.Tensor]] = []  # (step, before (R,), after (R,))

    @staticmethod
    def _probe_inputs(spec: DatasetSpec, device):
        return (torch.zeros(2, spec.schema.n_dense, device=device),
                torch.zeros(2, spec.schema.n_categorical, dtype=torch.long, device=device))

    # -- forward -------------------------------------------------------------------------------
    def _run_one(self, params, dense, cat, y, mask):
        out = functional_call(self.model, params, (dense, cat))
        losses = self.model.task_losses(out, y, mask)
        penalty = self.model.penalty(out) if self.has_penalty else losses.new_zeros(())  # vmap needs a tensor
        return losses, penalty, out

    def forward(self, dense, cat, y, mask, train: bool = False):
        """-> losses (R, T), penalty (R,) or None, outputs with a leading run axis, and the raw
        outputs the losses were computed from (for R = 1 those lack the run axis, except on the vmap-free
        path of `fast.py`, whose outputs always have it). `train`: for a training step, whose outputs
        may lack the gates, the shared representation and the predictions (the fused path)."""
        if train and self._fused is not None:
            losses, out = self._fused(self.params, dense, cat, y, mask)
            return losses, None, out, out
        if self._fast is not None:
            out = self._fast(self.params, dense, cat)
            return self._fast_losses(out, y, mask), None, out, out
        if self.n_runs == 1:
            p0 = {n: v[0] for n, v in self.params.items()}
            losses, penalty, raw = self._run_one(p0, dense[0], cat[0], y[0], mask[0])
            return losses.unsqueeze(0), penalty.unsqueeze(0) if self.has_penalty else None, _with_run_axis(raw), raw
        losses, penalty, out = self._vmapped(self.params, dense, cat, y, mask)
        return losses, penalty if self.has_penalty else None, out, out

    def losses_at(self, params: dict[str, torch.Tensor], batch, rows: slice | None = None) -> torch.Tensor:
        """Task losses (R, T) of `batch` (its rows `rows`) under the parameters {name: (R, ...)}, e.g. a
        look-ahead step's (Auto-Lambda); without the model's penalty term."""
        dense, cat, y, mask = batch if rows is None else (t[:, rows] for t in batch)
        if self._fast is not None:
            return self._fast_losses(self._fast(params, dense, cat), y, mask)
        if self.n_runs == 1:
            p0 = {n: v[0] for n, v in params.items()}
            return self._run_one(p0, dense[0], cat[0], y[0], mask[0])[0].unsqueeze(0)
        return self._vmapped(params, dense, cat, y, mask)[0]

    # -- one optimisation step -----------------------------------------------------------------
    def step(self, batch, step: int, epoch: int, alive: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        """One update of every run. Runs whose `alive` flag (R,) is False (diverged earlier) contribute
        nothing; None means every run is alive (the trainer knows, and a lone run's step then skips a check
        that waits for the device). Returns the detached losses (R, T) and the task weights applied (R, T)."""
        losses, penalty, out, raw = self.forward(*batch, train=True)
        if alive is not None and not bool(alive.all()):  # a NaN branch of `where` passes no gradient
            losses = torch.where(alive[:, None], losses, torch.zeros_like(losses))
            penalty = None if penalty is None else torch.where(alive, penalty, torch.zeros_like(penalty))
        ctx = StepContext(step=step, epoch=epoch, params=self.params, shared=self.shared,
                          last_shared=self.last_shared, outputs=out, shared_rep=raw.extras.get(SHARED_REP),
                          penalty=penalty, loss_at=lambda params, rows=None: self.losses_at(params, batch, rows))
        grads = self._task_grads(losses) if self.record_conflict else None
        self.opt.zero_grad()
        w = self.weighting.backward(losses, ctx)
        if grads is not None:
            self._record(step, grads)
        self.opt.step()
        self.weighting.after_step()
        if self.weighting.needs_post_step_losses:  # FAMO: the same batch under the updated parameters
            with torch.no_grad():
                self.weighting.after_step_losses(self.forward(*batch)[0])
        return losses.detach(), w

    # -- gradient conflict, before and after the weighting's combination --------------------------
    def _task_grads(self, losses: torch.Tensor) -> torch.Tensor:
        t0, c0 = time.perf_counter(), cpu_time()
        g = task_gradients(losses, [self.params[n] for n in self.shared]).detach()  # (R, T, P)
        self.record_s += time.perf_counter() - t0
        self.record_cpu_s += cpu_time() - c0
        return g

    @torch.no_grad()
    def _record(self, step: int, grads: torch.Tensor) -> None:
        t0, c0 = time.perf_counter(), cpu_time()
        R, T, _ = grads.shape
        applied = torch.cat([(p.grad if p.grad is not None else torch.zeros_like(p)).reshape(R, -1)
                             for p in (self.params[n] for n in self.shared)], 1)  # (R, P)
        cos = cosine_matrix(grads)  # (R, T, T)
        iu = torch.triu_indices(T, T, 1, device=cos.device)
        before = cos[:, iu[0], iu[1]].min(1).values  # (R,) the most conflicting pair
        unit = applied / applied.norm(dim=1, keepdim=True).clamp_min(1e-12)
        g_unit = grads / grads.norm(dim=2, keepdim=True).clamp_min(1e-12)
        after = (g_unit @ unit[:, :, None])[:, :, 0].min(1).values  # (R,) the task the step helps least
        self._conflict.append((step, before.cpu(), after.cpu()))
        self.record_s += time.perf_counter() - t0
        self.record_cpu_s += cpu_time() - c0

    def pop_conflict(self) -> dict[str, np.ndarray]:
        """The per-step cosines recorded since the last call: step (S,), cos_before and cos_after (R, S)."""
        if not self._conflict:
            return {}
        steps, before, after = zip(*self._conflict)
        self._conflict = []
        return {"step": np.array(steps), "cos_before": torch.stack(before, 1).numpy(),
                "cos_after": torch.stack(after, 1).numpy()}

    # -- evaluation ----------------------------------------------------------------------------
    @torch.no_grad()
    def predict(self, split: StackedSplit, chunk: int | None = None):
        """Predictions {task: (R, N)}, gates {gate: (R, N, E)} and extras {name: (R, N)} over a split, in
        chunks of `chunk` rows per run (default: EVAL_ROWS rows across all runs)."""
        R = split.y.shape[0]
        chunk = chunk or max(EVAL_CHUNK_MIN, min(EVAL_CHUNK_MAX, EVAL_ROWS // R))
        preds, gates, extras = {}, {}, {}
        for i in range(0, len(split), chunk):
            _, _, out, _ = self.forward(*split.rows(slice(i, i + chunk)))
            for store, part in ((preds, out.preds), (gates, out.gates), (extras, out.extras)):
                for k, v in part.items():
                    if k != SHARED_REP:
                        store.setdefault(k, []).append(v)
        def cat(d):
            return {k: torch.cat(v, 1) for k, v in d.items()}
        return cat(preds), cat(gates), cat(extras)

    def grad_cosine(self, probe) -> np.ndarray | None:
        if not self.shared:
            return None
        losses, _, _, _ = self.forward(*probe)
        g = task_gradients(losses, [self.params[n] for n in self.shared])
        return cosine_matrix(g).detach().cpu().numpy()
