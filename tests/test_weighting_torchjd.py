"""Every strategy that TorchJD 0.18 also implements, checked against TorchJD's aggregator on identical
Jacobians: conflicting, aligned, one row scaled ×625, and linearly dependent (g3 = g1 + g2; g2 = 3·g1 for
two tasks), for 2, 3 and 5 tasks; stateful methods (ExcessMTL, MoDo, SDMGrad) on a sequence of four. Ours is the registry's class with R = 1; TorchJD's aggregator maps the
Jacobian (T, P) to an update (P,). After the scaling convention stated in each entry of REFS, the two
updates must agree in direction (cosine) and norm.

Where TorchJD is known to be off, the property the method promises is tested instead (Nash-MTL; SDMGrad's
inner step, which differs on purpose), and the cosine is only recorded: tests/test_weighting_torchjd_off.py.
Randomised methods (PCGrad's and GradVac's visiting order, GradDrop's uniform draws, RLW's normals) are
compared under the same fixed draws, fed to both.

`PYTHONPATH=. python tests/test_weighting_torchjd.py` prints each method's worst cosine and norm ratio as a table.
torchjd is a test-only dependency (with its extras quadprog/qpsolvers for UPGrad and DualProj, cvxpy for
CAGrad and Nash-MTL: `pip install "torchjd[full]==0.18.0"`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest
import torch

torchjd = pytest.importorskip("torchjd")
from torchjd import aggregation as A  # noqa: E402

from mtl_core.data.base import TaskSpec  # noqa: E402
from mtl_core.weighting import WEIGHTINGS, StepContext, build_weighting  # noqa: E402

P = 12  # parameters per Jacobian row


def tasks(n: int) -> tuple[TaskSpec, ...]:
    return tuple(TaskSpec(f"t{i}", "regression") for i in range(n))


def jacobians() -> list[tuple[str, torch.Tensor]]:
    """(label, J (T, P) float64): each kind for 2, 3 and 5 tasks, from a fixed seed."""
    g = torch.Generator().manual_seed(2024)
    out = []
    for T in (2, 3, 5):
        base = torch.randn(T, P, generator=g, dtype=torch.float64)
        conflicting = base.clone()
        conflicting[1] = -0.7 * base[0] + 0.5 * base[1]  # tasks 0 and 1 conflict
        aligned = base.abs() + 0.1  # every coordinate positive: no conflict anywhere
        scaled = conflicting.clone()
        scaled[0] *= 625
        dependent = base.clone()
        if T == 2:
            dependent[1] = 3 * base[0]
        else:
            dependent[2] = base[0] + base[1]
        out += [(f"conflicting T={T}", conflicting), (f"aligned T={T}", aligned), (f"scaled x625 T={T}", scaled),
                (f"dependent T={T}", dependent)]
    return out


CASES = jacobians()
_CTX = StepContext(step=0, epoch=0, params={}, shared=[], last_shared=[])


def ours(wid: str, J: torch.Tensor, hp: dict | None = None, weighting=None) -> tuple[torch.Tensor, torch.Tensor]:
    """Our update (P,) and weights (T,) for one Jacobian, through the registry's class with R = 1."""
    T = J.shape[0]
    w = weighting or build_weighting(wid, tasks(T), [0], hp)
    losses = torch.ones(1, T, dtype=J.dtype)
    if w.needs_gradients:
        g, wt = w.combine(J[None], losses, _CTX)
        return g[0], wt[0]
    wt = w.weights(losses, _CTX)[0].to(J.dtype)
    return wt @ J, wt


def cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(a @ b / (a.norm() * b.norm()).clamp_min(1e-300))


# ------------------------------------------------------------------------------------------ the references
@dataclass
class Ref:
    """How one of our strategies is compared with a TorchJD aggregator. `pair(J)` -> (our update, TorchJD's
    update already put on our scale); `convention` says what that scaling is."""

    torchjd: str
    convention: str
    pair: Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]]
    tol: float = 1e-6  # allowed 1 − cosine
    ratio_tol: float = 1e-6  # allowed |norm ratio − 1|
    needs: tuple[str, ...] = ()  # optional modules TorchJD's aggregator needs
    wid: str | None = None  # our strategy's id, when the key names a setting of it ("fairgrad α=2")


