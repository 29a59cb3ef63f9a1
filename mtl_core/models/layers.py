"""Building blocks shared by every architecture.

`ExpertBank` and `GateBank` hold all experts / gates as stacked weight tensors and evaluate them with
one einsum each, so E experts cost one batched matmul rather than E small ones. Every bank layer is
initialised like `nn.Linear` (uniform ±1/sqrt(fan_in)), so a bank of one expert can be loaded with an
`nn.Linear`'s weights and reproduce it exactly (see tests).
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ..data.base import FeatureSchema


def _uniform_(t: torch.Tensor, fan_in: int) -> torch.Tensor:
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return nn.init.uniform_(t, -bound, bound)


class InputLayer(nn.Module):
    """One embedding table per categorical field, concatenated with the dense features: (B, out_dim)."""

    def __init__(self, schema: FeatureSchema, embed_dim: int):
        super().__init__()
        self.n_dense = schema.n_dense
        self.embeddings = nn.ModuleList(nn.Embedding(card, embed_dim) for _, card in schema.categorical)
        for e in self.embeddings:
            nn.init.normal_(e.weight, std=0.05)
        self.out_dim = schema.n_dense + embed_dim * len(self.embeddings)

    def forward(self, dense: torch.Tensor, cat: torch.Tensor) -> torch.Tensor:
        parts = [dense] if self.n_dense else []
        parts += [emb(cat[:, i]) for i, emb in enumerate(self.embeddings)]  # each (B, embed_dim)
        return torch.cat(parts, dim=-1)  # (B, D)


class MLP(nn.Module):
    """Linear+ReLU layers; `out` adds a final linear layer without activation."""

    def __init__(self, in_dim: int, hidden: Sequence[int], out: int | None = None):
        super().__init__()
        layers: list[nn.Module] = []
        for h in hidden:
            layers += [nn.Linear(in_dim, h), nn.ReLU()]
            in_dim = h
        if out is not None:
            layers.append(nn.Linear(in_dim, out))
            layers[-1].is_output = True  # excluded from the paper's parameter count
            in_dim = out
        self.net = nn.Sequential(*layers)
        self.out_dim = in_dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class ExpertBank(nn.Module):
    """E independent ReLU MLPs with identical layer sizes, evaluated with one einsum per layer.

    Input (B, D) is shared by all experts; input (B, E, D) gives each expert its own input
    (PLE's upper levels, Cross-Stitch columns). Output: (B, E, H_last).
    """

    def __init__(self, n_experts: int, in_dim: int, hidden: Sequence[int]):
        super().__init__()
        dims = [in_dim, *hidden]
        self.weights = nn.ParameterList(
            nn.Parameter(_uniform_(torch.empty(n_experts, a, b), a)) for a, b in zip(dims[:-1], dims[1:]))
        self.biases = nn.ParameterList(
            nn.Parameter(_uniform_(torch.empty(n_experts, b), a)) for a, b in zip(dims[:-1], dims[1:]))
        self.n_experts, self.out_dim = n_experts, dims[-1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activations(x)[-1]

    def activations(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Every layer's ReLU output, (B, E, H_l) each (expert-health metrics read the hidden layers too)."""
        out = []
        for w, b in zip(self.weights, self.biases):
            if x.dim() == 2:  # shared input: all experts are one (D, E*H) matmul, bias fused in
                E, D, H = w.shape
                x = torch.addmm(b.reshape(E * H), x, w.transpose(0, 1).reshape(D, E * H)).view(-1, E, H)
            else:  # one input per expert: a batched matmul over experts
                x = torch.einsum("bed,edh->beh", x, w) + b
            x = F.relu(x)  # (B, E, H)
            out.append(x)
        return out


class GateBank(nn.Module):
    """G softmax gates in one einsum; gate g may only select the experts where allowed[g] is True.

    Input (B, D) is shared by all gates; (B, G, D) gives each gate its own input. Output (B, G, E),
    rows summing to one, exact zeros on experts a gate may not select.
    """

    is_gate = True

    def __init__(self, n_gates: int, in_dim: int, n_experts: int, allowed: torch.Tensor | None = None):
        super().__init__()
        self.weight = nn.Parameter(_uniform_(torch.empty(n_gates, in_dim, n_experts), in_dim))
        self.bias = nn.Parameter(_uniform_(torch.empty(n_gates, n_experts), in_dim))
        if allowed is None:
            allowed = torch.ones(n_gates, n_experts, dtype=torch.bool)
        # float additive mask (0 / -inf) keeps the gate vmap- and export-friendly
        self.register_buffer("logit_mask", torch.where(allowed, 0.0, float("-inf")), persistent=False)
        self.register_buffer("allowed", allowed, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        eq = "bd,gde->bge" if x.dim() == 2 else "bgd,gde->bge"
        logits = torch.einsum(eq, x, self.weight) + self.bias + self.logit_mask  # (B, G, E)
        return torch.softmax(logits, dim=-1)


def mix(gate_weights: torch.Tensor, expert_out: torch.Tensor) -> torch.Tensor:
    """Gate-weighted sum of expert outputs: (B, G, E) x (B, E, H) -> (B, G, H)."""
    return torch.einsum("bge,beh->bgh", gate_weights, expert_out)


class Towers(nn.Module):
    """One small MLP per task producing a scalar (a value, or a logit for binary tasks)."""

    def __init__(self, in_dims: Sequence[int], hidden: Sequence[int]):
        super().__init__()
        self.nets = nn.ModuleList(MLP(d, hidden, out=1) for d in in_dims)

    def forward(self, reps: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        return [net(r).squeeze(-1) for net, r in zip(self.nets, reps)]  # T x (B,)
