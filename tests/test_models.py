"""Architectures: shapes and the contract, vmap equivalence, and known answers (equivalences between
models, hand-computed losses and parameter counts)."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.func import functional_call, stack_module_state, vmap

from mtl_core.data.base import DatasetSpec, FeatureSchema, TaskSpec
from mtl_core.models import ARCHITECTURES, build_model, count_parameters
from mtl_core.models.base import SHARED_REP, EPS, ModelOutput
from mtl_core.models.budget import match_shared_bottom, param_report
from mtl_core.params import ConfigError

REG2 = DatasetSpec((TaskSpec("task1", "regression"), TaskSpec("task2", "regression")), FeatureSchema(n_dense=100))
REG3 = DatasetSpec(tuple(TaskSpec(f"task{k}", "regression") for k in (1, 2, 3)), FeatureSchema(n_dense=10))
FUNNEL_SCHEMA = FeatureSchema(n_dense=3, categorical=(("user", 50), ("item", 40)))
FUNNEL = DatasetSpec((TaskSpec("ctr", "binary", "all"), TaskSpec("cvr", "binary", "ctr")), FUNNEL_SCHEMA)
FUNNEL3 = DatasetSpec((TaskSpec("ctr", "binary"), TaskSpec("cvr", "binary", "ctr"), TaskSpec("buy", "binary", "cvr")),
                      FUNNEL_SCHEMA)
SPECS = {"reg2": REG2, "reg3": REG3, "funnel": FUNNEL, "funnel3": FUNNEL3}
B = 7


def batch(spec: DatasetSpec, n: int = B, seed: int = 0):
    """Random inputs and labels consistent with the spec (funnel labels: each step within the previous)."""
    g = torch.Generator().manual_seed(seed)
    dense = torch.randn(n, spec.schema.n_dense, generator=g)
    cat = torch.stack([torch.randint(0, c, (n,), generator=g) for _, c in spec.schema.categorical], 1) \
        if spec.schema.categorical else torch.zeros(n, 0, dtype=torch.long)
    T = len(spec.tasks)
    if spec.tasks[0].kind == "binary":
        y = torch.cumprod((torch.rand(n, T, generator=g) < 0.6).float(), dim=1)
        mask = torch.cat([torch.ones(n, 1), y[:, :-1]], dim=1)
    else:
        y, mask = torch.randn(n, T, generator=g), torch.ones(n, T)
    return dense, cat, y, mask


def cases():
    """(arch, spec name, params) for every architecture x every spec it supports (ESMM: each backbone)."""
    out = []
    for arch, info in ARCHITECTURES.items():
        for sname, spec in SPECS.items():
            if info.supports(spec) is None:
                variants = [{"backbone": b} for b in ("shared_bottom", "mmoe", "ple")] if arch == "esmm" else [{}]
                out += [pytest.param(arch, sname, p, id=f"{arch}-{sname}-{p.get('backbone', '')}") for p in variants]
    return out


# ----------------------------------------------------------------------------------------- contract
@pytest.mark.parametrize("arch,sname,params", cases())
def test_contract_shapes_gates_layout(arch, sname, params):
    spec = SPECS[sname]
    torch.manual_seed(0)
    model = build_model(arch, spec, params)
    dense, cat, y, mask = batch(spec)
    out = model(dense, cat)
    assert isinstance(out, ModelOutput)
    assert set(out.preds) == set(spec.task_names)
    for t in spec.tasks:
        assert out.preds[t.name].shape == (B,)
        if t.kind == "binary":
            assert ((out.preds[t.name] >= 0) & (out.preds[t.name] <= 1)).all()
    layout = model.gate_layout()
    assert set(layout) == set(out.gates)
    sums_to_one = {g.name: g.sums_to_one for g in model.structure().gates}
    for name, w in out.gates.items():
        assert w.shape == (B, len(layout[name])), name
        assert (w >= 0).all()
        if sums_to_one[name]:  # SNR's routing codes are gates in [0, 1] each, not a distribution
            torch.testing.assert_close(w.sum(-1), torch.ones(B))
    for k, v in out.extras.items():  # extra predictions are (B,); the shared representation (B, ...)
        assert v.shape == (B,) if k != SHARED_REP else v.shape[0] == B
    losses = model.task_losses(out, y, mask)
    assert losses.shape == (len(spec.tasks),) and torch.isfinite(losses).all()


@pytest.mark.parametrize("arch,sname,params", cases())
def test_every_parameter_is_used_and_shared_names_exist(arch, sname, params):
    spec = SPECS[sname]
    model = build_model(arch, spec, params)
    dense, cat, y, mask = batch(spec)
    model.task_losses(model(dense, cat), y, mask).sum().backward()
    unused = [n for n, p in model.named_parameters() if p.grad is None]
    assert not unused
    names = dict(model.named_parameters())
    assert set(model.shared_parameter_names()) <= set(names)
    assert set(model.last_shared_parameter_names()) <= set(model.shared_parameter_names())
    if arch != "single_task":
        assert model.shared_parameter_names() and model.last_shared_parameter_names()


@pytest.mark.parametrize("arch,sname,params", cases())
def test_vmap_over_stacked_params_matches_plain_forward(arch, sname, params):
    """The engine's path: R copies stacked, run with vmap(functional_call)."""
    spec = SPECS[sname]
    models = []
    for s in range(3):
        torch.manual_seed(s)
        models.append(build_model(arch, spec, params))
    stacked, _ = stack_module_state(models)
    template = models[0]
    dense, cat, y, mask = batch(spec)

    def run(p, d, c, yy, m):
        out = functional_call(template, p, (d, c))
        return template.task_losses(out, yy, m), out

    losses, out = vmap(run, in_dims=(0, None, None, None, None))(stacked, dense, cat, y, mask)
    for r, m in enumerate(models):
        ref = m(dense, cat)
        for k in ref.preds:
            torch.testing.assert_close(out.preds[k][r], ref.preds[k], atol=1e-6, rtol=1e-5)
        for k in ref.gates:
            torch.testing.assert_close(out.gates[k][r], ref.gates[k], atol=1e-6, rtol=1e-5)
        for k in ref.extras:
            torch.testing.assert_close(out.extras[k][r], ref.extras[k], atol=1e-6, rtol=1e-5)
        torch.testing.assert_close(losses[r], m.task_losses(ref, y, mask), atol=1e-6, rtol=1e-5)