def _scaled(wid: str, hp: dict, make: Callable[[int], object], factor: Callable[[int, torch.Tensor], float]):
    def pair(J):
        o, w = ours(wid, J, hp)
        return o, factor(J.shape[0], w) * make(J.shape[0])(J)
    return pair


def _projector():
    """TorchJD's dual-cone projector with a negligible ridge. Its default adds 1e-4·I to the trace-normalised
    Gramian; with one row ×625 that ridge exceeds the small rows' squared norms and moves the projection
    (recorded separately by `test_torchjd_default_ridge_moves_upgrad_on_scaled_rows`)."""
    from torchjd._linalg._dual_cone import QuadprogProjector
    return QuadprogProjector(reg_eps=1e-10)


def _fixed_order(wid: str, hp: dict, make: Callable[[int], object], steps: int = 1):
    """PCGrad / GradVac: both visit the other tasks in index order (TorchJD draws torch.randperm, we draw
    per-run normals and argsort them); `steps` > 1 feeds the same Jacobian repeatedly (GradVac's state)."""
    def pair(J):
        T = J.shape[0]
        w = build_weighting(wid, tasks(T), [0], hp)
        w.randn = lambda *shape: torch.arange(T, dtype=torch.float32).expand(1, *shape).clone()  # argsort = 0..T-1
        agg = make(T)
        real = torch.randperm
        torch.randperm = lambda n, *a, **k: torch.arange(n)
        try:
            for _ in range(steps):
                o, _w = ours(wid, J, weighting=w)
                ref = agg(J)
        finally:
            torch.randperm = real
        return o, ref
    return pair


def _graddrop_pair(J):
    """Both draw U (P,) ~ U(0, 1): the same U is fed to each."""
    T = J.shape[0]
    U = torch.rand(J.shape[1], generator=torch.Generator().manual_seed(T), dtype=J.dtype)
    w = build_weighting("graddrop", tasks(T), [0], {"leak": 0.0})
    w.uniform = lambda n: U[None]
    o, _ = ours("graddrop", J, weighting=w)
    real = torch.rand
    torch.rand = lambda *a, **k: U.clone()
    try:
        ref = A.GradDrop()(J)
    finally:
        torch.rand = real
    return o, ref


def _rlw_pair(J):
    """Both take softmax of T standard normals: the same normals are fed to each; ours is T·softmax."""
    T = J.shape[0]
    torch.manual_seed(T)
    z = torch.randn(T, dtype=J.dtype)
    w = build_weighting("rlw", tasks(T), [0])
    w.randn = lambda *shape: z[None].float()
    o, _ = ours("rlw", J, weighting=w)
    torch.manual_seed(T)
    return o, T * A.Random()(J)


def _imtl_sign(T: int, w: torch.Tensor) -> float:
    """ours = T·s·TorchJD: TorchJD normalises M⁺n by its sum, we by the sum's absolute value (s = −1 only
    when 1ᵀM⁺n < 0 with 3+ tasks, where TorchJD's update increases every loss)."""
    return T * float(torch.sign(w.sum()))


def _static_pair(J):
    T = J.shape[0]
    c = tuple(float(k + 1) for k in range(T))
    o, _ = ours("static", J, {"weights": c})
    return o, A.Constant(torch.tensor(c, dtype=J.dtype))(J)


