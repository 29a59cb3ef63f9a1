"""glibc's allocator knobs for the processes that train: `mallopt` and `malloc_trim`, each a no-op that
returns False where there is no glibc (macOS, Windows, musl)."""
from __future__ import annotations

import ctypes

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8  # malloc.h


def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def mallopt(option: int, value: int) -> bool:
    libc = _libc()
    try:
        return libc is not None and bool(libc.mallopt(option, int(value)))
    except AttributeError:  # a libc without mallopt
        return False


def set_thresholds(mmap_bytes: int, trim_bytes: int) -> bool:
    """Serve allocations under `mmap_bytes` from the heap and trim the heap's top only past `trim_bytes` (a
    fixed setting also stops glibc's own threshold adjustments). True when both took effect."""
    return mallopt(M_MMAP_THRESHOLD, mmap_bytes) and mallopt(M_TRIM_THRESHOLD, trim_bytes)


def malloc_trim() -> bool:
    """Return the freed heap pages of every arena to the OS."""
    libc = _libc()
    try:
        return libc is not None and bool(libc.malloc_trim(0))
    except AttributeError:
        return False
