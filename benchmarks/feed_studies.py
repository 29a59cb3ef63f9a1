"""The feed-world studies of lesson 10, on seeds the regimes were not chosen on (`mtl_core.experiments.feed`).

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python benchmarks/feed_studies.py collapse --seeds 300-319 --out assets/experiments
    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python benchmarks/feed_studies.py regimes --seeds 100-109 --out assets/experiments
    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python benchmarks/feed_studies.py sparse --seeds 200-209 --out assets/experiments

`collapse` trains MMoE and HoME in `COLLAPSE_REGIME` (chosen on seeds 100-109) and compares their expert health
and every task's test quality; `regimes` re-runs the search it was chosen in (`COLLAPSE_SEARCH`, the table
feed_collapse_regimes.csv); `sparse` trains Shared-Bottom, MMoE, PLE, AdaTT and HoME against single-task
models in `FEED_BASE` and prints every rare task's gain (and, for the seesaw, every task's gain of each
architecture). `figure` draws the lesson's seesaw chart (assets/lessons/feed_seesaw_adatt.svg) from --out's
feed_seesaw_verdicts.csv. Each study writes its per-run rows (`feed_<study>.csv`) and the verdict tables
(`feed_<study>_verdicts.csv`) under --out. Verdicts use the one statistics rule (`mtl_core.stats.paired`).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from mtl_core.data.feed import TASKS
from mtl_core.experiments.feed import (COLLAPSE_ARCHS, COLLAPSE_REGIME, COLLAPSE_SEARCH, FEED_BASE, SPARSE_ARCHS,
                                       collapse_table, compare, gain_table, per_seed, run_archs, sparse_table)
from mtl_core.seeds import parse_seeds


def _say(msg: str) -> None:
    print(msg, flush=True)


def collapse(seeds, out: Path) -> None:
    df = run_archs(COLLAPSE_REGIME, COLLAPSE_ARCHS, seeds, progress=lambda a: _say(f"training {a} ..."))
    df.to_csv(out / "feed_collapse.csv", index=False)
    table = collapse_table(df, tasks=TASKS)  # expert health, then every task's test AUC (watch: test loss)
    table.to_csv(out / "feed_collapse_verdicts.csv", index=False)
    _say(table[["metric", "mmoe", "home", "verdict"]].to_string(index=False))


def regimes(seeds, out: Path) -> None:
    """Every regime of the collapse search (`COLLAPSE_SEARCH`), MMoE and HoME on the same draws: one row per
    regime and architecture (means over seeds), with HoME's verdict on the dead-unit share."""
    rows = []
    for name, flat in COLLAPSE_SEARCH.items():
        _say(f"regime {name} ...")
        df = run_archs(flat, COLLAPSE_ARCHS, seeds)
        dead = compare(df, "home", "mmoe", "experts_dead_share", False)
        auc = df[df.kind == "binary"].groupby(["arch", "seed"]).test_auc.mean()  # mean over the binary tasks
        loss = df.groupby(["arch", "seed"]).test_loss.mean()  # mean over all tasks
        for arch in COLLAPSE_ARCHS:
            rows.append({"regime": name, "arch": arch, "seeds": f"{min(seeds)}-{max(seeds)}", "n": len(seeds),
                         **{m: per_seed(df, arch, m).mean() for m in ("experts_dead_share", "experts_unused",
                                                                      "gate_entropy_ratio")},
                         "mean_test_auc": auc[arch].mean(), "mean_test_loss": loss[arch].mean(),
                         "home_dead_share_verdict": "home " + dead.text(pct=False)})
    table = pd.DataFrame(rows)
    table.to_csv(out / "feed_collapse_regimes.csv", index=False)
    _say(table.to_string(index=False))


def sparse(seeds, out: Path) -> None:
    df = run_archs(FEED_BASE, SPARSE_ARCHS, seeds, progress=lambda a: _say(f"training {a} ..."))
    df.to_csv(out / "feed_sparse.csv", index=False)
    table = sparse_table(df)
    table.to_csv(out / "feed_sparse_verdicts.csv", index=False)
    _say(table[["arch", "task", "single_task_mean", "gain", "low", "high", "agree", "n", "word"]]
         .to_string(index=False))
    seesaw = pd.concat([gain_table(df, a) for a in SPARSE_ARCHS if a != "single_task"], ignore_index=True)
    seesaw.to_csv(out / "feed_seesaw_verdicts.csv", index=False)
    _say(seesaw[["arch", "task", "metric", "gain", "low", "high", "agree", "n", "word"]].to_string(index=False))


WORD_FILL = {"better": "#009E73", "worse": "#D55E00", "unclear": "#9AA0A6"}