# ----------------------------------------------------------------------------------------- refusals
@pytest.mark.parametrize("arch", ["esmm", "aitm"])
def test_funnel_models_refuse_regression(arch):
    reason = ARCHITECTURES[arch].supports(REG2)
    assert isinstance(reason, str) and "funnel" in reason
    with pytest.raises(ConfigError):
        build_model(arch, REG2)


def test_esmm_refuses_three_step_funnel_but_aitm_accepts():
    assert "exactly two" in ARCHITECTURES["esmm"].supports(FUNNEL3)
    assert ARCHITECTURES["aitm"].supports(FUNNEL3) is None
    with pytest.raises(ConfigError):
        build_model("esmm", FUNNEL3)


def test_registry_metadata():
    assert list(ARCHITECTURES) == ["single_task", "shared_bottom", "cross_stitch", "omoe", "mmoe", "cgc", "ple",
                                   "esmm", "aitm", "asymmetric", "snr", "dselect_k", "esmm_ns", "ipw",
                                   "escm2_ipw", "adatt", "pepnet", "stem", "home"]
    for info in ARCHITECTURES.values():
        assert info.name and info.paper and info.description
        for p in info.params:
            assert p.parse(p.default) == p.default  # defaults are inside their own ranges


# ----------------------------------------------------------------------------------------- equivalences
def test_mmoe_with_one_expert_equals_shared_bottom():
    sb = build_model("shared_bottom", FUNNEL, {"bottom_units": (16,), "tower_units": (8,)})
    mm = build_model("mmoe", FUNNEL, {"n_experts": 1, "expert_units": (16,), "tower_units": (8,)})
    with torch.no_grad():
        mm.input.load_state_dict(sb.input.state_dict())
        mm.towers.load_state_dict(sb.towers.state_dict())
        mm.experts.weights[0].copy_(sb.bottom.net[0].weight.T[None])  # (1, D, 16)
        mm.experts.biases[0].copy_(sb.bottom.net[0].bias[None])
    dense, cat, _, _ = batch(FUNNEL)
    a, b = sb(dense, cat), mm(dense, cat)
    for k in a.preds:
        torch.testing.assert_close(a.preds[k], b.preds[k], atol=1e-6, rtol=0)
    assert all(torch.equal(w, torch.ones(B, 1)) for w in b.gates.values())


