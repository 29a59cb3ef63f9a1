"""DSelect-k: MMoE-style shared experts whose per-task gates are differentiable top-k selectors.

Hazimeh, Zhao, Chowdhery, Sathiamoorthy, Chen, Mazumder, Hong & Chi, "DSelect-k: Differentiable
Selection in the Mixture of Experts with Applications to Multi-Task Learning", NeurIPS 2021.

A task's gate is k single-expert selectors mixed by a softmax. Selector i holds m = ⌈log2 n⌉ encoding
variables z_i ∈ R^m; the smooth-step function
    S(t) = 0 for t ≤ −γ/2,   −2/γ³·t³ + 3/(2γ)·t + 1/2 for |t| < γ/2,   1 for t ≥ γ/2
turns them into a distribution over the 2^m binary codes,
    r(z_i)_c = Π_l ( S(z_il) if bit l of c is 1 else 1 − S(z_il) ),
and the gate is  w = Σ_i softmax(α)_i · r(z_i),  f_t(x) = Σ_j w_j E_j(x).
Once every z_il has left (−γ/2, γ/2), each r(z_i) is one-hot and w has at most k non-zero entries, exact
zeros, not small numbers; S is flat there, so a selector that has chosen stays chosen. The entropy
regulariser λ·mean_i H(r(z_i)) (added through `penalty`) pushes the selectors to that binary state.
A task may pick the same expert with two selectors, hence "at most" k.

Initialisation and defaults (chosen for a classroom run on the MMoE-paper synthetic data, ~800 steps;
the runs behind them: CHANGELOG.md). The official code starts every z uniform in ±γ/100: a task's k
selectors then receive the same gradient and move together, and with γ small enough to decide within
such a run they mostly land on the same expert. Starting z in ±γ/4 (`Z_INIT`) breaks that symmetry.
γ = 0.5 and λ = 0.5 (the defaults) let the selectors decide within such a run, so a Playground run ends
with the at-most-k heatmap.

`gating`: "static" (the paper's static gates: z and α are parameters, one selection per task, which is
what the task's heatmap row shows) or "per_example" (z = W_z x + b_z, α = W_α x + b_α, a selection per
sample; the mean heatmap can then spread over more than k experts, while each sample uses at most k).

n not a power of two: a code c ≥ n is folded onto expert c − n (= c mod n). The official code instead
keeps the first n codes (then a gate row does not sum to one) and adds a penalty on the lost mass;
folding keeps every row a distribution and still selects one expert per saturated selector. At the
uniform point (z = 0) the folded experts get twice the weight; for n a power of two it is exactly
uniform, and with k = n the model is then an MMoE whose softmax gates give every expert 1/n.

All experts are one `ExpertBank` (one einsum), all T·k selectors one tensor op.
extras["selector_entropy"] (B,) is the mean entropy (nats) of the selectors r(z_i) per sample, from
which `penalty(out)` computes the regulariser; extras["shared_rep"] is the experts' output.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..data.base import DatasetSpec
from ..params import Param
from .base import SHARED_REP, Expert, Gate, ModelOutput, MTLModel, Structure
from .layers import ExpertBank, InputLayer, Towers, mix
from .registry import EMBED_DIM, EXPERT_UNITS, N_EXPERTS, TOWER_UNITS, ArchInfo

ENTROPY_KEY = "selector_entropy"  # extras key: mean selector entropy per sample (nats), (B,)
Z_INIT = 0.25  # encoding variables start uniform in ±Z_INIT·γ (official code: ±γ/100; see the docstring)


def smooth_step(t: torch.Tensor, gamma: float) -> torch.Tensor:
    """The cubic smooth-step of DSelect-k: 0 below −γ/2, 1 above γ/2, C¹ (zero gradient outside)."""
    t = t.clamp(-gamma / 2, gamma / 2)
    return -2.0 / gamma ** 3 * t ** 3 + 1.5 / gamma * t + 0.5


class DSelectGates(nn.Module):
    """T gates of k selectors each over n experts. forward(x (B, D)) -> weights (B, T, n), entropy (B,)."""

    is_gate = True  # excluded from the MMoE paper's parameter count, like softmax gates

    def __init__(self, n_tasks: int, in_dim: int, n_experts: int, k: int, gamma: float, per_example: bool):
        super().__init__()
        m = max(1, math.ceil(math.log2(n_experts)))
        self.T, self.k, self.m, self.gamma, self.per_example = n_tasks, k, m, gamma, per_example
        codes = torch.arange(2 ** m)
        bits = (codes[:, None] >> torch.arange(m - 1, -1, -1)[None, :]) & 1  # (2^m, m), most significant first
        self.register_buffer("bits", bits.bool(), persistent=False)
        self.register_buffer("fold", nn.functional.one_hot(codes % n_experts, n_experts).float(), persistent=False)
        # z near 0 (S ≈ 1/2, every code about equally likely), spread wider than the official ±γ/100; α near 0
        self.z_bias = nn.Parameter(torch.empty(n_tasks, k, m).uniform_(-Z_INIT * gamma, Z_INIT * gamma))
        self.alpha_bias = nn.Parameter(torch.empty(n_tasks, k).uniform_(-0.05, 0.05))
        if per_example:
            self.z_weight = nn.Parameter(
                torch.empty(in_dim, n_tasks, k, m).uniform_(-Z_INIT * gamma, Z_INIT * gamma))
            self.alpha_weight = nn.Parameter(torch.empty(in_dim, n_tasks, k).uniform_(-0.05, 0.05))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        B = x.shape[0]
        if self.per_example:
            z = torch.einsum("bd,dtkm->btkm", x, self.z_weight) + self.z_bias  # (B, T, k, m)
            alpha = torch.einsum("bd,dtk->btk", x, self.alpha_weight) + self.alpha_bias  # (B, T, k)
        else:
            z = self.z_bias.expand(B, -1, -1, -1)
            alpha = self.alpha_bias.expand(B, -1, -1)
        s = smooth_step(z, self.gamma)[..., None, :]  # (B, T, k, 1, m)
        r = torch.where(self.bits, s, 1.0 - s).prod(-1)  # (B, T, k, 2^m): a distribution over codes
        code_w = torch.einsum("btk,btkc->btc", torch.softmax(alpha, dim=-1), r)  # (B, T, 2^m)
        weights = code_w @ self.fold  # (B, T, n)
        entropy = -(r * r.clamp_min(1e-12).log()).sum(-1).mean((-1, -2))  # (B,)
        return weights, entropy


class DSelectK(MTLModel):
    shared_modules = ("input.", "experts.")  # each task's selectors feed that task only

    def __init__(self, spec: DatasetSpec, *, n_experts, k, gamma, gating, entropy_reg, expert_units,
                 tower_units, embed_dim):
        super().__init__(spec)
        T = len(spec.tasks)
        self.entropy_reg = float(entropy_reg)
        self.input = InputLayer(spec.schema, embed_dim)
        self.experts = ExpertBank(n_experts, self.input.out_dim, expert_units)
        self.gates = DSelectGates(T, self.input.out_dim, n_experts, min(k, n_experts), gamma,
                                  per_example=gating == "per_example")
        self.towers = Towers([self.experts.out_dim] * T, tower_units)
        self.last_shared = (f"experts.weights.{len(expert_units) - 1}",)

    def structure(self) -> Structure:
        experts = tuple(Expert(f"E{i + 1}") for i in range(self.experts.n_experts))
        return Structure("gated", tuple(Gate(t, t, t, experts) for t in self.task_names))

    def _run(self, dense, cat):
        x = self.input(dense, cat)  # (B, D)
        experts = self.experts(x)  # (B, E, H)
        weights, entropy = self.gates(x)  # (B, T, E), (B,)
        fused = mix(weights, experts)  # (B, T, H)
        return list(fused.unbind(1)), {t: weights[:, i] for i, t in enumerate(self.task_names)}, experts, entropy

    def represent(self, dense, cat):
        reps, gates, experts, _ = self._run(dense, cat)
        return reps, gates, experts

    def forward(self, dense, cat) -> ModelOutput:
        reps, gates, experts, entropy = self._run(dense, cat)
        return ModelOutput(self.head(self.towers(reps)), gates, {SHARED_REP: experts, ENTROPY_KEY: entropy})

    def penalty(self, out: ModelOutput) -> torch.Tensor:
        """λ · the selectors' mean entropy over the batch (zero once every selector has chosen one expert)."""
        return self.entropy_reg * out.extras[ENTROPY_KEY].mean()


INFO = ArchInfo(
    id="dselect_k", name="DSelect-k (differentiable top-k gates)",
    paper="Hazimeh et al., DSelect-k: Differentiable Selection in the Mixture of Experts with Applications "
          "to Multi-Task Learning", year=2021,
    params=(N_EXPERTS,
            Param("k", 2, "experts each task may use (at most; capped at the number of experts)", low=1, high=64,
                  label="Experts per task (k)"),
            Param("gamma", 0.5, "width γ of the smooth-step's transition: smaller selects sooner", low=0.01,
                  high=100.0, step=0.1, label="Smooth-step width γ"),
            Param("gating", "static", "static: one selection per task (the paper's static gate); per_example: "
                  "a selection per sample", choices=("static", "per_example"), label="Gating"),
            Param("entropy_reg", 0.5, "weight of the entropy regulariser that pushes each selector to one "
                  "expert, added once to the loss", low=0.0, high=10.0, step=0.01, label="Entropy regulariser"),
            EXPERT_UNITS, TOWER_UNITS, EMBED_DIM),
    cls=DSelectK,
    description="Shared experts with differentiable top-k gates: each task ends up using at most k experts, "
                "exact zeros elsewhere - does a task really need all of them?",
)
