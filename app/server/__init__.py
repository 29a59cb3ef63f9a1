"""The server side of the app: many browser sessions on one process, bounded memory, fair CPU.

One Streamlit server = one Python process, every tab a thread. By idea:

* `limits` — the settings (`Limits`, each from its environment variable) and the admission gate's caps
  (`over_caps`, `study_over_caps`, `refusal`; costs from `mtl_core.admission`): classroom mode's caps, or
  an open server's generous ones (`OPEN_LIMITS`).
* `scheduler` — `SCHEDULER`: CPU slots taken in turn, and classroom mode's queue of jobs.
* `sessions` — `REGISTRY` of what each session holds, and the janitor thread that frees a closed tab's
  jobs and state within `session_grace_s` (every mode).
* `stats` — counters of pulls and redraws (`count`), logged with MTL_SERVER_LOG=1.
* `st_runtime` — every use of Streamlit's private runtime, checked against the installed version.

Classroom mode: `streamlit run app/main.py -- --classroom` or `MTL_CLASSROOM=1`.
"""
from __future__ import annotations

from . import st_runtime
from .limits import (DATA_SIZE_PARAMS, EVAL_ROWS, Limits, _cores, classroom_mode, cost_over_caps, data_mb,  # noqa: F401
                     data_rows, open_limits, over_caps, refusal, study_over_caps)
from .scheduler import Scheduler, Turn  # noqa: F401
from .sessions import Registry, janitor_pass, start_janitor  # noqa: F401
from .stats import STATS, count  # noqa: F401

LIMITS = Limits.from_env()
OPEN_LIMITS = open_limits()
CLASSROOM = classroom_mode()
SCHEDULER = Scheduler(LIMITS.cpu_slots, LIMITS.max_jobs if CLASSROOM else None, LIMITS.lease_s)
REGISTRY = Registry()
session_id = st_runtime.session_id
preempted = st_runtime.preempted


def active_limits() -> Limits:
    """The caps in force: classroom mode's, or an open server's."""
    return LIMITS if CLASSROOM else OPEN_LIMITS
