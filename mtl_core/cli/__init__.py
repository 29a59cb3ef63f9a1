"""Command line: `python -m mtl_core {list,train,sweep,funnel,data} --help`.

    python -m mtl_core list [--params] [--presets]
    python -m mtl_core train --data synthetic --rho 0.5 --arch mmoe --weighting gradnorm --epochs 30 --out runs/a
    python -m mtl_core sweep --archs shared_bottom,omoe,mmoe --rhos 0.5,0.9,1.0 --seeds 20 --out runs/sweep
    python -m mtl_core sweep --preset correlation_sweep_small --seeds 100-119 --out runs/fresh
    python -m mtl_core sweep --preset balance_loss_scale --weightings ew,uw,gradnorm --baselines \\
        --set data.label_scale_b=100 --threads 1 --out runs/scale
The balancing lab's scenario knobs are data settings of the synthetic dataset, set with --set:
data.label_scale_b (task2's labels ×k: a loss-scale imbalance), data.m_b and data.noise_b (task2's own
non-linearity and noise: tasks of different difficulty), data.rho (task relatedness; negative for conflict).
Bad flags, values or files print one line naming the flag and what is allowed, and exit with code 2; a run
that diverges prints one line saying where and what to try, and exits with code 1.

One module per command (`add_parser`, `run`); `flags` holds what they share.
"""
from __future__ import annotations

import sys

from ..params import ConfigError, short_repr
from . import data, funnel, list as list_, sweep, train
from .flags import Parser, UsageError, build_flat, flag_for

COMMANDS = {"list": list_, "train": train, "sweep": sweep, "data": data, "funnel": funnel}


def parser() -> Parser:
    top = Parser(prog="python -m mtl_core", description="MTL Explorer command line.")
    sub = top.add_subparsers(dest="cmd", required=True, parser_class=Parser)
    for module in COMMANDS.values():
        module.add_parser(sub)
    return top


def main(argv=None) -> int:
    """Run one command; the exit code (0 done, 1 training diverged or a download failed, 2 bad input)."""
    import torch

    from ..train import DivergenceError

    threads = torch.get_num_threads()  # commands may set it; a caller in the same process gets it back
    a = None
    try:
        a = parser().parse_args(argv)
        return COMMANDS[a.cmd].run(a)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ConfigError as err:
        flag = flag_for(err.field, getattr(a, "flag_of", None))
        print(f"error: {flag}: {short_repr(err.value)} is not allowed; expected {err.allowed}", file=sys.stderr)
        return 2
    except DivergenceError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except ValueError as err:  # e.g. a device that is not available
        print(f"error: {err}", file=sys.stderr)
        return 2
    finally:
        torch.set_num_threads(threads)


__all__ = ["main", "parser", "build_flat", "COMMANDS"]