REFS: dict[str, Ref] = {
    "ew": Ref("Sum", "ours = TorchJD's Sum (EW trains on the sum of losses)",
              _scaled("ew", {}, lambda T: A.Sum(), lambda T, w: 1.0)),
    "static": Ref("Constant", "ours = Constant(w), weights 1, 2, ..., T", _static_pair),
    "rlw": Ref("Random", "ours = T·Random, same normals (our weights average 1 like EW)", _rlw_pair),
    "pcgrad": Ref("PCGrad", "ours = PCGrad, both visiting the other tasks in index order",
                  _fixed_order("pcgrad", {}, lambda T: A.PCGrad())),
    "gradvac": Ref("GradVac", "ours = GradVac(β=0.5) at the 3rd step on the same Jacobian, index order",
                   _fixed_order("gradvac", {"beta": 0.5}, lambda T: A.GradVac(beta=0.5), steps=3)),
    "cagrad": Ref("CAGrad", "ours = T/(1+c²)·CAGrad(c=0.5) (the reference code's rescale=1; TorchJD omits it)",
                  _scaled("cagrad", {"c": 0.5}, lambda T: A.CAGrad(c=0.5), lambda T, w: T / 1.25), tol=1e-8,
                  ratio_tol=1e-4, needs=("cvxpy", "clarabel")),  # an interior-point solve: 1e-5 relative
    "imtl": Ref("IMTLG", "ours (variant g, params) = T·sign(1ᵀM⁺n)·IMTLG",
                _scaled("imtl", {"variant": "g", "mode": "params"}, lambda T: A.IMTLG(), _imtl_sign)),
    "aligned_mtl": Ref("AlignedMTL", "ours = T·AlignedMTL (TorchJD weights B·1/T; ours B·1); float32 Jacobian to "
                                     "TorchJD, whose rank cut-off follows the input's dtype (ours: float32's)",
                       lambda J: (ours("aligned_mtl", J.float().double(), {"mode": "params"})[0],
                                  J.shape[0] * A.AlignedMTL()(J.float()).double()),
                       # TorchJD's float32 eigh: the smallest kept eigenvalue (1e-5·λ_max with a row ×625) is
                       # only good to ~eps32·λ_max/λ_min, and the update's length is scaled by its square root
                       tol=1e-5, ratio_tol=5e-3),
    "upgrad": Ref("UPGrad", "ours = T·UPGrad (TorchJD's preference 1/T; ours sums), projector ridge 1e-10",
                  _scaled("upgrad", {}, lambda T: A.UPGrad(projector=_projector()), lambda T, w: T),
                  needs=("quadprog", "qpsolvers")),
    "dualproj": Ref("DualProj", "ours = T·DualProj (TorchJD projects the mean; ours the sum), projector ridge 1e-10",
                    _scaled("dualproj", {}, lambda T: A.DualProj(projector=_projector()), lambda T, w: T),
                    needs=("quadprog", "qpsolvers")),
    "config": Ref("ConFIG", "ours = ConFIG (preference all ones: the sum's projection on the common direction)",
                  _scaled("config", {}, lambda T: A.ConFIG(), lambda T, w: 1.0)),
    "graddrop": Ref("GradDrop", "ours = GradDrop (leak 0, f = identity), same uniform draws", _graddrop_pair),
}


# ------------------------------------------------------------------------------------------ stateful and solved
def _sequence(J: torch.Tensor, steps: int = 4) -> list[torch.Tensor]:
    """The Jacobian, then `steps` − 1 copies with each task's row rescaled by a fixed random factor in [0.5, 2]:
    a stateful method (ExcessMTL, MoDo, SDMGrad) then moves its weights differently per task."""
    g = torch.Generator().manual_seed(J.shape[0] * 7 + 1)
    return [J] + [J * (0.5 + 1.5 * torch.rand(J.shape[0], 1, generator=g, dtype=J.dtype)) for _ in range(steps - 1)]


