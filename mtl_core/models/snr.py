"""SNR: Sub-Network Routing, experts in layers connected by learned, sparsified routing variables.

Ma, Zhao, Yi, Chen, Hong & Chi, "SNR: Sub-Network Routing for Flexible Parameter Sharing in Multi-Task
Learning", AAAI 2019. Routing variables use the hard-concrete relaxation of L0 regularisation of
Louizos, Welling & Kingma, "Learning Sparse Neural Networks through L0 Regularization", ICLR 2018.

Layout. `n_levels` levels of `n_experts` sub-networks (experts) each. Level 1 reads the input; the
input of unit j one level up (an expert of the next level, or task j's tower above the last level) is
routed from the level below through one variable z_ji per connection:
    SNR-Trans ("trans"):  v_j = Σ_i z_ji · W_ji u_i      (a learned H x H matrix per connection)
    SNR-Aver  ("aver"):   v_j = Σ_i z_ji · u_i           (W_ji = I: a weighted sum of the experts)
Each level's experts are one `ExpertBank` (one einsum per layer) and each routing step one einsum.

Routing variables. The paper's hard concrete: u ~ U(0,1), s = σ((log u − log(1−u) + log α)/β),
z = min(1, max(0, s·(ζ−γ) + γ)) with β = 2/3, γ = −0.1, ζ = 1.1, and the penalty
λ·Σ P(z ≠ 0) = λ·Σ σ(log α − β·log(−γ/ζ)), the expected number of open connections.

Randomness (a deliberate departure). The training engine runs R seeds at once with
`torch.func.vmap(functional_call)` under vmap's default randomness="error", and gives the model no
per-run generator, so sampling u inside `forward` would either fail under vmap or make runs depend
on a global RNG (breaking "same seed -> same numbers" and "run r of a batch = that seed alone").
SNR therefore uses the hard concrete's deterministic gate - the one Louizos et al. use at test time -
during training as well:
    z = clamp(σ(log α)·(ζ−γ) + γ, 0, 1).
It is exactly 0 (a pruned connection) once σ(log α) ≤ −γ/(ζ−γ) = 1/12 (log α ≤ −ln 11 ≈ −2.4),
exactly 1 once σ(log α) ≥ (1−γ)/(ζ−γ) = 11/12 (log α ≥ 2.4), and linear in σ(log α) between, so
the task losses train it by plain gradient descent while the L0 penalty (the same expected-open-count
formula) pulls every log α down; a connection whose task gradient cannot outweigh the penalty closes for good
(clamped at 0 it gets no task gradient back), which is the pruning the paper's architecture search
relies on. What is lost is the exploration noise; training, evaluation and the heatmap all see the
same z. The penalty uses the mean over connections rather than the sum, so `l0_lambda` does not
have to change with the number of experts.

Time scale. Closing a route takes log α from about 0 to −2.4; with Adam at lr 1e-3 a parameter moves
about lr per step, so in a 10-epoch classroom run (~800 steps) no route could close. The trained
parameter is therefore θ with log α = 5·θ (`ALPHA_SCALE`): the routing variables learn five times
faster than the weights. The default λ = 3 lets a classroom run close a few routes at no cost in
validation loss; a much larger λ closes most (the runs behind these defaults: CHANGELOG.md).

Outputs. gates: one row per routed unit, its z over the experts of the level below (`sums_to_one`
False; the same for every sample since z does not depend on the input): "L2/E1".."L2/En" route
level-1 experts into level-2 expert j (gate level 1, the level it selects from), ..., and one gate per
task (named by the task) routes the last level into that task's tower. extras["l0_open"] (B,) is the
expected fraction of open connections (one value repeated per sample), from which `penalty(out)`
computes λ·l0_open; extras["shared_rep"] is the last level's expert outputs, which every task reads.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..data.base import DatasetSpec
from ..params import Param
from .base import SHARED_REP, Expert, Gate, ModelOutput, MTLModel, Structure
from .layers import ExpertBank, InputLayer, Towers, _uniform_
from .registry import EMBED_DIM, EXPERT_UNITS, TOWER_UNITS, ArchInfo

BETA, GAMMA, ZETA = 2.0 / 3.0, -0.1, 1.1  # the hard-concrete constants of Louizos et al. (and SNR)
L0_SHIFT = BETA * math.log(-GAMMA / ZETA)  # P(z != 0) = sigmoid(log_alpha - L0_SHIFT)
ALPHA_SCALE = 5.0  # log α = ALPHA_SCALE · θ, θ the trained parameter (see the module docstring)
L0_KEY = "l0_open"  # extras key: expected fraction of open routing connections, repeated over the batch


class RoutingGate(nn.Module):
    """The routing variables of one step: log α (n_up, n_low)."""

    is_gate = True  # excluded from the MMoE paper's parameter count, like softmax gates

    def __init__(self, n_up: int, n_low: int):
        super().__init__()
        # log α ~ N(0, 0.01²): Louizos et al.'s initialisation for an initial dropout rate of 1/2
        self.theta = nn.Parameter(torch.randn(n_up, n_low) * 0.01 / ALPHA_SCALE)

    @property
    def log_alpha(self) -> torch.Tensor:
        return self.theta * ALPHA_SCALE

    def forward(self) -> torch.Tensor:
        """The deterministic hard-concrete gate z (n_up, n_low) in [0, 1] (see the module docstring)."""
        return (torch.sigmoid(self.log_alpha) * (ZETA - GAMMA) + GAMMA).clamp(0.0, 1.0)

    def open_probability(self) -> torch.Tensor:
        """P(z != 0) under the hard concrete, (n_up, n_low): the differentiable L0 count per connection."""
        return torch.sigmoid(self.log_alpha - L0_SHIFT)


class Router(nn.Module):
    """Routes (B, n_low, H) expert outputs into n_up inputs (B, n_up, H)."""

    def __init__(self, n_up: int, n_low: int, dim: int, transform: bool):
        super().__init__()
        self.gate = RoutingGate(n_up, n_low)
        self.transform = transform
        if transform:  # SNR-Trans: one H x H matrix per connection, initialised like nn.Linear
            self.weight = nn.Parameter(_uniform_(torch.empty(n_up, n_low, dim, dim), dim))

    def forward(self, u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        z = self.gate()  # (n_up, n_low)
        if self.transform:
            v = torch.einsum("ji,bih,jihk->bjk", z, u, self.weight)
        else:
            v = torch.einsum("ji,bih->bjh", z, u)
        return v, z


class SNR(MTLModel):
    def __init__(self, spec: DatasetSpec, *, mode, n_levels, n_experts, expert_units, l0_lambda, tower_units,
                 embed_dim):
        super().__init__(spec)
        T, L = len(spec.tasks), n_levels
        self.mode, self.l0_lambda = mode, float(l0_lambda)
        self.input = InputLayer(spec.schema, embed_dim)
        H = expert_units[-1]
        self.experts = nn.ModuleList(ExpertBank(n_experts, self.input.out_dim if l == 0 else H, expert_units)
                                     for l in range(L))
        # routers.l routes level l+1's experts into level l+2 (l < L-1); routers.{L-1} into the task towers
        self.routers = nn.ModuleList(Router(T if l == L - 1 else n_experts, n_experts, H, mode == "trans")
                                     for l in range(L))
        self.towers = Towers([H] * T, tower_units)
        # Everything below the last routing step feeds every task; row t of the last step feeds task t only.
        self.shared_modules = ("input.", "experts.", *(f"routers.{l}." for l in range(L - 1)))
        self.last_shared = (f"experts.{L - 1}.weights.{len(expert_units) - 1}",)

    def gate_names(self) -> list[str]:
        L, E = len(self.experts), self.experts[0].n_experts
        return [f"L{l + 2}/E{j + 1}" for l in range(L - 1) for j in range(E)] + list(self.task_names)

    def structure(self) -> Structure:
        L, E = len(self.experts), self.experts[0].n_experts
        gates = []
        for l in range(1, L + 1):  # gates selecting from level l's experts
            lower = tuple(Expert(f"L{l}/E{i + 1}", "shared") for i in range(E))
            if l < L:
                gates += [Gate(f"L{l + 1}/E{j + 1}", f"L{l + 1}/E{j + 1}", "shared", lower, level=l,
                               sums_to_one=False) for j in range(E)]
            else:
                gates += [Gate(t, t, t, lower, level=l, sums_to_one=False) for t in self.task_names]
        return Structure("routed", tuple(gates))

    def forward(self, dense, cat) -> ModelOutput:
        x = self.input(dense, cat)  # (B, D)
        B = x.shape[0]
        h, routes = x, []
        for bank, router in zip(self.experts, self.routers):
            u = bank(h)  # (B, E, H): level 1 reads x, higher levels one routed input per expert
            h, z = router(u)  # (B, E_up or T, H)
            routes.append(z)
        names = self.gate_names()
        gates = dict(zip(names, (row.expand(B, -1) for z in routes for row in z.unbind(0))))
        open_frac = torch.cat([r.gate.open_probability().reshape(-1) for r in self.routers]).mean()
        extras = {SHARED_REP: u, L0_KEY: open_frac.expand(B)}
        return ModelOutput(self.head(self.towers(h.unbind(1))), gates, extras)

    def penalty(self, out: ModelOutput) -> torch.Tensor:
        """λ · the expected fraction of open routing connections (a scalar; zero when all are closed)."""
        return self.l0_lambda * out.extras[L0_KEY].mean()

    def routing_matrices(self) -> list[torch.Tensor]:
        """The learned z per routing step, (n_up, n_low) each, lowest first."""
        with torch.no_grad():
            return [r.gate().clone() for r in self.routers]


INFO = ArchInfo(
    id="snr", name="SNR (Sub-Network Routing)",
    paper="Ma et al., SNR: Sub-Network Routing for Flexible Parameter Sharing in Multi-Task Learning",
    year=2019,
    params=(Param("mode", "trans", "trans: each connection has its own learned matrix (SNR-Trans); aver: "
                  "a weighted sum of the experts below (SNR-Aver)", choices=("trans", "aver"), label="Mode"),
            Param("n_levels", 2, "levels of experts (routing steps: between levels and into the towers)",
                  low=1, high=4, label="Levels"),
            Param("n_experts", 4, "experts (sub-networks) per level", low=1, high=32, label="Experts"),
            EXPERT_UNITS,
            Param("l0_lambda", 3.0, "weight of the L0 penalty: the expected fraction of open routing "
                  "connections, added once to the loss", low=0.0, high=10.0, step=0.01, label="L0 penalty λ"),
            TOWER_UNITS, EMBED_DIM),
    cls=SNR,
    description="Layers of small sub-networks wired by learned on/off connections (L0-regularised): "
                "each task's path through them is found by training, a tiny architecture search.",
)