def test_omoe_equals_mmoe_with_tied_gates():
    om = build_model("omoe", REG3, {"n_experts": 4})
    mm = build_model("mmoe", REG3, {"n_experts": 4})
    sd = om.state_dict()
    sd["gates.weight"] = sd["gates.weight"].expand(3, -1, -1).clone()
    sd["gates.bias"] = sd["gates.bias"].expand(3, -1).clone()
    mm.load_state_dict(sd)
    dense, cat, _, _ = batch(REG3)
    a, b = om(dense, cat), mm(dense, cat)
    for k in a.preds:
        torch.testing.assert_close(a.preds[k], b.preds[k], atol=1e-6, rtol=0)
    for g in b.gates.values():
        torch.testing.assert_close(g, a.gates["all tasks"], atol=1e-7, rtol=0)


def test_cgc_is_one_level_ple():
    cgc = build_model("cgc", FUNNEL, {"shared_experts": 3, "task_experts": (1, 2), "expert_units": (8, 4)})
    ple = build_model("ple", FUNNEL, {"n_levels": 1, "shared_experts": 3, "task_experts": (1, 2), "expert_units": (8, 4)})
    ple.load_state_dict(cgc.state_dict())
    dense, cat, _, _ = batch(FUNNEL)
    a, b = cgc(dense, cat), ple(dense, cat)
    assert list(a.gates) == ["L1/ctr", "L1/cvr"] == list(b.gates)
    assert cgc.gate_layout() == ple.gate_layout() == {
        "L1/ctr": ["ctr/1", "shared/1", "shared/2", "shared/3"],
        "L1/cvr": ["cvr/1", "cvr/2", "shared/1", "shared/2", "shared/3"]}
    for k in a.preds:
        assert torch.equal(a.preds[k], b.preds[k])


def test_ple_gates_and_layout_names():
    m = build_model("ple", REG2, {"n_levels": 2, "shared_experts": 1, "task_experts": (2, 1)})
    layout = m.gate_layout()
    assert list(layout) == ["L1/task1", "L1/task2", "L1/shared", "L2/task1", "L2/task2"]
    assert layout["L1/shared"] == ["task1/1", "task1/2", "task2/1", "shared/1"]
    assert layout["L2/task2"] == ["task2/1", "shared/1"]
    # the reported weights are the bank's weights on the allowed experts, in layout order
    dense, cat, _, _ = batch(REG2)
    x = m.input(dense, cat)
    _, raw, _ = m.levels[0](x)  # (B, G, E) with exact zeros on disallowed experts
    out = m(dense, cat)
    torch.testing.assert_close(out.gates["L1/task2"], raw[:, 1, [2, 3]])
    assert torch.equal(raw[:, 1, :2], torch.zeros(B, 2))


def test_ple_upper_level_task_gate_reads_its_own_group_only():
    """Changing the level-1 shared gate must not change the level-2 task gates' weights."""
    m = build_model("ple", REG2, {"n_levels": 2})
    dense, cat, _, _ = batch(REG2)
    before = m(dense, cat).gates
    with torch.no_grad():
        m.levels[0].gates.weight[2] += 1.0  # the shared gate of level 1
    after = m(dense, cat).gates
    assert torch.equal(before["L2/task1"], after["L2/task1"])
    assert not torch.equal(before["L1/shared"], after["L1/shared"])


def test_cross_stitch_init_and_forward_by_hand():
    m2, m3 = build_model("cross_stitch", REG2), build_model("cross_stitch", REG3, {"column_units": (4,), "tower_units": (2,)})
    for a in m2.stitch:
        assert torch.equal(a.detach(), torch.tensor([[0.9, 0.1], [0.1, 0.9]]))
    for a in m3.stitch:
        assert torch.equal(a.detach(), torch.where(torch.eye(3, dtype=torch.bool), 0.9, 0.05))
    dense, cat, _, _ = batch(REG3)
    with torch.no_grad():
        m3.stitch[0].copy_(torch.rand(3, 3))
        col = m3.columns[0]
        h = torch.stack([F.relu(dense @ col.weights[0][t] + col.biases[0][t]) for t in range(3)], 1)  # (B, T, 4)
        h = torch.stack([sum(m3.stitch[0][t, s] * h[:, s] for s in range(3)) for t in range(3)], 1)
        out = m3(dense, cat)
        for t, name in enumerate(REG3.task_names):
            torch.testing.assert_close(out.preds[name], m3.towers.nets[t](h[:, t]).squeeze(-1))