def _stateful_pair(wid: str, hp: dict, make: Callable[[int], object], factor: float | None = None):
    """Ours and TorchJD's weighting fed the same sequence of Jacobians (`_sequence`); the last updates.
    `make(T)` is TorchJD's Weighting on the Gramian J Jᵀ (or an Aggregator on J when it takes the Jacobian);
    the reference update is factor·(its weights @ J) with factor T by default (our weights sum to T)."""
    def pair(J):
        T = J.shape[0]
        w = build_weighting(wid, tasks(T), [0], hp)
        ref = make(T)
        for Jk in _sequence(J):
            o, _w = ours(wid, Jk, weighting=w)
            wt = ref(Jk @ Jk.T) if not isinstance(ref, A.Aggregator) else None
            r = (T if factor is None else factor) * (ref(Jk) if wt is None else wt @ Jk)
        return o, r
    return pair


def _sdmgrad_lr(J: torch.Tensor) -> float:
    """Our inner step 1/L (L = the largest absolute row sum of the normalised Gram matrix), for TorchJD."""
    M = J @ J.T
    a = M / (M.diagonal().clamp_min(0).sqrt().mean() ** 2 + 1e-8)
    return float(1 / a.abs().sum(1).max())


def _sdmgrad_pair(J):
    """SDMGrad with TorchJD's inner step set to ours (1/L, recomputed per Jacobian): the same projected
    heavy-ball iterations, warm-started across the sequence. At TorchJD's default step (10) the iterates jump
    between simplex vertices; `test_sdmgrad_inner_solver_converges_where_a_fixed_step_of_10_does_not`."""
    T = J.shape[0]
    w = build_weighting("sdmgrad", tasks(T), [0], {"lam": 0.3, "n_iter": 20})
    ref = A.SDMGradWeighting(lambda_=0.3, n_iter=20)
    for Jk in _sequence(J):
        o, _ = ours("sdmgrad", Jk, weighting=w)
        ref.lr = _sdmgrad_lr(Jk)
        r = T * (ref(Jk @ Jk.T) @ Jk)
    return o, r


for _alpha in (0.5, 1.0, 2.0):
    # both solve (GGᵀ)w = w^(−1/α). Our norm is within 1e-4 of an independent tight solve on the ×625 cases (the
    # ridge of our Newton solve); at α = 0.5 TorchJD's least_squares stops early on the ×625 T=2 case (4e-3 in
    # norm), `test_fairgrad_solves_its_equation_where_least_squares_stops_early`
    REFS[f"fairgrad α={_alpha:g}"] = Ref(
        "FairGrad", f"ours = FairGrad(α={_alpha:g}) (both solve (GGᵀ)w = w^(−1/α); TorchJD by scipy's "
                    "least_squares from 1/T, ours by Newton)",
        _scaled("fairgrad", {"fairness": _alpha}, lambda T, a=_alpha: A.FairGrad(alpha=a), lambda T, w: 1.0),
        tol=1e-6 if _alpha > 0.5 else 5e-5, ratio_tol=1e-4 if _alpha > 0.5 else 5e-3, needs=("scipy",),
        wid="fairgrad")
REFS["modo"] = Ref("MoDoWeighting", "ours = T·(MoDoWeighting(γ=0.1, ρ=0.1) @ J) on J Jᵀ (single-batch Gramian), "
                                    "4 steps on a sequence of Jacobians (our weights T·λ)",
                   _stateful_pair("modo", {"lr": 0.1, "l2": 0.1}, lambda T: A.MoDoWeighting(gamma=0.1, rho=0.1)))
REFS["excess_mtl"] = Ref("ExcessMTL", "ours = T·ExcessMTL(η=0.5), warmup_steps = 1 on both (without warm-up TorchJD "
                                      "applies the first step's raw excess risks, we their ratio 1), 4 steps",
                         _stateful_pair("excess_mtl", {"robust_step": 0.5, "warmup_steps": 1},
                                        lambda T: A.ExcessMTL(robust_step_size=0.5, n_warmup_steps=1),
                                        factor=None),
                         ratio_tol=1e-5)
REFS["sdmgrad"] = Ref("SDMGradWeighting", "ours = T·(SDMGradWeighting(λ=0.3, 20 steps) @ J) with TorchJD's inner "
                                          "step set to ours, 1/L (its default, 10, is beyond 2/L), 4 steps",
                      _sdmgrad_pair)


