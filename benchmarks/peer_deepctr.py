"""DeepCTR-Torch's MMOE at the MMoE paper size, timed the way benchmarks/run.py times ours.

An optional benchmark dependency (not in requirements.txt): `pip install --no-deps deepctr-torch` (it also
needs tqdm and scikit-learn, which the project already has). `deepctr_mmoe_throughput()` returns the
peer's best training samples/s over two ways of training it (its own `fit` loop, and a bare loop over its
module with the same Adam: the faster one is reported, so the comparison never favours us by the peer's
loop overhead), or raises `PeerUnavailable` with the reason.
"""
from __future__ import annotations

import contextlib
import io
import time

import torch


class PeerUnavailable(RuntimeError):
    pass


def _import():
    try:
        from deepctr_torch.inputs import DenseFeat
        from deepctr_torch.models.multitask import MMOE
    except Exception as e:  # ImportError, or a broken install
        raise PeerUnavailable(f"deepctr-torch is not importable ({type(e).__name__}: {e}); "
                              "install it with `pip install --no-deps deepctr-torch`") from e
    return DenseFeat, MMOE


def deepctr_mmoe_throughput(n: int = 10_000, d: int = 100, batch: int = 256, epochs: int = 2,
                            repeats: int = 3, lr: float = 1e-3) -> dict:
    """{'fit': samples/s of MMOE.fit, 'loop': samples/s of a bare loop, 'best': max, 'version': ...}."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        DenseFeat, MMOE = _import()  # it prints a version-check notice on import
        import deepctr_torch
    torch.manual_seed(0)
    x = torch.randn(n, d)
    y = torch.randn(n, 2)
    cols = [DenseFeat(f"x{i}", 1) for i in range(d)]
    kw = dict(num_experts=8, expert_dnn_hidden_units=(16,), gate_dnn_hidden_units=(), tower_dnn_hidden_units=(8,),
              task_types=("regression", "regression"), task_names=("task1", "task2"), device="cpu",
              l2_reg_embedding=0.0, l2_reg_linear=0.0)

    def via_fit() -> float:
        with contextlib.redirect_stdout(io.StringIO()):
            model = MMOE(cols, **kw)
        model.compile(torch.optim.Adam(model.parameters(), lr=lr), loss=["mse", "mse"])
        feed = {f"x{i}": x[:, i].numpy() for i in range(d)}
        t = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # fit prints its device and sizes even at verbose=0
            model.fit(feed, y.numpy(), batch_size=batch, epochs=epochs, verbose=0, shuffle=True)
        return n * epochs / (time.perf_counter() - t)

    def via_loop() -> float:
        with contextlib.redirect_stdout(io.StringIO()):
            model = MMOE(cols, **kw)
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        steps = (n + batch - 1) // batch
        t = time.perf_counter()
        for _ in range(epochs):
            perm = torch.randperm(n)
            for i in range(steps):
                idx = perm[i * batch:(i + 1) * batch]
                out = model(x[idx])  # (B, 2)
                loss = ((out - y[idx]) ** 2).mean(0).sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
        return n * epochs / (time.perf_counter() - t)

    fit = max(via_fit() for _ in range(repeats))
    loop = max(via_loop() for _ in range(repeats))
    return {"fit": fit, "loop": loop, "best": max(fit, loop), "version": deepctr_torch.__version__}


if __name__ == "__main__":
    torch.set_num_threads(1)
    print(deepctr_mmoe_throughput())
