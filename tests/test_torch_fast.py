"""torch's private fast paths (mtl_core/engine/torch_fast.py): the guard finds everything it calls in the
installed torch, says which module and what is missing when something goes, and the direct fused Adam
steps exactly as torch.optim does.

Claims checked: `_Adam` (the engine's Adam / AdamW) is bit-identical to `torch.optim.Adam(fused=True)` /
`AdamW(fused=True)`, the same kernel; against torch.optim's plain (for-loop) Adam it agrees to float32
rounding only (another order of operations), so that comparison is allclose. `_SGD` is bit-identical to
torch.optim.SGD(foreach=True, momentum=0.9)."""
import pytest
import torch

from mtl_core.engine import optim, torch_fast

STEPS = 6


def test_the_guard_finds_everything_it_needs_in_the_installed_torch():
    assert torch_fast.PROBLEMS == [], torch_fast.message()
    assert torch_fast.AVAILABLE


def test_a_missing_private_function_trips_the_guard_with_the_module_name(monkeypatch):
    monkeypatch.delattr(torch, "_fused_adam_")
    problems = torch_fast.probe()
    assert problems == ["torch._fused_adam_ is missing"]
    msg = torch_fast.message(problems)
    assert "mtl_core.engine.torch_fast" in msg and "torch._fused_adam_" in msg
    monkeypatch.setattr(torch_fast, "PROBLEMS", problems)
    with pytest.raises(torch_fast.TorchInternalsChanged, match="mtl_core.engine.torch_fast"):
        torch_fast.require()


def test_a_torch_outside_the_written_for_range_is_flagged(monkeypatch):
    monkeypatch.setattr(torch, "__version__", "3.1.0")
    assert any("outside the range" in p for p in torch_fast.probe())


def _params(seed: int) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(3, 5, 4, generator=g), torch.randn(3, 4, generator=g), torch.randn(7, generator=g)]


def _grads(step: int, like: list[torch.Tensor]) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(1000 + step)
    return [torch.randn(p.shape, generator=g) for p in like]


def _run_ours(name: str, lr: float, wd: float) -> list[torch.Tensor]:
    params = [p.requires_grad_() for p in _params(0)]
    opt = optim.OPTIMIZERS[name]([{"params": params}], lr, wd, torch.device("cpu"))
    assert opt.fallback is None  # the fast path, not torch.optim
    for step in range(STEPS):
        for p, g in zip(params, _grads(step, params)):
            p.grad = g
        opt.step()
    return [p.detach() for p in params]


def _run_torch(cls, lr: float, wd: float, **kw) -> list[torch.Tensor]:
    params = [p.requires_grad_() for p in _params(0)]
    opt = cls(params, lr=lr, weight_decay=wd, **kw)
    for step in range(STEPS):
        for p, g in zip(params, _grads(step, params)):
            p.grad = g
        opt.step()
    return [p.detach() for p in params]


@pytest.mark.parametrize("name, cls", [("adam", torch.optim.Adam), ("adamw", torch.optim.AdamW)])
@pytest.mark.parametrize("wd", [0.0, 0.05])
def test_fused_adam_is_bit_identical_to_torch_optim_fused_and_close_to_plain_adam(name, cls, wd):
    ours = _run_ours(name, 0.01, wd)
    fused = _run_torch(cls, 0.01, wd, fused=True)
    plain = _run_torch(cls, 0.01, wd, foreach=False, fused=False)
    start = _params(0)
    for a, b, c, s in zip(ours, fused, plain, start):
        assert not torch.equal(a, s)  # it moved
        assert torch.equal(a, b)  # the same kernel: the same bits
        torch.testing.assert_close(a, c, rtol=1e-5, atol=1e-6)  # another order of operations: rounding only


@pytest.mark.parametrize("wd", [0.0, 0.05])
def test_sgd_with_momentum_is_bit_identical_to_torch_optim_foreach(wd):
    ours = _run_ours("sgd", 0.05, wd)
    ref = _run_torch(torch.optim.SGD, 0.05, wd, momentum=0.9, foreach=True)
    for a, b in zip(ours, ref):
        assert torch.equal(a, b)


def test_without_the_fast_path_the_optimisers_fall_back_to_torch_optim(monkeypatch):
    monkeypatch.setattr(torch_fast, "AVAILABLE", False)
    params = [torch.zeros(2, requires_grad=True)]
    assert isinstance(optim.OPTIMIZERS["adam"]([{"params": params}], 0.1, 0.0, torch.device("cpu")).fallback,
                      torch.optim.Adam)
    assert isinstance(optim.OPTIMIZERS["sgd"]([{"params": params}], 0.1, 0.0, torch.device("cpu")).fallback,
                      torch.optim.SGD)
