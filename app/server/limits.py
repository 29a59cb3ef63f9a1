"""The server's settings and the admission gate's caps, with messages in the page's language.

`Limits` holds every server setting; each is read from its environment variable (MTL_ + the field in
capitals). Its caps (max_*) are the classroom's; an open server (no classroom mode) still applies a
generous default (`open_limits`, from `mtl_core.admission.OPEN_CAPS`, each overridable by MTL_OPEN_ + the
field), so one link cannot take the server's memory. The costs come from `mtl_core.admission` (estimated
before anything is allocated); `over_caps` checks one run, `study_over_caps` a study, `refusal` a job a
page just started (the last line of defence: a study too large, a second concurrent study, or a job whose
estimated cost is over the caps). Every message names the setting, its value, the cap and the variable.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields, replace
from typing import Any, Callable, Iterable

from mtl_core import admission
from mtl_core.admission import data_mb, data_rows  # noqa: F401 - re-exported: app.server.data_mb

TRUE = ("1", "true", "yes", "on")
EVAL_ROWS, DATA_SIZE_PARAMS = admission.EVAL_ROWS, admission.DATA_SIZE_PARAMS


def classroom_mode(argv: Iterable[str] | None = None, env: dict | None = None) -> bool:
    """`--classroom` after `--` on the streamlit command line, or MTL_CLASSROOM=1."""
    env = os.environ if env is None else env
    argv = sys.argv if argv is None else list(argv)
    return "--classroom" in argv or str(env.get("MTL_CLASSROOM", "")).strip().lower() in TRUE


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Limits:
    """Server settings. Field -> environment variable: `prefix` + the field name in capitals
    (max_data_mb -> MTL_MAX_DATA_MB). The caps (max_*) are the classroom's (`open_limits`: an open server's)."""

    max_data_mb: float = 48.0  # a run's data in memory (estimate: rows x features x bytes)
    max_sample_passes: int = 2_000_000  # training samples x epochs of one run
    max_snapshots_per_epoch: int = 20  # evaluations per epoch (each one scores the validation split)
    max_params: int = 1_000_000  # model parameters
    max_study_runs: int = 200  # runs in one study (any page)
    max_study_data_mb: float = 64.0  # data of the runs a study trains at once (one batch)
    max_study_sample_passes: int = 40_000_000  # runs x training samples x epochs of a study
    max_memory_mb: float = 192.0  # a job's data, models with optimiser state and snapshots (one batch)
    max_list_len: int = 8  # values of a list parameter (layers of a network)
    max_studies: int = 1  # studies training at once per session (a tab); single runs do not count
    max_jobs: int = 0  # jobs training at once on the server, beyond: a queue (0: 4 per core)
    cpu_slots: int = 0  # time slices taken at once (0: one per core)
    session_grace_s: float = 8.0  # a disconnected session's state is freed this long after it left
    idle_stop_s: float = 600.0  # a job nobody pulled for this long is stopped (frees its model and data)
    lease_s: float = 30.0  # an admitted or queued job not seen for this long loses its place (a page's redraw
    #                        under heavy load can take several seconds: the lease must outlast one tick)
    max_slice_s: float = 1.2  # longest pull per turn when more jobs than slots train (fewer redraws per sample)
    malloc_arenas: int = 2  # glibc malloc arenas for the threads started from now on (0: glibc's default, 8 per
    #                         core): every tab's script runs in its own thread, and with an arena each the freed
    #                         memory of closed tabs stays fragmented in the process instead of going back
    prefix: str = "MTL_"  # of the environment variables named in messages

    @classmethod
    def from_env(cls, env: dict | None = None, base: "Limits | None" = None, prefix: str = "MTL_") -> "Limits":
        env = os.environ if env is None else env
        base = cls() if base is None else base
        kw: dict[str, Any] = {"prefix": prefix}
        for f in fields(cls):
            raw = env.get(prefix + f.name.upper())
            if f.name == "prefix" or raw is None or not str(raw).strip():
                continue
            default = getattr(base, f.name)
            try:
                kw[f.name] = type(default)(float(raw)) if isinstance(default, int) else float(raw)
            except ValueError:
                print(f"MTL Explorer: ignoring {prefix}{f.name.upper()}={raw!r} (not a number)", file=sys.stderr)
        lim = replace(base, **kw)
        cores = _cores()
        return replace(lim, max_jobs=lim.max_jobs or 4 * cores, cpu_slots=lim.cpu_slots or cores)

    @staticmethod
    def env_name(field: str) -> str:
        return "MTL_" + field.upper()

    def env(self, field: str) -> str:
        return self.prefix + field.upper()


def open_limits(env: dict | None = None) -> Limits:
    """An open server's caps: `mtl_core.admission.OPEN_CAPS` (no cap where it has none), each overridable by
    MTL_OPEN_ + the field; its other settings those of `Limits.from_env`."""
    unlimited = {f.name: 10**15 for f in fields(admission.Caps)}
    caps = {k: v for k, v in admission.OPEN_CAPS.__dict__.items() if v is not None}
    base = replace(Limits.from_env(env), **{**unlimited, **caps})
    return Limits.from_env(env, base=base, prefix="MTL_OPEN_")


# ---- the caps, worded in the page's language ------------------------------------------------------------------
def _msg(tr: Callable[..., str] | None, key: str, **kw) -> str:
    if tr is None:
        from ..i18n import EN as tr  # noqa: N813 - the English translator
    return tr(key, **kw)


def _n(x: float) -> str:
    return f"{x:,.0f}"


def _sentence(v: admission.Violation, cost: admission.Cost, limits: Limits, tr, section: str) -> str:
    env = limits.env(v.cap)
    settings = admission.size_settings(cost.data_id, section)
    cap = _n(v.limit)
    if v.cap == "max_data_mb":
        return _msg(tr, "server.cap.data", mb=_n(v.value), cap=cap, env=env, settings=settings)
    if v.cap == "max_sample_passes":
        return _msg(tr, "server.cap.passes", n=_n(cost.train_rows), epochs=cost.epochs, passes=_n(v.value), cap=cap,
                    env=env)
    if v.cap == "max_snapshots_per_epoch":
        return _msg(tr, "server.cap.snapshots", n=int(v.value), cap=int(v.limit), env=env)
    if v.cap == "max_params":
        return _msg(tr, "server.cap.params", n=_n(v.value), cap=cap, env=env)
    if v.cap == "max_list_len":
        return _msg(tr, "server.cap.list", setting=cost.list_param, n=int(v.value), cap=int(v.limit), env=env)
    if v.cap == "max_study_runs":
        return _msg(tr, "server.cap.study_runs", n=_n(v.value), cap=cap, env=env)
    if v.cap == "max_study_data_mb":
        return _msg(tr, "server.cap.study_data", mb=_n(v.value), seeds=cost.batch, cap=cap, env=env, settings=settings)
    if v.cap == "max_study_sample_passes":
        return _msg(tr, "server.cap.study_passes", passes=_n(v.value), cap=cap, env=env)
    return _msg(tr, "server.cap.memory", mb=_n(v.value), cap=cap, env=env, settings=settings)


RUN_CAPS = ("max_data_mb", "max_sample_passes", "max_snapshots_per_epoch", "max_params", "max_list_len",
            "max_memory_mb")


def cost_over_caps(cost: admission.Cost, limits: Limits, tr=None, only: tuple[str, ...] | None = None,
                   section: str = "data") -> list[str]:
    """One sentence per cap of `limits` that `cost` exceeds (`only`: just these caps)."""
    found = admission.violations(cost, admission.Caps.of(limits))
    return [_sentence(v, cost, limits, tr, section) for v in found if only is None or v.cap in only]


def over_caps(cfg, limits: Limits, n_params: int | None = None, tr=None, section: str = "data") -> list[str]:
    """Why one run of `cfg` is over the caps: one sentence per cap (empty when within)."""
    return cost_over_caps(admission.estimate(cfg, 1, 1, params=n_params), limits, tr, RUN_CAPS, section)


def study_over_caps(cfg, n_runs: int, batch: int, limits: Limits, tr=None, section: str = "data") -> list[str]:
    """Why a study (n_runs runs of `cfg`, `batch` of them trained at once) is over the caps: the study's
    caps and those of each of its runs. `section`: the prefix of the data settings named ("funnel")."""
    return cost_over_caps(admission.estimate(cfg, n_runs, batch), limits, tr, None, section)


def _where(key: str, tr) -> str:
    """A job panel's key ("exp-job", "playground-study") -> the title of the section that owns it: the one
    whose id is the key's head, else the one whose URL keys the head prefixes ("exp" -> exp.*)."""
    from ..sections import BY_ID, owner_of

    head = key.split("-")[0]
    section = BY_ID.get(head) or owner_of(head + ".")
    return _msg(tr, section.title_key) if section is not None else key