# ----------------------------------------------------------------------------------------- ESMM
@pytest.mark.parametrize("backbone", ["shared_bottom", "mmoe", "ple"])
def test_esmm_decomposition_and_entire_space_loss(backbone):
    m = build_model("esmm", FUNNEL, {"backbone": backbone})
    dense, cat, y, mask = batch(FUNNEL, n=64)
    out = m(dense, cat)
    assert torch.equal(out.extras["ctcvr"], out.preds["ctr"] * out.preds["cvr"])
    losses = m.task_losses(out, y, mask)
    # the mask (clicked only, for cvr) is ignored: both losses run over all impressions
    torch.testing.assert_close(losses, m.task_losses(out, y, torch.zeros_like(mask)), rtol=0, atol=0)
    p_ctr, p_ctcvr = out.preds["ctr"].clamp(EPS, 1 - EPS), out.extras["ctcvr"].clamp(EPS, 1 - EPS)
    by_hand_ctcvr = -(y[:, 1] * p_ctcvr.log() + (1 - y[:, 1]) * (1 - p_ctcvr).log()).mean()
    torch.testing.assert_close(losses[1], by_hand_ctcvr, atol=1e-6, rtol=1e-6)
    torch.testing.assert_close(losses[0], F.binary_cross_entropy(p_ctr, y[:, 0]), atol=1e-6, rtol=1e-6)
    # no direct CVR loss: the cvr tower learns only through the product
    assert not torch.allclose(losses[1], F.binary_cross_entropy(out.preds["cvr"].clamp(EPS, 1 - EPS), y[:, 1]))


# ----------------------------------------------------------------------------------------- AITM
def test_aitm_calibrator_penalty_by_hand():
    m = build_model("aitm", FUNNEL, {"calibrator_alpha": 0.6})
    y = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    mask = torch.ones(2, 2)
    ctr = torch.tensor([0.5, 0.5])

    def loss_for(ctcvr):
        return m.task_losses(ModelOutput({"ctr": ctr, "cvr": ctcvr / ctr}, {}, {"ctcvr": ctcvr}), y, mask)

    def bce(p, t):
        return -(t * p.log() + (1 - t) * (1 - p).log()).mean()

    ok = torch.tensor([0.2, 0.5])  # p_2 <= p_1 everywhere: no penalty
    torch.testing.assert_close(loss_for(ok)[1], bce(ok, y[:, 1]))
    bad = torch.tensor([0.7, 0.3])  # p_2 > p_1 on the first sample by 0.2
    torch.testing.assert_close(loss_for(bad)[1], bce(bad, y[:, 1]) + 0.6 * 0.2 / 2)
    torch.testing.assert_close(loss_for(bad)[0], bce(ctr, y[:, 0]))  # first task: plain BCE


def test_aitm_outputs_three_steps():
    m = build_model("aitm", FUNNEL3)
    dense, cat, y, mask = batch(FUNNEL3, n=32)
    out = m(dense, cat)
    assert set(out.extras) == {"ctcvr", "buy_entire"}
    p1, p2, p3 = out.preds["ctr"], out.extras["ctcvr"], out.extras["buy_entire"]
    assert (p2 < p1).float().mean() > 0.9 and (p3 < p2).float().mean() > 0.9  # heads start ordered
    torch.testing.assert_close(out.preds["cvr"], (p2 / p1).clamp(0, 1))
    torch.testing.assert_close(out.preds["buy"], (p3 / p2).clamp(0, 1))
    losses = m.task_losses(out, y, mask)
    y_end = y[:, 0] * y[:, 1] * y[:, 2]
    expected = F.binary_cross_entropy(p3.clamp(EPS, 1 - EPS), y_end) + 0.6 * F.relu(p3 - p2).mean()
    torch.testing.assert_close(losses[2], expected, atol=1e-6, rtol=1e-6)


# ----------------------------------------------------------------------------------------- parameter counts
def test_mmoe_paper_parameter_count_and_shared_bottom_match():
    mm = build_model("mmoe", REG2)
    assert count_parameters(mm, paper_convention=True) == 13056
    assert count_parameters(mm) == 8 * (100 * 16 + 16) + 2 * (100 * 8 + 8) + 2 * (16 * 8 + 8 + 8 * 1 + 1)
    units, n = match_shared_bottom(13056, REG2)
    assert units == 113 and n == 113 * 100 + 2 * 113 * 8
    rep = param_report("mmoe", REG2, {})
    assert rep["paper_convention"] == 13056 and rep["total"] == count_parameters(mm)
    assert rep["shared"] == 8 * (100 * 16 + 16)


