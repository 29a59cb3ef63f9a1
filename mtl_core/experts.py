"""Expert health: are a gated model's experts alive, used, and different from each other?

For any model with expert banks and gates (MMoE, OMoE, CGC, PLE, DSelect-k, AdaTT, HoME, STEM, and ESMM
on such a backbone), from one forward pass over a validation batch:

    dead_share   per expert: the share of its hidden units (every layer) that pass no gradient on any row of
                 the batch: the slope of the unit's activation stays below DEAD_SLOPE in size. A ReLU unit
                 that never fires (slope 0) is lost for good (HoME's "expert collapse": experts with >90 %
                 zero activations). A Swish unit (HoME) is dead only deep in its negative tail: a Swish that is
                 merely never positive still passes gradient, so "never > 0" would overcount it.
    utilisation  per gate and expert: the mean gate weight over the batch (the heatmap's cells).
    entropy      per gate: the mean entropy of its weight rows, nats; log E when uniform, 0 when one-hot.
    cosine       per pair of experts of one level: the cosine of their outputs over the batch, as flat
                 vectors (B·H). Not centred: ReLU outputs are non-negative, so unrelated experts still score
                 well above 0; near 1 means two experts compute the same function (PaddleRec #721).
    residual     per unit with a residual path to its own experts that is not a softmax gate (HoME's
                 sigmoid self-gates, `model.residual_paths()`): the mean weight on each expert (NaN elsewhere).
    collapsed    per expert, with the reasons: "unused" (utilisation below 1/(4E) in every gate that may
                 pick it, E that gate's number of experts, and no residual weight above that bar either),
                 "duplicate of X" (cosine > 0.99), "dead" (every unit silent: the expert outputs a constant).

Expert activations come from forward hooks on the banks: a hook re-runs the bank's `activations(x)` (and,
for banks whose activation is not a ReLU, `slopes(x)`: the activation's derivative per unit) on the input it
just saw (inside the same call, so it also works under `functional_call` with one run's
parameters taken from a batch of stacked runs). Gates are matched to experts by the names and levels that
`model.structure()` declares, so no model needs a special case beyond saying where its banks are
(`model.expert_banks()`, or the table in `expert_banks` below for the models that predate it).
HoME also reaches a unit's own experts through sigmoid self-gates: they are hooked the same way
(`model.residual_paths()`), so an expert its softmax gates ignore but its self-gate feeds is not "unused".
AdaTT's residual weights are parameters, not gates: an expert "unused" by every AdaTT gate can still be used
by its own task's residual.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.func import functional_call

from .models.base import MTLModel
from .models.dselect_k import DSelectK
from .models.mmoe import MMoE
from .models.ple import PLE

DEAD_SLOPE = 0.01  # a unit whose activation slope stays below this on every row passes no gradient: dead
DUPLICATE_COSINE = 0.99  # above this, two experts' outputs count as the same function
UNUSED_FRACTION = 0.25  # below this share of a uniform gate's weight (1/E) in every gate: unused


def expert_banks(model: nn.Module) -> list[tuple[int, nn.Module, list[str]]] | None:
    """(level, bank, expert names in the bank's order) for every expert bank of `model`, names as its
    `structure()` gates call them; None for models without expert banks (or not known here)."""
    if hasattr(model, "expert_banks"):
        return model.expert_banks()
    if isinstance(model, (MMoE, DSelectK)):
        return [(1, model.experts, [f"E{i + 1}" for i in range(model.experts.n_experts)])]
    if isinstance(model, PLE):
        out = []
        for level, lvl in enumerate(model.levels, start=1):
            out.append((level, lvl.task_experts, [f"{t}/{i}" for t, n in zip(model.task_names, lvl.task_counts)
                                                  for i in range(1, n + 1)]))
            out.append((level, lvl.shared_experts, [f"shared/{i}" for i in range(1, lvl.shared_experts.n_experts + 1)]))
        return out
    backbone = getattr(model, "backbone", None)  # ESMM and its relatives: the backbone's experts and gates
    return expert_banks(backbone) if isinstance(backbone, MTLModel) else None


@dataclass
class ExpertHealth:
    experts: list[str]  # "L<level>/<name>" for multi-level models, else the expert's name
    level: np.ndarray  # (E,)
    dead_share: np.ndarray  # (E,)
    utilisation: dict[str, np.ndarray]  # gate -> (E,), NaN where the gate cannot pick the expert
    entropy: dict[str, float]  # gate -> mean entropy (nats)
    max_entropy: dict[str, float]  # gate -> log(its number of experts)
    cosine: np.ndarray  # (E, E), NaN between experts of different levels
    mean_cosine: np.ndarray  # (E,) mean cosine with the other experts of its level (NaN if alone)
    collapsed: np.ndarray  # (E,) bool
    reasons: list[list[str]] = field(default_factory=list)
    residual: dict[str, np.ndarray] = field(default_factory=dict)  # unit -> (E,) mean residual weight, NaN where none

    def to_dict(self) -> dict:
        """Plain lists and floats (JSON, records)."""
        return {"experts": self.experts, "level": self.level.tolist(), "dead_share": self.dead_share.tolist(),
                "utilisation": {g: u.tolist() for g, u in self.utilisation.items()}, "entropy": dict(self.entropy),
                "max_entropy": dict(self.max_entropy), "mean_cosine": self.mean_cosine.tolist(),
                "collapsed": self.collapsed.tolist(), "reasons": self.reasons,
                "residual": {u: r.tolist() for u, r in self.residual.items()}}


@torch.no_grad()
def expert_health(model: MTLModel, dense: torch.Tensor, cat: torch.Tensor,
                  params: dict[str, torch.Tensor] | None = None) -> ExpertHealth | None:
    """Health of `model`'s experts on one batch (dense (B, n_dense), cat (B, C)); `params`: parameters to use
    instead of the model's own (one run of a stacked batch: {name: stacked[name][r]}). None when the model
    has no expert banks."""
    banks = expert_banks(model)
    if not banks:
        return None
    acts: dict[int, tuple[list[torch.Tensor], list[torch.Tensor]]] = {}  # bank -> (outputs, slopes) per layer

    def hook(key):
        def record(module, args, output):
            outs = module.activations(args[0])
            # ReLU banks: the slope is 1 where the unit fires, else 0
            grads = module.slopes(args[0]) if hasattr(module, "slopes") else [(a > 0).float() for a in outs]
            acts[key] = (outs, grads)
        return record

    paths = model.residual_paths() if hasattr(model, "residual_paths") else []
    residual_use: dict[int, torch.Tensor] = {}

    def residual_hook(key):
        def record(module, args, output):
            residual_use[key] = module.residual_use(args[0]).mean(0)  # (U, E_level)
        return record

    handles = [bank.register_forward_hook(hook(i)) for i, (_, bank, _) in enumerate(banks)]
    handles += [mod.register_forward_hook(residual_hook(i)) for i, (_, mod, _) in enumerate(paths)]
    try:
        out = functional_call(model, params, (dense, cat)) if params is not None else model(dense, cat)
    finally:
        for h in handles:
            h.remove()

    multi = len({level for level, _, _ in banks}) > 1
    keys, levels, dead, outputs, index = [], [], [], [], {}
    for i, (level, _, names) in enumerate(banks):
        layers, slopes = acts[i]  # each (B, E_bank, h)
        silent = torch.stack([(g.abs() < DEAD_SLOPE).all(0).float().sum(-1) for g in slopes]).sum(0)  # (E_bank,)
        units = sum(a.shape[-1] for a in layers)
        for e, name in enumerate(names):
            index[(level, name)] = len(keys)
            keys.append(f"L{level}/{name}" if multi else name)
            levels.append(level)
            dead.append(float(silent[e]) / units)
            outputs.append(layers[-1][:, e].reshape(-1))  # (B*H,)
    E = len(keys)

    utilisation, entropy, max_entropy, n_experts = {}, {}, {}, {}
    for gate in model.structure().gates:
        w = out.gates.get(gate.name)
        if w is None:
            continue
        u = np.full(E, np.nan)
        mean = w.mean(0).cpu().numpy()
        for col, expert in enumerate(gate.experts):
            j = index.get((gate.level, expert.name))
            if j is not None:
                u[j] = mean[col]
        utilisation[gate.name] = u
        p = w.clamp_min(1e-12)
        entropy[gate.name] = float(-(p * p.log()).sum(-1).mean())
        max_entropy[gate.name] = float(np.log(w.shape[-1]))
        n_experts[gate.name] = w.shape[-1]

    cosine = np.full((E, E), np.nan)
    lv = np.array(levels)
    for level in sorted(set(levels)):
        idx = np.flatnonzero(lv == level)
        flat = torch.stack([outputs[j] for j in idx])  # (E_level, B*H)
        unit = flat / flat.norm(dim=1, keepdim=True).clamp_min(1e-12)
        cosine[np.ix_(idx, idx)] = (unit @ unit.T).cpu().numpy()
    off = cosine.copy()
    np.fill_diagonal(off, np.nan)
    with warnings.catch_warnings():  # an expert alone on its level has no mean: NaN, said in the field
        warnings.simplefilter("ignore", RuntimeWarning)
        mean_cos = np.nanmean(off, axis=1)

    residual: dict[str, np.ndarray] = {}
    for i, (level, _, units) in enumerate(paths):
        order = [j for j, lv_j in enumerate(levels) if lv_j == level]  # the level's experts, in bank order
        use = residual_use[i].cpu().numpy()  # (U, E_level)
        for u, unit in enumerate(units):
            r = np.full(E, np.nan)
            own = use[u] > 0
            r[np.array(order)[own]] = use[u][own]
            residual[unit] = r

    reasons: list[list[str]] = []
    for j in range(E):
        why = []
        gates_j = [(g, u[j]) for g, u in utilisation.items() if np.isfinite(u[j])]
        paths_j = [(g, r[j]) for g, r in residual.items() if np.isfinite(r[j])]
        if gates_j and all(val < UNUSED_FRACTION / n_experts.get(g, E) for g, val in gates_j + paths_j):
            why.append("unused")
        twins = [keys[k] for k in range(E) if k != j and np.isfinite(off[j, k]) and off[j, k] > DUPLICATE_COSINE]
        if twins:
            why.append("duplicate of " + ", ".join(twins))
        if dead[j] >= 1.0:
            why.append("dead")
        reasons.append(why)
    return ExpertHealth(keys, lv, np.array(dead), utilisation, entropy, max_entropy, cosine, mean_cos,
                        np.array([bool(r) for r in reasons]), reasons, residual)


def group_mass(gate_defs, gates: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Mean gate weight summed per expert group, per gate: {gate: {group: mass}}. For AdaTT this is the
    task-to-task fusion matrix (row: the task whose unit fuses; column: whose experts it draws on)."""
    out = {}
    for g in gate_defs:
        if g.name not in gates:
            continue
        w = np.asarray(gates[g.name], dtype=float).reshape(-1)
        mass: dict[str, float] = {}
        for col, expert in enumerate(g.experts):
            mass[expert.group] = mass.get(expert.group, 0.0) + float(w[col])
        out[g.name] = mass
    return out