def refusal(job, session: str, key: str = "", limits: Limits | None = None, classroom: bool | None = None,
            registry=None, tr=None) -> str | None:
    """Why a job a session just started may not train on this server, or None. In every mode: a job whose
    estimated cost (`job.cost`, an `admission.Cost`, when its maker set one) is over the caps (classroom
    mode's, else an open server's). In classroom mode also: a study with more runs than `max_study_runs`,
    or one more study than `max_studies` at once."""
    from .. import server

    classroom = server.CLASSROOM if classroom is None else classroom
    limits = (server.LIMITS if classroom else server.OPEN_LIMITS) if limits is None else limits
    cost = getattr(job, "cost", None)
    if cost is not None:
        over = cost_over_caps(cost, limits, tr)
        if over:
            return " ".join(over)
    if not classroom or job.runs_total <= 1:
        return None
    if job.runs_total > limits.max_study_runs:
        return _msg(tr, "server.cap.study_runs", n=f"{job.runs_total:,}", cap=f"{limits.max_study_runs:,}",
                    env=limits.env("max_study_runs"))
    registry = server.REGISTRY if registry is None else registry
    others = [j for j in registry.jobs(session) if j is not job and j.active and j.runs_total > 1]
    if len(others) >= limits.max_studies:
        return _msg(tr, "server.cap.studies", cap=limits.max_studies, env=limits.env("max_studies"),
                    where=", ".join(sorted({_where(registry.where(j), tr) for j in others})))
    return None
