"""PEPNet: personalised gates on the embeddings (EPNet) and on every tower layer (PPNet).

Chang, Zhang, Fu, Zang, Guan, Lu, Hui, Leng, Niu, Song & Gai, "PEPNet: Parameter and Embedding Personalized
Network for Infusing with Personalized Prior Information", KDD 2023 (Kuaishou).

Gate NU (the paper's gate neural unit): δ = γ·σ(W₂ ReLU(W₁ z + b₁) + b₂) with γ = 2, so a gate scales its
target by a factor in (0, 2) and starts near 1.

    EPNet:  e = x ⊙ GateNU_ep([E_user, stop-grad(x)])                       x: the shared input layer's output
    PPNet:  for task t and every layer l of its tower,
            h_t^l ← h_t^l ⊙ GateNU_pp^l([E_user, E_item, E_author, stop-grad(e)])_t,   h_t^0 = e

The personal signal fields are the categorical fields named `*_id` (user_id, item_id, author_id in the feed
world; all categorical fields where none is so named, e.g. Census); EPNet's "domain" signal is `user_id`
(else the first signal field). Their embeddings are those of the shared input layer, as in the paper, where
the prior features are ordinary embedded features; only the general embedding the gates read is detached,
so the gates personalise the network without pulling the embeddings they gate.

Left out: the paper's domain-side features. Our worlds have one domain (one feed), so EPNet's signal is the
user, the personalisation the paper also feeds it; with several scenarios a domain-ID field would be its
input. The paper's towers are deeper; here they follow `tower_units` like every other model.
PEPNet gates are element-wise scalings, not mixtures of experts: `ModelOutput.gates` is empty.
Towers of all tasks are stacked weight tensors, one einsum per layer.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..data.base import DatasetSpec
from ..params import Param
from .base import SHARED_REP, ModelOutput, MTLModel, Structure
from .layers import InputLayer, _uniform_
from .registry import EMBED_DIM, TOWER_UNITS, ArchInfo, parallel_tasks

GAMMA = 2.0  # a Gate NU's output range is (0, GAMMA)


class GateNU(nn.Module):
    """γ·σ(W₂ ReLU(W₁ z + b₁) + b₂): (B, in_dim) -> (B, out_dim) scalings in (0, γ)."""

    def __init__(self, in_dim: int, hidden: int, out_dim: int):
        super().__init__()
        self.hidden, self.out = nn.Linear(in_dim, hidden), nn.Linear(hidden, out_dim)
        self.hidden.is_gate = self.out.is_gate = True  # excluded from the paper's parameter count, like gates

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return GAMMA * torch.sigmoid(self.out(F.relu(self.hidden(z))))


class GatedTowers(nn.Module):
    """T towers of identical sizes as stacked weights; layer l's input is scaled per task by gates[l]."""

    def __init__(self, n_tasks: int, in_dim: int, hidden):
        super().__init__()
        dims = [in_dim, *hidden, 1]
        self.weights = nn.ParameterList(
            nn.Parameter(_uniform_(torch.empty(n_tasks, a, b), a)) for a, b in zip(dims[:-1], dims[1:]))
        self.biases = nn.ParameterList(
            nn.Parameter(_uniform_(torch.empty(n_tasks, b), a)) for a, b in zip(dims[:-1], dims[1:]))
        self.in_dims = dims[:-1]

    def forward(self, x: torch.Tensor, gates: list[torch.Tensor]) -> torch.Tensor:
        """x (B, D) shared by every tower; gates[l] (B, T, d_l) -> raw outputs (B, T)."""
        h = x.unsqueeze(1)  # (B, 1, D), broadcast over tasks by the first gate
        last = len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = torch.einsum("btd,tdh->bth", h * gates[l], w) + b  # (B, T, d_{l+1})
            if l < last:
                h = F.relu(h)
        return h.squeeze(-1)


def signal_fields(spec: DatasetSpec) -> tuple[list[int], int]:
    """Indices of the personal signal fields (named *_id, else all) and of the user field among them."""
    names = [name for name, _ in spec.schema.categorical]
    ids = [i for i, n in enumerate(names) if n.endswith("_id")] or list(range(len(names)))
    user = names.index("user_id") if "user_id" in names else ids[0]
    return ids, user


class PEPNet(MTLModel):
    def __init__(self, spec: DatasetSpec, *, gate_units, tower_units, embed_dim):
        super().__init__(spec)
        T, n_dense = len(spec.tasks), spec.schema.n_dense
        self.input = InputLayer(spec.schema, embed_dim)
        D, k = self.input.out_dim, embed_dim
        ids, user = signal_fields(spec)
        cols = lambda i: list(range(n_dense + i * k, n_dense + (i + 1) * k))  # noqa: E731  field i's columns
        self.register_buffer("user_cols", torch.tensor(cols(user)), persistent=False)
        self.register_buffer("signal_cols", torch.tensor([c for i in ids for c in cols(i)]), persistent=False)
        self.epnet = GateNU(k + D, gate_units, D)
        self.towers = GatedTowers(T, D, tower_units)
        prior_dim = len(ids) * k + D
        self.ppnet = nn.ModuleList(GateNU(prior_dim, gate_units, T * d) for d in self.towers.in_dims)
        # the input, EPNet and each PPNet gate's hidden layer feed every task; a PPNet output row feeds one
        self.shared_modules = ("input.", "epnet.", *(f"ppnet.{l}.hidden." for l in range(len(self.ppnet))))
        self.last_shared = ("epnet.out.weight",)

    def structure(self) -> Structure:
        return Structure("bottom")

    def forward(self, dense, cat) -> ModelOutput:
        x = self.input(dense, cat)  # (B, D)
        e = x * self.epnet(torch.cat([x.index_select(1, self.user_cols), x.detach()], dim=-1))  # (B, D)
        prior = torch.cat([x.index_select(1, self.signal_cols), e.detach()], dim=-1)  # (B, P)
        B, T = x.shape[0], len(self.task_names)
        gates = [g(prior).view(B, T, -1) for g in self.ppnet]  # each (B, T, d_l)
        raw = self.towers(e, gates)  # (B, T)
        return ModelOutput(self.head(list(raw.unbind(1))), {}, {SHARED_REP: e})


def needs_ids(spec: DatasetSpec) -> str | None:
    """Two or more tasks and at least one categorical field (the personal signal the gates read)."""
    if not spec.schema.categorical:
        return "needs categorical (ID) fields for its personalised gates; this dataset has dense features only"
    return parallel_tasks(spec)


INFO = ArchInfo(
    id="pepnet", name="PEPNet (personalised embedding and parameter gates)",
    paper="Chang et al., PEPNet: Parameter and Embedding Personalized Network for Infusing with Personalized "
          "Prior Information", year=2023,
    params=(Param("gate_units", 16, "hidden units of each gate network (Gate NU)", low=1, high=1024),
            TOWER_UNITS, EMBED_DIM),
    cls=PEPNet, check=needs_ids,
    description="No experts: gates computed from the user and item IDs rescale the shared embeddings and "
                "every hidden layer of each task's tower, so each user gets a personalised network.",
)
