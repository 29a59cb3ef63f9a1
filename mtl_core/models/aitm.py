"""AITM: Adaptive Information Transfer Multi-task model for sequential conversions.

Xi, Chen, Ma, Zhou, Zheng, Li, Guo & Zhang, "Modeling the Sequential Dependence among Audience
Multi-step Conversions with Multi-task Learning in Targeted Display Advertising", KDD 2021.

Tasks form a funnel (impression -> click -> conversion -> ...). Each task has a tower over the shared
embeddings giving q_t. Task t > 1 receives information from task t-1 through a transfer MLP,
p_{t-1} = g(z_{t-1}) (z_1 = q_1), and an attention unit over the two vectors u in {p_{t-1}, q_t}:
    w_u = softmax_u(<h2(u), h3(u)> / sqrt(H)),   z_t = Σ_u w_u · h1(u).
Task t's head gives the end-to-end probability ŷ_t = P(steps 1..t all happen), trained with BCE
against y_1·...·y_t over all samples; the behavioural calibrator adds α·mean(max(ŷ_t − ŷ_{t−1}, 0))
to task t's loss, since a later step cannot be likelier than an earlier one.

Outputs: preds[task 1] = ŷ_1 (pCTR); preds[task t>1] = clamp(ŷ_t / ŷ_{t−1}, 0, 1), the conditional
probability (pCVR-like, comparable with other models on task t's own sample space);
extras["ctcvr"] = ŷ_2 and extras[f"{task}_entire"] = ŷ_t for t ≥ 3.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..data.base import DatasetSpec
from ..params import Param
from .base import EPS, ModelOutput, MTLModel, Structure, bce
from .layers import MLP, ExpertBank, InputLayer
from .registry import EMBED_DIM, ArchInfo, funnel_tasks


class AttentionUnit(nn.Module):
    """Self-attention over the stacked vectors (B, 2, H) -> (B, H)."""

    def __init__(self, dim: int):
        super().__init__()
        self.h1, self.h2, self.h3 = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.scale = 1.0 / math.sqrt(dim)

    def forward(self, u: torch.Tensor) -> torch.Tensor:
        w = torch.softmax((self.h2(u) * self.h3(u)).sum(-1) * self.scale, dim=-1)  # (B, 2)
        return torch.einsum("bu,buh->bh", w, self.h1(u))  # (B, H)


class AITM(MTLModel):
    def __init__(self, spec: DatasetSpec, *, tower_units, calibrator_alpha, embed_dim):
        super().__init__(spec)
        T = len(spec.tasks)
        self.alpha = calibrator_alpha
        self.input = InputLayer(spec.schema, embed_dim)
        self.towers = ExpertBank(T, self.input.out_dim, tower_units)  # all T towers in one einsum
        H = self.towers.out_dim
        self.transfer = nn.ModuleList(MLP(H, (H,)) for _ in range(T - 1))  # p_{t-1} = g(z_{t-1})
        self.attention = nn.ModuleList(AttentionUnit(H) for _ in range(T - 1))
        self.heads = nn.ModuleList(MLP(H, (), out=1) for _ in range(T))
        with torch.no_grad():  # start the funnel ordered, ŷ_t ≈ 2^-t, so ŷ_t / ŷ_{t-1} ≈ 1/2 rather than
            for t, head in enumerate(self.heads):  # clamped at 1 for half the samples before training
                head.net[-1].bias.fill_(-math.log(2.0 ** (t + 1) - 1.0))  # logit(2^-(t+1))
        # Shared: the embeddings, the towers (tower t feeds task t+1 through the transfer unit) and every
        # head but the last (the calibrator compares ŷ_t with ŷ_{t-1}); transfer and attention feed one task.
        self.shared_modules = ("input.", "towers.", *(f"heads.{t}." for t in range(T - 1)))
        self.last_shared = tuple(f"input.embeddings.{i}.weight" for i in range(len(self.input.embeddings)))

    def structure(self) -> Structure:
        names = self.task_names
        return Structure("sequential", task_links=tuple(zip(names, names[1:])), outputs=("ctcvr",))

    def entire_space(self, dense, cat) -> list[torch.Tensor]:
        """ŷ_t for every task t: the probability that steps 1..t all happen, T x (B,)."""
        q = self.towers(self.input(dense, cat))  # (B, T, H)
        z = [q[:, 0]]
        for t in range(1, q.shape[1]):
            p = self.transfer[t - 1](z[-1])  # (B, H): what task t-1 passes on
            z.append(self.attention[t - 1](torch.stack([p, q[:, t]], dim=1)))  # (B, H)
        return [torch.sigmoid(head(zt)).squeeze(-1) for head, zt in zip(self.heads, z)]

    def forward(self, dense, cat) -> ModelOutput:
        p = self.entire_space(dense, cat)
        preds = {self.task_names[0]: p[0]}
        extras = {}
        for t in range(1, len(p)):
            preds[self.task_names[t]] = (p[t] / p[t - 1].clamp_min(EPS)).clamp(0.0, 1.0)
            extras["ctcvr" if t == 1 else f"{self.task_names[t]}_entire"] = p[t]
        return ModelOutput(preds, {}, extras)

    def entire_probs(self, out: ModelOutput) -> list[torch.Tensor]:
        """ŷ_1..ŷ_T back from a ModelOutput."""
        names = self.task_names
        return [out.preds[names[0]], *(out.extras["ctcvr" if t == 1 else f"{names[t]}_entire"]
                                       for t in range(1, len(names)))]

    def trained_as(self) -> dict[str, str]:
        return {t: "end-to-end probability, all impressions + calibrator" for t in self.task_names[1:]}

    def task_losses(self, out: ModelOutput, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Task t: BCE(ŷ_t, y_1···y_t) over all samples (+ α·mean(relu(ŷ_t − ŷ_{t−1})) for t > 1)."""
        p, losses = self.entire_probs(out), []
        y_end = torch.cumprod(y, dim=1)  # (B, T): label of "steps 1..t all happened"
        for t in range(len(p)):
            loss = bce(p[t], y_end[:, t]).mean()
            if t > 0:
                loss = loss + self.alpha * F.relu(p[t] - p[t - 1]).mean()
            losses.append(loss)
        return torch.stack(losses)


INFO = ArchInfo(
    id="aitm", name="AITM (Adaptive Information Transfer)",
    paper="Xi et al., Modeling the Sequential Dependence among Audience Multi-step Conversions with "
          "Multi-task Learning in Targeted Display Advertising", year=2021,
    params=(Param("tower_units", (32, 16), "hidden layer sizes of each task tower", kind="ints", low=1, high=1024,
                  label="Tower layer sizes"),
            Param("calibrator_alpha", 0.6, "weight of the penalty on a later step being likelier than an "
                  "earlier one", low=0.0, high=10.0, step=0.1, label="Calibrator weight α"),
            EMBED_DIM),
    cls=AITM,
    description="Funnel tasks in sequence: each step attends to what the previous step passes on, and a "
                "calibrator keeps later steps no likelier than earlier ones.",
    check=funnel_tasks,
)