def compare(wid: str) -> list[tuple[str, float, float]]:
    """(case, cosine, our norm / TorchJD's norm) for every Jacobian."""
    rows = []
    for label, J in CASES:
        o, r = REFS[wid].pair(J)
        rows.append((label, cosine(o, r), float(o.norm() / r.norm().clamp_min(1e-300))))
    return rows


@pytest.mark.parametrize("wid", list(REFS))
def test_matches_torchjd_on_identical_jacobians(wid):
    if (REFS[wid].wid or wid) not in WEIGHTINGS:
        pytest.skip(f"{wid} is not registered")
    for mod in REFS[wid].needs:
        pytest.importorskip(mod)
    ref = REFS[wid]
    for label, cos, ratio in compare(wid):
        assert cos >= 1 - ref.tol, (wid, label, cos)
        assert abs(ratio - 1) <= ref.ratio_tol, (wid, label, ratio)


def test_the_cases_are_what_they_claim():
    for label, J in CASES:
        C = (J @ J.T) / (J.norm(dim=1)[:, None] * J.norm(dim=1)[None])  # cosines
        if label.startswith("conflicting") or label.startswith("scaled"):
            assert C[0, 1] < -0.3, label
        if label.startswith("aligned"):
            assert (J > 0).all()
        if label.startswith("dependent"):
            assert torch.linalg.matrix_rank(J) < J.shape[0], label


# ------------------------------------------------------------------------------------------ the table
def table() -> str:
    from test_weighting_torchjd_off import mgda_rows, nash_rows

    lines = ["| ours | TorchJD 0.18 | convention | worst cosine | worst norm ratio | worst case |",
             "| --- | --- | --- | --- | --- | --- |"]
    for wid, ref in REFS.items():
        if (ref.wid or wid) not in WEIGHTINGS:
            continue
        rows = compare(wid)
        label, cos, _ = min(rows, key=lambda r: r[1])
        ratio = max((r[2] for r in rows), key=lambda x: abs(x - 1))
        lines.append(f"| {wid} | {ref.torchjd} | {ref.convention} | {cos:.10f} | {ratio:.8f} | {label} |")
    mg = mgda_rows()
    label, cos, _, _ = min(mg, key=lambda r: r[1])
    lines.append(f"| mgda | MGDA (defaults) | property instead: ours = T·min-norm point, never longer than T·MGDA; "
                 f"2 tasks equal | {cos:.6f} | {min(r[2] for r in mg):.6f} | {label} |")
    nash = nash_rows()
    label, cos, _, _ = min(nash, key=lambda r: r[1])
    lines.append(f"| nash_mtl | NashMTL | property instead (max_norm 0 on both): ours max|α(GGᵀα)−1| = "
                 f"{max(r[2] for r in nash):.1e}, TorchJD's up to {max(r[3] for r in nash):.3g} | {cos:.6f} | "
                 f"(not compared) | {label} |")
    sdm = []
    for label, J in CASES:  # TorchJD at its default inner step (10): recorded, not compared
        w = build_weighting("sdmgrad", tasks(J.shape[0]), [0], {"lam": 0.3, "n_iter": 20})
        sdm.append((label, cosine(ours("sdmgrad", J, weighting=w)[0], A.SDMGradWeighting()(J @ J.T) @ J)))
    label, cos = min(sdm, key=lambda r: r[1])
    lines.append(f"| sdmgrad | SDMGradWeighting (default inner step 10) | information (one step from equal weights) | "
                 f"{cos:.6f} | | {label} |")
    _, J = next(c for c in CASES if c[0] == "scaled x625 T=3")
    lines.append(f"| upgrad | UPGrad (default projector, ridge 1e-4) | information | "
                 f"{cosine(ours('upgrad', J)[0], A.UPGrad()(J)):.6f} | | scaled x625 T=3 |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
