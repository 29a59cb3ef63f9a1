"""HoME: normalised Swish experts in a two-level hierarchy over task groups, with feature and self gates.

Wang, Cao, Fu, Gai & Zhou, "HoME: Hierarchy of Multi-Gate Experts for Multi-Task Learning at Kuaishou",
arXiv 2408.05430, 2024. It answers three failures the authors saw in MMoE-style models: expert collapse
(ReLU experts with >90 % zero activations and output scales so different that gates cannot weigh them
fairly), expert degradation (a shared expert taken over by one task) and expert underfitting (sparse tasks
ignoring their own experts). Its four pieces, as built here:

1. Expert normalisation & Swish: every expert layer is Linear -> LayerNorm -> Swish, so all experts emit
   outputs of one scale and no unit is stuck at exactly zero.
2. Hierarchy mask: tasks form groups (`group_split`: tasks before it are group 1, e.g. view + watch, the
   rest group 2, e.g. like + follow + share). Level 1 (the meta layer) has shared experts and experts per
   group; group c's gate mixes shared + group c experts into a group representation m_c, a shared gate
   mixes all into m_s. Level 2 has shared experts (reading m_s), group experts and experts per task
   (reading m_c of their group); task t's gate reads m_c(t) and mixes shared + its group's + its own experts.
3. Feature gates: each level-1 expert gets a private view of the input, x ⊙ 2σ(x A_e B_e), a LoRA-style
   rank-r scaling (`lora_rank`; 0 turns it off). B starts at zero, so every gate starts at exactly 1.
4. Self gates: every unit (group c at level 1, task t at level 2, and the shared unit) adds a residual
   Σ_i σ(s_u(x))_i · E_i over its *own* experts, with sigmoid (not softmax) weights: a sparse task's own
   experts always receive its gradient, however little its softmax gate gives them.

Left out, and why. Batch normalisation: the paper normalises experts with BatchNorm; its running statistics
are buffers updated in place, which neither `torch.func.vmap` over stacked runs (the batched engine) nor
"evaluation = training math" allow, so LayerNorm (per expert, per sample) stands in: it aligns output scales
in the same way. Feature gates act on the raw input of the meta layer only (where the paper's features
enter), and a single rank-r head per expert stands in for the paper's multi-head Fea-LoRA. The paper groups
tasks by their meaning (passive watching vs. interactions); here the grouping is a contiguous split.

Gates: "L1/<group>" and "L1/shared" over level-1 experts, "L2/<task>" over the experts each task may use;
the self-gate weights are residual scalings, not distributions, and are not reported as gates.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..data.base import DatasetSpec
from ..params import Param
from .base import SHARED_REP, Expert, Gate, ModelOutput, MTLModel, Structure
from .layers import GateBank, InputLayer, Towers, _uniform_, mix
from .registry import EMBED_DIM, EXPERT_UNITS, TOWER_UNITS, ArchInfo


class NormExpertBank(nn.Module):
    """E experts of Linear -> LayerNorm -> Swish layers as stacked tensors (one einsum per layer).
    Input (B, D) shared by all experts or (B, E, D) one per expert; output (B, E, H)."""

    def __init__(self, n_experts: int, in_dim: int, hidden):
        super().__init__()
        dims = [in_dim, *hidden]
        pairs = list(zip(dims[:-1], dims[1:]))
        self.weights = nn.ParameterList(nn.Parameter(_uniform_(torch.empty(n_experts, a, b), a)) for a, b in pairs)
        self.biases = nn.ParameterList(nn.Parameter(_uniform_(torch.empty(n_experts, b), a)) for a, b in pairs)
        self.norm_scales = nn.ParameterList(nn.Parameter(torch.ones(n_experts, b)) for _, b in pairs)
        self.norm_shifts = nn.ParameterList(nn.Parameter(torch.zeros(n_experts, b)) for _, b in pairs)
        self.n_experts, self.out_dim = n_experts, dims[-1]

    def pre_activations(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Every layer's Swish input (after the normalisation), (B, E, h_l) each."""
        out = []
        for w, b, g, s in zip(self.weights, self.biases, self.norm_scales, self.norm_shifts):
            z = torch.einsum("bd,edh->beh" if x.dim() == 2 else "bed,edh->beh", x, w) + b
            z = F.layer_norm(z, z.shape[-1:]) * g + s  # (B, E, h)
            out.append(z)
            x = F.silu(z)
        return out

    def activations(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Every layer's output, (B, E, h_l) each."""
        return [F.silu(z) for z in self.pre_activations(x)]

    def slopes(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Every unit's Swish derivative on each row, (B, E, h_l) per layer: what it passes back to its input
        (expert health counts a unit dead only where this is ~0 on every row, as for a ReLU that never fires)."""
        out = []
        for z in self.pre_activations(x):
            s = torch.sigmoid(z)
            out.append(s * (1 + z * (1 - s)))
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activations(x)[-1]


class FeatureGates(nn.Module):
    """Per expert e: x ⊙ 2σ(x A_e B_e), rank r. (B, D) -> (B, E, D)."""

    is_gate = True

    def __init__(self, n_experts: int, in_dim: int, rank: int):
        super().__init__()
        self.down = nn.Parameter(_uniform_(torch.empty(n_experts, in_dim, rank), in_dim))
        self.up = nn.Parameter(torch.zeros(n_experts, rank, in_dim))  # LoRA's zero start: every gate is 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        low = torch.einsum("bd,edr->ber", x, self.down)  # (B, E, r)
        return x.unsqueeze(1) * 2 * torch.sigmoid(torch.einsum("ber,erd->bed", low, self.up))  # (B, E, D)


class HoMELevel(nn.Module):
    """Experts in blocks (bank name, count, owner unit); unit u's gate may pick the blocks in allowed[u]
    and adds a sigmoid self-gate over the blocks it owns. Unit u reads input group in_group[u]; each
    expert block reads the input group given with it."""

    def __init__(self, in_dim: int, units, blocks: list[tuple[str, int, int, int]], allowed: torch.Tensor,
                 in_group: list[int], rank: int):
        super().__init__()
        self.blocks = [(name, n, owner, src) for name, n, owner, src in blocks]
        self.banks = nn.ModuleDict({name: NormExpertBank(n, in_dim, units) for name, n, _, _ in blocks})
        owner = torch.cat([torch.full((n,), o) for _, n, o, _ in blocks])  # (E,) the unit owning each expert
        src = torch.cat([torch.full((n,), s) for _, n, _, s in blocks])  # (E,) the input group of each expert
        U, E = allowed.shape[0], len(owner)
        expand = torch.repeat_interleave(allowed, torch.tensor([n for _, n, _, _ in blocks]), dim=1)  # (U, E)
        self.register_buffer("expert_src", src, persistent=False)
        self.register_buffer("unit_src", torch.tensor(in_group), persistent=False)
        own_idx = (owner >= 0).nonzero().squeeze(1)  # experts some unit owns (self-gated)
        self.register_buffer("own_unit", owner[own_idx], persistent=False)
        scatter = F.one_hot(owner[own_idx] * E + own_idx, U * E).float()  # (E_own, U*E)
        self.register_buffer("scatter", scatter, persistent=False)
        self.gates = GateBank(U, in_dim, E, expand)
        self.self_gates = nn.Parameter(_uniform_(torch.empty(len(own_idx), in_dim), in_dim))  # one row per owned expert
        self.self_bias = nn.Parameter(torch.zeros(len(own_idx)))
        self.feature_gates = FeatureGates(E, in_dim, rank) if rank else None
        self.out_dim = units[-1]

    def unit_inputs(self, x: torch.Tensor) -> torch.Tensor:
        """What the units' gates read: x (B, D) itself, or from (B, groups, D) each unit's group, (B, U, D)."""
        return x if x.dim() == 2 else torch.index_select(x, 1, self.unit_src)

    def self_gate_weights(self, x: torch.Tensor) -> torch.Tensor:
        """The sigmoid self-gate weights on the level's input x: (B, U, E), non-zero on each unit's own experts."""
        unit_in = self.unit_inputs(x)
        if unit_in.dim() == 2:
            logits = unit_in @ self.self_gates.T  # (B, E_own)
        else:
            logits = torch.einsum("bed,ed->be", torch.index_select(unit_in, 1, self.own_unit), self.self_gates)
        U, E = self.gates.allowed.shape
        return (torch.sigmoid(logits + self.self_bias) @ self.scatter).view(-1, U, E)  # (B, U, E)

    residual_use = self_gate_weights  # what expert health reads as the residual path to each expert

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """x (B, D) or (B, groups, D) -> units' outputs (B, U, H), gate weights (B, U, E), experts (B, E, H)."""
        if x.dim() == 2:
            per_expert = self.feature_gates(x) if self.feature_gates is not None else None  # (B, E, D)
        else:
            per_expert = torch.index_select(x, 1, self.expert_src)  # (B, E, D): each expert its group's input
        outs, start = [], 0
        for name, n, _, _ in self.blocks:
            inp = x if per_expert is None else per_expert[:, start:start + n]
            outs.append(self.banks[name](inp))  # (B, n, H)
            start += n
        experts = torch.cat(outs, dim=1)  # (B, E, H)
        weights = self.gates(self.unit_inputs(x))  # (B, U, E)
        return mix(weights, experts) + mix(self.self_gate_weights(x), experts), weights, experts


def task_groups(n_tasks: int, split: int) -> list[int]:
    """Group index per task: tasks before `split` form group 0, the rest group 1 (one group if 0 or >= T)."""
    return [0] * n_tasks if split <= 0 or split >= n_tasks else [int(t >= split) for t in range(n_tasks)]


class HoME(MTLModel):
    def __init__(self, spec: DatasetSpec, *, shared_experts, group_experts, task_experts, group_split, lora_rank,
                 expert_units, tower_units, embed_dim):
        super().__init__(spec)
        T = len(spec.tasks)
        self.groups = task_groups(T, group_split)
        G = max(self.groups) + 1
        self.group_names = [f"G{c + 1}:" + "+".join(t for t, g in zip(self.task_names, self.groups) if g == c)
                            for c in range(G)]  # prefixed: a one-task group must not take its task's name
        self.input = InputLayer(spec.schema, embed_dim)
        S, n_g, n_t = shared_experts, group_experts, task_experts
        # level 1: units [group 0..G-1, shared]; blocks [group c's experts..., shared]
        allowed1 = torch.zeros(G + 1, G + 1, dtype=torch.bool)
        allowed1[:, G] = True
        allowed1[G] = True
        allowed1[:G, :G] = torch.eye(G, dtype=torch.bool)
        blocks1 = [(f"group{c}", n_g, c, 0) for c in range(G)] + [("shared", S, G, 0)]
        self.meta = HoMELevel(self.input.out_dim, expert_units, blocks1, allowed1, [0] * (G + 1), lora_rank)
        # level 2: units [task 0..T-1]; blocks [task t's..., group c's..., shared] reading m_c / m_s
        allowed2 = torch.zeros(T, T + G + 1, dtype=torch.bool)
        for t, c in enumerate(self.groups):
            allowed2[t, [t, T + c, T + G]] = True
        blocks2 = ([(f"task{t}", n_t, t, c) for t, c in enumerate(self.groups)]
                   + [(f"group{c}", n_g, -1, c) for c in range(G)] + [("shared", S, -1, G)])
        self.task_level = HoMELevel(expert_units[-1], expert_units, blocks2, allowed2, self.groups, 0)
        self.towers = Towers([expert_units[-1]] * T, tower_units)
        sizes = [self.groups.count(c) for c in range(G)]
        # level 1 feeds every task through m_s; level 2's group experts are shared when a group has two tasks
        self.shared_modules = ("input.", "meta.", "task_level.banks.shared.",
                               *(f"task_level.banks.group{c}." for c in range(G) if sizes[c] >= 2))
        self.last_shared = (f"task_level.banks.shared.weights.{len(expert_units) - 1}",)

    def _experts(self, level: int) -> list[Expert]:
        lvl = self.meta if level == 1 else self.task_level
        owners = ([] if level == 1 else list(self.task_names)) + self.group_names + ["shared"]
        return [Expert(f"{owner}/{i}", owner) for (_, n, _, _), owner in zip(lvl.blocks, owners)
                for i in range(1, n + 1)]

    def _units(self, level: int) -> list[tuple[str, str]]:
        """(gate name, owner) per unit of a level."""
        if level == 1:
            return [(f"L1/{g}", g) for g in self.group_names] + [("L1/shared", "shared")]
        return [(f"L2/{t}", t) for t in self.task_names]

    def structure(self) -> Structure:
        gates = []
        for level, lvl in ((1, self.meta), (2, self.task_level)):
            experts = self._experts(level)
            for u, (name, owner) in enumerate(self._units(level)):
                allowed = lvl.gates.allowed[u].tolist()
                gates.append(Gate(name, owner, owner, tuple(e for e, a in zip(experts, allowed) if a), level=level))
        return Structure("gated", tuple(gates))

    def expert_banks(self) -> list[tuple[int, nn.Module, list[str]]]:
        """(level, bank, expert names) for expert-health metrics (`mtl_core.experts`)."""
        out = []
        for level, lvl in ((1, self.meta), (2, self.task_level)):
            names, start = [e.name for e in self._experts(level)], 0
            for bname, n, _, _ in lvl.blocks:
                out.append((level, lvl.banks[bname], names[start:start + n]))
                start += n
        return out

    def residual_paths(self) -> list[tuple[int, nn.Module, list[str]]]:
        """(level, module with `residual_use(x)` (B, U, E), its units' gate names): the self-gates, a path to a
        unit's own experts that is not a softmax gate (expert health counts it as use)."""
        return [(level, lvl, [name for name, _ in self._units(level)])
                for level, lvl in ((1, self.meta), (2, self.task_level))]

    def represent(self, dense, cat):
        x = self.input(dense, cat)  # (B, D)
        meta, w1, _ = self.meta(x)  # (B, G+1, H): m_c per group, then m_s
        out, w2, experts = self.task_level(meta)  # (B, T, H)
        gates = {}
        for level, w, lvl in ((1, w1, self.meta), (2, w2, self.task_level)):
            for u, (name, _) in enumerate(self._units(level)):
                gates[name] = w[:, u][:, lvl.gates.allowed[u]]  # the weights over the experts it may pick
        return list(out.unbind(1)), gates, experts

    def forward(self, dense, cat) -> ModelOutput:
        reps, gates, experts = self.represent(dense, cat)
        return ModelOutput(self.head(self.towers(reps)), gates, {SHARED_REP: experts})


INFO = ArchInfo(
    id="home", name="HoME (Hierarchy of Multi-gate Experts)",
    paper="Wang et al., HoME: Hierarchy of Multi-Gate Experts for Multi-Task Learning at Kuaishou", year=2024,
    params=(Param("shared_experts", 2, "shared experts per level", low=1, high=64),
            Param("group_experts", 1, "experts per task group per level", low=1, high=64),
            Param("task_experts", 1, "experts of each task's own, at level 2", low=1, high=64, label="Experts per task"),
            Param("group_split", 2, "tasks before this position form the first task group, the rest the second "
                  "(0, or at least the number of tasks: one group)", low=0, high=64),
            Param("lora_rank", 4, "rank of each level-1 expert's feature gate (0 = no feature gates)", low=0,
                  high=64),
            EXPERT_UNITS, TOWER_UNITS, EMBED_DIM),
    cls=HoME,
    description="Normalised Swish experts, a hierarchy of shared, task-group and task experts, and gates that "
                "give every expert its own view of the input and every task a residual to its own experts.",
)
