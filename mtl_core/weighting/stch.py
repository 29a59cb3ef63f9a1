"""STCH: smooth Tchebycheff scalarisation.

Lin, Zhang, Chen, Zhang, Liu, "Smooth Tchebycheff Scalarization for Multi-Objective Optimization", ICML 2024.
The Tchebycheff scalarisation max_k λ_k·(f_k − z*_k) trains only the worst task at each step; its smooth
version μ·log Σ_k exp(λ_k·(f_k − z*_k)/μ) is differentiable and tends to the max as μ → 0 (and to the plain
sum, up to a constant, as μ grows). For multi-task learning, as in the authors' code and LibMTL, the
objectives are the log-losses normalised by a nadir point, f_k = log(L_k / n_k), with the ideal point
z* = 0 and equal preferences λ_k = 1, and the model descends T·μ·log Σ_k exp(f_k / μ) (T so that the scale
matches EW's sum). The nadir n_k is each task's mean training loss over the last warm-up epoch; during the
warm-up the model trains on Σ_k log L_k.

Effective weights on each task's raw loss gradient: T·softmax(f/μ)_k / L_k (1/L_k during the warm-up).

Where this differs from LibMTL: its `STCH_warmup_epoch` = e trains e + 1 epochs on the log-losses and takes
the nadir from the last of them; here `warmup_epochs` counts those epochs (LibMTL's default 4 is 5 here), and
0 takes the nadir from the first step's losses. A task whose loss is 0 (no samples of its space in the
batch) gets weight 0, and a nadir of 0 (a task never seen during the warm-up) is taken as 1.
"""
from __future__ import annotations

import torch

from ..params import Param
from .base import StepContext, Weighting
from .registry import WeightingInfo

_EPS = 1e-20  # log(L + 1e-20), as the reference code


class STCH(Weighting):
    """Loss-based: the weights T·softmax(f/μ)_k / L_k are applied to the losses, whose weighted sum has the
    STCH objective's gradient. `state()` reports softmax(f/μ)·T, the smooth max's share of each task."""

    def __init__(self, tasks, seeds, mu=1.0, warmup_epochs=1):
        super().__init__(tasks, seeds)
        self.mu = self.per_run("mu", mu)  # (R, 1) smoothing
        self.warmup_epochs = int(warmup_epochs)
        self.nadir: torch.Tensor | None = None  # (R, T)
        self.loss_sum: torch.Tensor | None = None  # (R, T) summed over the last warm-up epoch's steps
        self.count = 0
        self.register_buffer("share", torch.ones(self.n_runs, self.n_tasks, device=self.device),
                             persistent=False)  # (R, T) T·softmax(f/μ); ones during the warm-up

    def weights(self, losses: torch.Tensor, ctx: StepContext) -> torch.Tensor:
        L = losses.detach()  # (R, T)
        present = L > 0
        if ctx.epoch < self.warmup_epochs:  # train on Σ log L; the last warm-up epoch measures the nadir
            if ctx.epoch == self.warmup_epochs - 1:
                self.loss_sum = L.clone() if self.loss_sum is None else self.loss_sum + L
                self.count += 1
            return torch.where(present, 1 / (L + _EPS), 0.0)
        if self.nadir is None:
            nadir = L if self.loss_sum is None else self.loss_sum / self.count
            self.nadir = torch.where(nadir > 0, nadir, torch.ones_like(nadir))
        f = torch.log(L / self.nadir + _EPS)  # (R, T) normalised log-losses
        f = torch.where(present, f, float("-inf"))  # a task without samples takes no part in the max
        share = self.n_tasks * torch.softmax(f / self.mu.to(f.dtype), dim=1)  # (R, T)
        share = torch.nan_to_num(share)  # every task absent: softmax of -inf rows
        self.share = share.to(self.share.dtype)
        return torch.where(present, share / (L + _EPS), 0.0)

    def state(self) -> dict[str, torch.Tensor]:
        return {"share": self.share}


INFO = WeightingInfo(
    id="stch", name="STCH (smooth Tchebycheff)",
    paper="Lin et al., Smooth Tchebycheff Scalarization for Multi-Objective Optimization", year=2024,
    params=(Param("mu", 1.0, "smoothing μ: small = train mostly the worst task (the Tchebycheff max), large = "
                             "close to the sum of the log-losses", low=0.001, high=100.0, per_run=True),
            Param("warmup_epochs", 1, "epochs trained on the log-losses before STCH starts; the last one measures "
                                      "each task's mean loss, the nadir the losses are divided by (0 = the first "
                                      "step's losses)", low=0, high=1000)),
    cls=STCH, description="Train a smooth version of the worst (nadir-normalised) task loss: the task furthest "
                          "behind gets most of the weight, smoothly.")
