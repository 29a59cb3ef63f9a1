"""One action per click.

Streamlit 1.67 sometimes runs a button's `on_click` twice for one click, about 0.1 s apart: when the
click's full rerun meets the timer rerun of a live fragment (`app.ui.jobs.job_panel`), the button's
trigger is dispatched again with the coalesced rerun. For an idempotent action that is harmless; for a
toggle (Pause/Resume) it undoes the click, and Step trains two epochs."""
from __future__ import annotations

import time
from typing import Any, Callable

import streamlit as st

# An echo arrives within ~0.1 s; a person clicking the same button twice takes longer than this.
ECHO_S = 0.3


def once_per_click(key: str, action: Callable[..., Any], *, echo_s: float = ECHO_S,
                   clock: Callable[[], float] = time.monotonic, state: dict | None = None) -> Callable[..., None]:
    """`action` as a button callback that ignores a second call for the same `key` within `echo_s`
    (kept in the browser session's state, so two tabs never block each other)."""
    def callback(*args: Any, **kwargs: Any) -> None:
        store = st.session_state if state is None else state
        slot = f"_last_click-{key}"
        now = clock()
        last = store.get(slot)
        if last is not None and now - last < echo_s:
            return
        store[slot] = now
        action(*args, **kwargs)
    return callback
