"""The server process's memory: keeping the garbage collector's full passes short, handing freed heap back
to the OS when a tab goes, and glibc's arenas and thresholds for training in many script threads
(`app.server`'s janitor calls these)."""
from __future__ import annotations

import gc
import os
import sys

from mtl_core.engine.malloc import M_ARENA_MAX, malloc_trim, mallopt, set_thresholds

_frozen_at = [-1]  # len(sys.modules) at the last freeze_heap


def freeze_heap(force: bool = False) -> bool:
    """Collect garbage, then move every object alive into the collector's permanent generation, which later
    collections skip. Streamlit runs a full collection after every script run (`runner.postScriptGC`), a job
    panel's fragment runs included: with torch, plotly and pandas loaded that walks hundreds of thousands of
    objects, a large part of a live redraw's cycle; after a freeze it walks only objects created since.
    The janitor calls this once a second; it freezes again only when modules were imported since (a page
    opened for the first time), or when `force`d. `trim_memory` unfreezes before it collects, so what was
    frozen and became garbage since (a closed tab's cyclic structures) is collected too. Returns whether it
    froze."""
    n = len(sys.modules)
    if not force and n == _frozen_at[0]:
        return False
    gc.collect()
    gc.freeze()
    _frozen_at[0] = n
    return True


def trim_memory() -> None:
    """Collect garbage (the frozen objects included, see `freeze_heap`) and return freed heap pages to the OS
    (glibc; elsewhere nothing to hand back explicitly), so the process's RSS falls."""
    gc.unfreeze()
    freeze_heap(force=True)
    malloc_trim()


def limit_malloc_arenas(n: int) -> bool:
    """glibc's mallopt(M_ARENA_MAX, n) (the same as MALLOC_ARENA_MAX=n at start); False when not glibc."""
    return n > 0 and mallopt(M_ARENA_MAX, n)


# Training runs in the server's script threads, and their per-step temporaries (a few hundred KB to a few MB)
# sat at glibc's mmap and trim thresholds: freed, they went back to the OS and the next step page-faulted
# them in again, so a run in the server trained slower than the same run from the CLI. With these thresholds
# freed memory stays in the heap until the janitor's `malloc_trim` (a closed
# tab) or up to TRIM_MB at the heap's top. (Long CLI studies set far higher ones: `mtl_core.train.tune_allocator`.)
MMAP_MB, TRIM_MB = 32, 256


def steady_allocator() -> bool:
    """Serve allocations under MMAP_MB from the heap and trim its top only past TRIM_MB. MTL_MALLOC_TUNE=0
    opts out; False when not glibc or opted out."""
    if os.environ.get("MTL_MALLOC_TUNE") == "0":
        return False
    return set_thresholds(MMAP_MB << 20, TRIM_MB << 20)


def rss_mb() -> float:
    """This process's resident memory in MB (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0
