"""`list`: datasets, architectures and weightings (with --params, every hyper-parameter), or the presets."""
from __future__ import annotations

import sys

from ..config import TRAIN_PARAMS
from ..data import DATASETS
from ..models import ARCHITECTURES
from ..presets import PRESETS
from ..weighting import WEIGHTINGS


def list_presets() -> int:
    """Every preset with the time it would take on this machine now (`mtl_core.timing`: short probes of each
    distinct batch, a few seconds in all), trained as `sweep --preset` trains it on the default workers."""
    import os

    from .. import timing
    from .flags import default_workers

    workers = default_workers()
    print(f"presets (time estimated on this machine now, {workers} worker(s), load average "
          f"{os.getloadavg()[0]:.1f}):")
    probes = 0.0
    for p in PRESETS.values():
        kind = f"study, {p.n_runs} runs" if p.is_study else "one run"
        try:
            est = timing.estimate_preset(p, workers=workers)
            when, probes = est.text(), probes + est.probe_s
        except Exception as err:  # noqa: BLE001 - e.g. data that is not here; the list goes on
            when = "?"
            print(f"  ({p.id}: no estimate: {str(err).splitlines()[0][:120]})", file=sys.stderr)
        print(f"  {p.id:<26} {p.section:<12} {kind:<18} {when:>12}  {p.title['en']}")
    print(f"(measuring took {probes:.1f} s)")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("list", help="list datasets, architectures, weightings, or presets")
    p.add_argument("--params", action="store_true", help="also list every hyper-parameter with default and range")
    p.add_argument("--presets", action="store_true", help="list the named presets instead")


def run(a) -> int:
    if a.presets:
        return list_presets()

    def block(title, registry, extra=lambda i: ""):
        print(f"{title}:")
        for i in registry.values():
            print(f"  {i.id:<14} {i.name}{extra(i)}")
            if a.params:
                for p in i.params:
                    cond = f"  (only when {p.condition()})" if p.when else ""
                    print(f"      {p.name:<20} default {p.format(p.default):<10} {p.allowed()}  — {p.help}{cond}")
        print()
    block("datasets", DATASETS)
    block("architectures", ARCHITECTURES, lambda i: f"  [{i.paper}, {i.year}]" if i.year else "")
    block("weightings", WEIGHTINGS, lambda i: (f"  [{i.paper}, {i.year}]" if i.year else "")
          + ("  (gradient-based)" if i.gradient_based else ""))
    if a.params:
        print("training:")
        for p in TRAIN_PARAMS:
            print(f"      {p.name:<20} default {p.format(p.default):<10} {p.allowed()}  — {p.help}")
    return 0
