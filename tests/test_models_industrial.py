"""Known answers for the industrial architectures: AdaTT, PEPNet, STEM, HoME (fusion by hand, stop-gradients
checked with autograd, the hierarchy mask, parameter counts, and the batched engine)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mtl_core.config import default_config
from mtl_core.data.base import DatasetSpec, FeatureSchema, TaskSpec
from mtl_core.experts import group_mass
from mtl_core.models import ARCHITECTURES, build_model, count_parameters
from mtl_core.models.budget import param_report
from mtl_core.train import RunSpec, train

NEW = ("adatt", "pepnet", "stem", "home")
SCHEMA = FeatureSchema(n_dense=3, categorical=(("user_id", 30), ("item_id", 20), ("author_id", 5)))
FEED = DatasetSpec((TaskSpec("view", "binary"), TaskSpec("watch", "regression"), TaskSpec("like", "binary"),
                    TaskSpec("follow", "binary"), TaskSpec("share", "binary")), SCHEMA)
DENSE_ONLY = DatasetSpec((TaskSpec("a", "regression"), TaskSpec("b", "regression")), FeatureSchema(n_dense=6))


def inputs(spec: DatasetSpec, n: int = 64, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    dense = torch.randn(n, spec.schema.n_dense, generator=g)
    cat = torch.stack([torch.randint(0, c, (n,), generator=g) for _, c in spec.schema.categorical], 1) \
        if spec.schema.categorical else torch.zeros(n, 0, dtype=torch.long)
    return dense, cat


def labels(spec: DatasetSpec, n: int, seed: int = 1):
    g = torch.Generator().manual_seed(seed)
    y = torch.stack([torch.rand(n, generator=g).round() if t.kind == "binary" else torch.rand(n, generator=g)
                     for t in spec.tasks], 1)
    return y, torch.ones_like(y)


def grads(output: torch.Tensor, model) -> dict[str, torch.Tensor]:
    """d output.sum() / d parameter; zeros where the output does not reach a parameter."""
    params = dict(model.named_parameters())
    gs = torch.autograd.grad(output.sum(), list(params.values()), allow_unused=True, retain_graph=True)
    return {n: torch.zeros_like(p) if g is None else g for (n, p), g in zip(params.items(), gs)}


def nonzero(g: torch.Tensor) -> bool:
    return bool(g.abs().sum() > 0)


def shared_by_autograd(model, spec: DatasetSpec) -> set[str]:
    torch.manual_seed(1)
    with torch.no_grad():  # generic weights: nothing silent hides a dependence
        for p in model.parameters():
            p.normal_(0.0, 0.5)
    dense, cat = inputs(spec, 256, seed=2)
    y, mask = labels(spec, 256)
    losses = model.task_losses(model(dense, cat), y, mask)
    counts = {n: torch.zeros_like(p, dtype=torch.int) for n, p in model.named_parameters()}
    for t in range(len(spec.tasks)):
        for n, g in grads(losses[t], model).items():
            counts[n] += (g != 0).int()
    return {n for n, c in counts.items() if int(c.max()) >= 2}


# ----------------------------------------------------------------------------------------- registry
def test_registered_with_paper_and_refusals():
    ids = list(ARCHITECTURES)
    assert ids[-4:] == list(NEW)
    for arch in NEW:
        info = ARCHITECTURES[arch]
        assert info.paper and info.year >= 2023 and info.description
        assert info.supports(FEED) is None
    for arch in ("pepnet", "stem"):  # personalised by IDs: a dense-only world has none
        assert "categorical" in ARCHITECTURES[arch].supports(DENSE_ONLY)
    assert ARCHITECTURES["adatt"].supports(DENSE_ONLY) is None and ARCHITECTURES["home"].supports(DENSE_ONLY) is None


@pytest.mark.parametrize("arch,params", [("adatt", {}), ("adatt", {"shared_experts": 0, "n_levels": 3}),
                                         ("adatt", {"task_experts": (1,), "shared_experts": 1, "n_levels": 1}),
                                         ("pepnet", {}), ("stem", {"task_experts": (1, 2, 1, 1, 3)}),
                                         ("home", {}), ("home", {"group_split": 4, "lora_rank": 0}),
                                         ("home", {"group_split": 0})])
def test_declared_shared_parameters_match_autograd_on_five_tasks(arch, params):
    model = build_model(arch, FEED, params)
    assert set(model.shared_parameter_names()) == shared_by_autograd(model, FEED)
    assert set(model.last_shared_parameter_names()) <= set(model.shared_parameter_names())


def test_parameter_counts_by_hand():
    # AdaTT-sp, one level, 1 expert per task of one 4-unit layer on D = 3 + 3*2 inputs, towers 2 units
    spec = DatasetSpec(FEED.tasks[:2], FeatureSchema(3, (("user_id", 10), ("item_id", 7))))
    D, T, H, U = 3 + 2 * 2, 2, 4, 2
    m = build_model("adatt", spec, {"n_levels": 1, "shared_experts": 0, "task_experts": (1,), "expert_units": (H,),
                                    "tower_units": (U,), "embed_dim": 2})
    embeddings, experts, gates, towers = (10 + 7) * 2, T * (D * H + H), T * (D * T + T), T * (H * U + U + U + 1)
    assert count_parameters(m) == embeddings + experts + gates + towers  # residual fixed at 1: no parameters
    m = build_model("adatt", spec, {"n_levels": 1, "shared_experts": 0, "task_experts": (2,), "expert_units": (H,),
                                    "tower_units": (U,), "embed_dim": 2})
    assert count_parameters(m) == embeddings + 2 * experts + T * (D * 2 * T + 2 * T) + towers + T * 2  # + v
    # STEM: T + 1 embedding sets; PEPNet: EPNet, one gate per tower layer, stacked towers
    m = build_model("stem", spec, {"shared_experts": 1, "task_experts": (1,), "expert_units": (H,),
                                   "tower_units": (U,), "embed_dim": 2})
    assert count_parameters(m) == 3 * embeddings + 3 * (D * H + H) + T * (2 * D * 3 + 3) + towers
    m = build_model("pepnet", spec, {"gate_units": 5, "tower_units": (U,), "embed_dim": 2})
    gate = lambda i, o: i * 5 + 5 + 5 * o + o  # noqa: E731
    prior = 2 * 2 + D
    assert count_parameters(m) == (embeddings + gate(2 + D, D) + gate(prior, T * D) + gate(prior, T * U)
                                   + T * (D * U + U + U + 1))


def test_counts_at_default_sizes_are_reported():
    for arch in NEW:
        rep = param_report(arch, FEED, {})
        assert 0 < rep["shared"] < rep["total"]


# ----------------------------------------------------------------------------------------- AdaTT
def test_adatt_fusion_by_hand_one_level():
    torch.manual_seed(0)
    m = build_model("adatt", FEED, {"n_levels": 1, "task_experts": (2,), "shared_experts": 1})
    dense, cat = inputs(FEED, 16)
    lvl = m.levels[0]
    x = m.input(dense, cat)
    experts = torch.cat([lvl.task_experts(x), lvl.shared_experts(x)], 1)  # (B, 11, H)
    logits = torch.einsum("bd,gde->bge", x, lvl.gates.weight) + lvl.gates.bias
    w = torch.softmax(logits, -1)
    fused, gates, _ = lvl(x)
    v = lvl.residual_weights()
    for t in range(5):
        own = [2 * t, 2 * t + 1]
        expect = sum(w[:, t, j, None] * experts[:, j] for j in range(11))
        expect = expect + sum(v[t, j] * experts[:, j] for j in own)
        torch.testing.assert_close(fused[:, t], expect, atol=1e-5, rtol=1e-5)
        assert (v[t, [j for j in range(11) if j not in own]] == 0).all()  # the residual: its own group only
    out = m(dense, cat)
    for t, name in enumerate(m.task_names):
        torch.testing.assert_close(out.gates[f"L1/{name}"], w[:, t])


def test_adatt_gates_give_a_task_to_task_fusion_matrix():
    m = build_model("adatt", FEED)
    out = m(*inputs(FEED))
    mass = group_mass(m.structure().gates, {g: w.mean(0).detach().numpy() for g, w in out.gates.items()})
    for name in m.task_names:
        row = mass[f"L2/{name}"]
        assert set(row) == {*m.task_names, "shared"} and abs(sum(row.values()) - 1) < 1e-5


# ----------------------------------------------------------------------------------------- PEPNet
def test_pepnet_with_neutral_gates_is_plain_towers_on_the_embeddings():
    torch.manual_seed(0)
    m = build_model("pepnet", FEED)
    with torch.no_grad():  # σ(0)·2 = 1: every gate passes its input unchanged
        for g in [m.epnet, *m.ppnet]:
            g.out.weight.zero_()
            g.out.bias.zero_()
    dense, cat = inputs(FEED, 8)
    x = m.input(dense, cat)
    out = m(dense, cat)
    for t, name in enumerate(m.task_names):
        h = x
        for l, (w, b) in enumerate(zip(m.towers.weights, m.towers.biases)):
            h = h @ w[t] + b[t]
            h = F.relu(h) if l < len(m.towers.weights) - 1 else h
        expect = h.squeeze(-1) if m.task_kinds[t] == "regression" else torch.sigmoid(h.squeeze(-1))
        torch.testing.assert_close(out.preds[name], expect, atol=1e-6, rtol=1e-5)


def test_pepnet_gates_are_in_zero_two_and_do_not_pull_the_general_embedding():
    torch.manual_seed(0)
    m = build_model("pepnet", FEED)
    dense, cat = inputs(FEED, 32)
    x = m.input(dense, cat)
    z = torch.cat([x.index_select(1, m.user_cols), x.detach()], -1)
    ep = m.epnet(z)
    assert float(ep.detach().min()) > 0 and float(ep.detach().max()) < 2
    g = grads(ep, m)
    assert nonzero(g["input.embeddings.0.weight"])  # the user embedding is the gate's signal...
    assert not nonzero(g["input.embeddings.1.weight"]) and not nonzero(g["input.embeddings.2.weight"])  # ...x is sg
    # PPNet's gates read stop-grad(e): nothing of them reaches EPNet
    e = x * ep
    prior = torch.cat([x.index_select(1, m.signal_cols), e.detach()], -1)
    g = grads(sum(p(prior).sum() for p in m.ppnet), m)
    assert not any(nonzero(v) for n, v in g.items() if n.startswith("epnet."))
    assert nonzero(g["input.embeddings.1.weight"])  # the item ID is a PPNet signal


# ----------------------------------------------------------------------------------------- STEM
def test_stem_task_gradients_reach_only_its_own_and_the_shared_tables():
    torch.manual_seed(0)
    m = build_model("stem", FEED)
    dense, cat = inputs(FEED, 64)
    y, mask = labels(FEED, 64)
    losses = m.task_losses(m(dense, cat), y, mask)
    for t in range(5):
        g = grads(losses[t], m)
        for s in range(6):  # embedding set 0 is shared, set s = task s-1's
            reached = any(nonzero(g[f"inputs.{s}.embeddings.{f}.weight"]) for f in range(3))
            assert reached == (s in (0, t + 1)), (t, s)
        for u in range(5):  # experts of other tasks: forward only
            assert nonzero(g["task_experts.weights.0"][u]) == (u == t)
        assert nonzero(g["shared_experts.weights.0"])


def test_stem_forward_uses_every_tasks_experts():
    torch.manual_seed(0)
    m = build_model("stem", FEED)
    dense, cat = inputs(FEED, 16)
    before = m(dense, cat).preds["view"]
    with torch.no_grad():
        m.task_experts.biases[0][4].add_(1.0)  # task "share"'s expert
    assert not torch.allclose(before, m(dense, cat).preds["view"])


# ----------------------------------------------------------------------------------------- HoME
def test_home_hierarchy_mask_and_gates():
    m = build_model("home", FEED)
    gates = {g.name: [e.name for e in g.experts] for g in m.structure().gates}
    assert gates["L1/G1:view+watch"] == ["G1:view+watch/1", "shared/1", "shared/2"]
    assert gates["L1/G2:like+follow+share"] == ["G2:like+follow+share/1", "shared/1", "shared/2"]
    assert len(gates["L1/shared"]) == 4
    assert gates["L2/view"] == ["view/1", "G1:view+watch/1", "shared/1", "shared/2"]
    assert gates["L2/follow"] == ["follow/1", "G2:like+follow+share/1", "shared/1", "shared/2"]
    dense, cat = inputs(FEED, 32)
    out = m(dense, cat)
    g = grads(out.preds["view"], m)
    assert not any(nonzero(v) for n, v in g.items() if n.startswith("task_level.banks.group1."))  # masked off
    assert nonzero(g["task_level.banks.group0.weights.0"]) and nonzero(g["meta.banks.group1.weights.0"])


def test_home_experts_are_normalised_swish_and_feature_gates_start_at_one():
    torch.manual_seed(0)
    m = build_model("home", FEED, {"expert_units": (32,)})
    dense, cat = inputs(FEED, 64)
    x = m.input(dense, cat)
    gated = m.meta.feature_gates(x)  # (B, E, D)
    torch.testing.assert_close(gated, x.unsqueeze(1).expand_as(gated))
    bank = m.meta.banks["shared"]
    with torch.no_grad():
        bank.weights[0].mul_(100.0)  # a hundredfold scale: normalisation undoes it
    pre = torch.einsum("bd,edh->beh", x, bank.weights[0]) + bank.biases[0]
    torch.testing.assert_close(bank(x), F.silu(F.layer_norm(pre, (32,))), atol=1e-5, rtol=1e-5)
    assert float(bank(x).detach().std()) < 2


def test_home_self_gate_trains_a_tasks_own_expert_its_softmax_gate_ignores():
    torch.manual_seed(0)
    m = build_model("home", FEED)
    with torch.no_grad():
        m.task_level.gates.bias[:, :5] = -1e4  # no task's softmax gate picks its own expert
    dense, cat = inputs(FEED, 64)
    y, mask = labels(FEED, 64)
    out = m(dense, cat)
    assert float(out.gates["L2/like"][:, 0].detach().max()) < 1e-6
    g = grads(m.task_losses(out, y, mask)[2], m)
    assert nonzero(g["task_level.banks.task2.weights.0"])  # reached through the self-gate


# ----------------------------------------------------------------------------------------- the engine
@pytest.mark.slow
@pytest.mark.parametrize("arch", NEW)
def test_batched_run_r_equals_the_same_seed_trained_alone(arch):
    cfg = default_config(**{"data": "feed", "model": arch, "data.n_impressions": 2000, "data.n_users": 200,
                            "data.n_items": 200, "train.epochs": 1, "train.batch_size": 128,
                            "train.snapshots_per_epoch": 1})
    runs = [RunSpec(s) for s in (3, 7)]
    batched = list(train(cfg, runs))[-1]
    assert not np.allclose(batched.val_loss[0], batched.val_loss[1])
    for r, run in enumerate(runs):
        alone = list(train(cfg.with_changes(**{"train.seed": run.seed})))[-1]
        np.testing.assert_allclose(batched.val_loss[r], alone.val_loss[0], rtol=1e-4, atol=1e-5)
        for g in alone.gates:
            np.testing.assert_allclose(batched.gates[g][r], alone.gates[g][0], rtol=1e-4, atol=1e-5)