def test_ple_parameter_count_by_hand():
    D, U, H, S, counts, T = 4, 3, 2, 1, (1, 2), 2
    spec = DatasetSpec((TaskSpec("a", "regression"), TaskSpec("b", "regression")), FeatureSchema(n_dense=D))
    m = build_model("ple", spec, {"n_levels": 2, "shared_experts": S, "task_experts": counts, "expert_units": (U,), "tower_units": (H,)})
    E = sum(counts) + S

    def level(d_in, n_gates):
        return E * (d_in * U + U) + n_gates * (d_in * E + E)

    towers = T * (U * H + H + H + 1)
    assert count_parameters(m) == level(D, T + 1) + level(U, T) + towers == 222
    assert count_parameters(m, paper_convention=True) == E * D * U + E * U * U + T * U * H


# ---- shared parameters, checked with autograd ------------------------------------------------------
def _spec_for(arch: str) -> DatasetSpec:
    return REG2 if ARCHITECTURES[arch].supports(REG2) is None else FUNNEL


def _tasks_depending_on(model, spec: DatasetSpec) -> dict[str, int]:
    """For each parameter tensor, the largest number of task losses that depend on one of its elements."""
    torch.manual_seed(1)
    with torch.no_grad():  # generic weights: no dead ReLU or inactive calibrator hides a dependence
        for p in model.parameters():
            p.normal_(0.0, 0.5)
    B = 256
    dense = torch.randn(B, spec.schema.n_dense)
    cat = torch.stack([torch.randint(0, card, (B,)) for _, card in spec.schema.categorical], 1) \
        if spec.schema.categorical else torch.zeros(B, 0, dtype=torch.long)
    y = torch.rand(B, len(spec.tasks)).round() if spec.tasks[0].kind == "binary" else torch.randn(B, len(spec.tasks))
    y[:, 1] *= y[:, 0] if spec.tasks[1].space != "all" else 1.0
    mask = torch.ones_like(y)
    losses = model.task_losses(model(dense, cat), y, mask)
    names = [n for n, _ in model.named_parameters()]
    counts = {n: torch.zeros_like(p, dtype=torch.int) for n, p in model.named_parameters()}
    for t in range(len(spec.tasks)):
        grads = torch.autograd.grad(losses[t], list(model.parameters()), retain_graph=True, allow_unused=True)
        for n, g in zip(names, grads):
            if g is not None:
                counts[n] += (g != 0).int()
    return {n: int(c.max()) for n, c in counts.items()}


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_declared_shared_parameters_are_exactly_those_two_task_losses_depend_on(arch):
    spec = _spec_for(arch)
    model = build_model(arch, spec)
    depends = _tasks_depending_on(model, spec)
    shared_by_autograd = {n for n, k in depends.items() if k >= 2}
    assert set(model.shared_parameter_names()) == shared_by_autograd
    assert set(model.last_shared_parameter_names()) <= shared_by_autograd or arch == "single_task"


@pytest.mark.parametrize("backbone", ARCHITECTURES["esmm"].params[0].choices)
def test_esmm_shares_all_but_the_cvr_tower_on_every_backbone(backbone):
    model = build_model("esmm", FUNNEL, {"backbone": backbone})
    depends = _tasks_depending_on(model, FUNNEL)
    assert set(model.shared_parameter_names()) == {n for n, k in depends.items() if k >= 2}


def test_structure_gates_match_the_gates_a_forward_pass_returns():
    for arch in ARCHITECTURES:
        spec = _spec_for(arch)
        model = build_model(arch, spec)
        out = model(torch.randn(4, spec.schema.n_dense),
                    torch.zeros(4, spec.schema.n_categorical, dtype=torch.long))
        gates = model.structure().gates
        assert [g.name for g in gates] == list(out.gates), arch
        for g in gates:
            assert out.gates[g.name].shape == (4, len(g.experts)), (arch, g.name)


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_the_shared_representation_is_what_the_task_losses_read(arch):
    """MGDA-UB differentiates the task losses w.r.t. extras["shared_rep"]: it must be in their graph."""
    spec = _spec_for(arch)
    model = build_model(arch, spec)
    B = 32
    dense = torch.randn(B, spec.schema.n_dense)
    cat = torch.zeros(B, spec.schema.n_categorical, dtype=torch.long)
    out = model(dense, cat)
    if SHARED_REP not in out.extras:
        pytest.skip(f"{arch} has no single shared representation")
    y = torch.ones(B, len(spec.tasks)) * 0.5
    losses = model.task_losses(out, y.round(), torch.ones_like(y))
    for t in range(len(spec.tasks)):
        (g,) = torch.autograd.grad(losses[t], out.extras[SHARED_REP], retain_graph=True, allow_unused=True)
        assert g is not None, (arch, t)