def gain_svg(table: pd.DataFrame, width: int = 720, height: int = 330, lang: str = "en") -> str:
    """The per-task gain bars with their 95 % intervals as a small SVG, labels that read the same in both
    languages (task names, numbers, AUC / loss), for the lesson (`::: figure`)."""
    left, right, top, bottom = 70, 20, 30, 70
    lo = min(0.0, float(table["low"].min())) * 1.15
    hi = max(0.0, float(table["high"].max())) * 1.15
    def y(v):
        return top + (hi - v) / (hi - lo) * (height - top - bottom)
    slot = (width - left - right) / len(table)
    font = ("font-family='Noto Sans CJK SC, Noto Sans, DejaVu Sans, sans-serif'" if lang == "zh"
            else "font-family='Noto Sans, DejaVu Sans, sans-serif'")
    words = {"en": ("MTL − single", "loss ↓"), "zh": ("多任务 − 单任务", "损失 ↓")}[lang]
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}'>",
             "<rect width='100%' height='100%' fill='white'/>"]
    step = 0.02 if hi - lo < 0.2 else 0.05
    tick = step * np.ceil(lo / step)
    while tick <= hi + 1e-12:
        parts.append(f"<line x1='{left}' x2='{width - right}' y1='{y(tick):.1f}' y2='{y(tick):.1f}' "
                     f"stroke='{'#444' if abs(tick) < 1e-12 else '#e6eaf1'}' stroke-width='{1.5 if abs(tick) < 1e-12 else 1}'/>")
        parts.append(f"<text x='{left - 8}' y='{y(tick) + 4:.1f}' text-anchor='end' font-size='12' {font} "
                     f"fill='#555a66'>{'0' if abs(tick) < 1e-12 else f'{tick:+.2f}'}</text>")
        tick += step
    parts.append(f"<text x='16' y='{(top + height - bottom) / 2:.0f}' font-size='13' {font} fill='#1f2328' "
                 f"transform='rotate(-90 16 {(top + height - bottom) / 2:.0f})' text-anchor='middle'>{words[0]}</text>")
    for i, row in enumerate(table.itertuples()):
        cx = left + slot * (i + 0.5)
        w = slot * 0.6
        y0, y1 = sorted((y(0.0), y(row.gain)))
        parts.append(f"<rect x='{cx - w / 2:.1f}' y='{y0:.1f}' width='{w:.1f}' height='{max(y1 - y0, 1):.1f}' "
                     f"fill='{WORD_FILL.get(row.word, '#9AA0A6')}'/>")
        parts.append(f"<line x1='{cx:.1f}' x2='{cx:.1f}' y1='{y(row.low):.1f}' y2='{y(row.high):.1f}' stroke='#333' "
                     f"stroke-width='1.5'/>")
        for v in (row.low, row.high):
            parts.append(f"<line x1='{cx - 6:.1f}' x2='{cx + 6:.1f}' y1='{y(v):.1f}' y2='{y(v):.1f}' stroke='#333' "
                         f"stroke-width='1.5'/>")
        metric = "AUC" if row.metric == "test_auc" else words[1]
        parts.append(f"<text x='{cx:.1f}' y='{height - bottom + 22}' text-anchor='middle' font-size='14' {font} "
                     f"fill='#1f2328'>{row.task}</text>")
        parts.append(f"<text x='{cx:.1f}' y='{height - bottom + 40}' text-anchor='middle' font-size='12' {font} "
                     f"fill='{WORD_FILL.get(row.word, '#9AA0A6')}'>{row.gain:+.3f} ({metric})</text>")
    parts.append("</svg>")
    return "\n".join(parts)


def figure(out: Path, arch: str = "adatt") -> None:
    """assets/lessons/feed_seesaw_<arch>.svg from <out>/feed_seesaw_verdicts.csv."""
    table = pd.read_csv(out / "feed_seesaw_verdicts.csv")
    for lang, suffix in (("en", ""), ("zh", ".zh")):  # the lesson page picks the drawing of its language
        path = Path(__file__).resolve().parents[1] / "assets" / "lessons" / f"feed_seesaw_{arch}{suffix}.svg"
        path.write_text(gain_svg(table[table["arch"] == arch], lang=lang))
        _say(f"wrote {path}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("study", choices=("collapse", "regimes", "sparse", "figure"))
    ap.add_argument("--seeds", default="200-209", help="seeds, e.g. 300-319 (the regimes were chosen on 100-109)")
    ap.add_argument("--out", default="runs/feed", help="folder for the csv files")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if args.study == "figure":
        figure(out)
        return 0
    {"collapse": collapse, "regimes": regimes, "sparse": sparse}[args.study](parse_seeds(args.seeds), out)
    _say(f"{args.study}: {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
