"""StackedRuns: one architecture trained as R independent runs stacked on a leading axis.

Every parameter is a (R, ...) tensor; the model is evaluated with `torch.func.vmap` over
`functional_call` (R = 1 skips vmap: same math, less overhead). The total loss is a sum over runs and
the optimisers are elementwise, so runs never influence each other.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from torch.func import functional_call, vmap

from ..config import ExperimentConfig
from ..data.base import DatasetSpec
from ..metrics import cosine_matrix
from ..models import build_model
from ..models.base import SHARED_REP, ModelOutput
from ..weighting import StepContext, build_weighting
from ..weighting.solvers import task_gradients
from .data import StackedSplit
from .optim import StackedOptimizer


def _with_run_axis(out: ModelOutput) -> ModelOutput:
    """(B, ...) outputs of a lone run -> (1, B, ...), the shape a batch of runs has."""
    def add(d):
        return {k: v.unsqueeze(0) for k, v in d.items()}
    return ModelOutput(add(out.preds), add(out.gates), add(out.extras))


class StackedRuns:
    """Parameters, optimiser and weighting of R runs of one architecture (run r: configs[r])."""

    def __init__(self, configs: Sequence[ExperimentConfig], spec: DatasetSpec, device: torch.device,
                 arch: str | None = None, arch_params: dict | None = None, weighting: str | None = None):
        cfg = configs[0]
        arch = arch or cfg.model.id
        arch_params = dict(cfg.model.params) if arch_params is None else arch_params
        seeds = [c.train.seed for c in configs]
        models = []
        for s in seeds:
            torch.manual_seed(s)
            models.append(build_model(arch, spec, arch_params))
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
        self.weighting = build_weighting(wid, spec.tasks, seeds, w_params).to(device)
        self.opt = StackedOptimizer(cfg.train.optimizer, list(self.params.values()),
                                    list(self.weighting.parameters()), [c.train.lr for c in configs],
                                    cfg.train.weight_decay)
        self.n_runs = len(seeds)
        self.has_penalty = self.model.penalty(self.model(*self._probe_inputs(spec, device))) is not None
        self._vmapped = vmap(self._run_one)

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

    def forward(self, dense, cat, y, mask):
        """-> losses (R, T), penalty (R,) or None, outputs with a leading run axis, and the raw
        outputs the losses were computed from (for R = 1 those lack the run axis)."""
        if self.n_runs == 1:
            p0 = {n: v[0] for n, v in self.params.items()}
            losses, penalty, raw = self._run_one(p0, dense[0], cat[0], y[0], mask[0])
            return losses.unsqueeze(0), penalty.unsqueeze(0) if self.has_penalty else None, _with_run_axis(raw), raw
        losses, penalty, out = self._vmapped(self.params, dense, cat, y, mask)
        return losses, penalty if self.has_penalty else None, out, out

    # -- one optimisation step -----------------------------------------------------------------
    def step(self, batch, step: int, epoch: int, alive: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One update of every run. Runs whose `alive` flag (R,) is False (diverged earlier) contribute
        nothing. Returns the detached losses (R, T) and the task weights applied (R, T)."""
        losses, penalty, out, raw = self.forward(*batch)
        if not bool(alive.all()):  # a NaN branch of `where` passes no gradient
            losses = torch.where(alive[:, None], losses, torch.zeros_like(losses))
            penalty = None if penalty is None else torch.where(alive, penalty, torch.zeros_like(penalty))
        ctx = StepContext(step=step, epoch=epoch, params=self.params, shared=self.shared,
                          last_shared=self.last_shared, outputs=out, shared_rep=raw.extras.get(SHARED_REP),
                          penalty=penalty)
        self.opt.zero_grad()
        w = self.weighting.backward(losses, ctx)
        self.opt.step()
        self.weighting.after_step()
        return losses.detach(), w

    # -- evaluation ----------------------------------------------------------------------------
    @torch.no_grad()
    def predict(self, split: StackedSplit, chunk: int = 4096):
        """Predictions {task: (R, N)}, gates {gate: (R, N, E)} and extras {name: (R, N)} over a split."""
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
