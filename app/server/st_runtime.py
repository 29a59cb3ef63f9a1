"""Every use of Streamlit's private runtime in one place, checked against the installed Streamlit.

The app needs four things Streamlit has no public API for: this script run's session id and whether it
has been asked to stop or rerun (`streamlit.runtime.scriptrunner`), whether a session is still connected
and closing a disconnected one's stored copy (`streamlit.runtime.Runtime`, on the server's event loop),
and the route on which a declared v1 component's files are served (`component/<name>/<file>`, used by the
live chart to load plotly.js). At import `probe()` checks that each attribute used here exists and that
Streamlit's version is in the range this module was written for; `PROBLEMS` lists what is missing (empty
when all is there), `require()` raises `StreamlitInternalsChanged` naming this module and each missing
piece, and the server prints the problems once at start. Where something is missing the app keeps
working with less: a wait for a CPU slot is not cut short by a click, a closed tab's stored session
goes after Streamlit's own timeout, and every session counts as connected.
"""
from __future__ import annotations

import dataclasses
import sys
from typing import Callable

MODULE = __name__
WRITTEN_FOR = ("1.60", "2.0")  # Streamlit versions this module was written and tested for: [low, high)


class StreamlitInternalsChanged(RuntimeError):
    """The installed Streamlit lacks a private attribute this adapter reads."""


def _version_problem(version: str) -> str | None:
    from packaging.version import Version

    low, high = WRITTEN_FOR
    if not Version(low) <= Version(version) < Version(high):
        return f"Streamlit {version} is outside the range this module was written for (>= {low}, < {high})"
    return None


def probe() -> list[str]:
    """What this module needs and the installed Streamlit lacks, one sentence each (empty when all is there)."""
    problems: list[str] = []

    def need(owner: object, names: tuple[str, ...], where: str) -> None:
        for name in names:
            if not hasattr(owner, name):
                problems.append(f"{where}.{name} is missing")

    try:
        import streamlit
        from streamlit.runtime import Runtime
        from streamlit.runtime import runtime as runtime_module
        from streamlit.runtime import scriptrunner
        from streamlit.runtime.scriptrunner_utils import script_requests
        from streamlit.web.server.starlette import starlette_routes
    except ImportError as err:
        return [f"cannot import {err.name or err}: {err}"]
    version = _version_problem(streamlit.__version__)
    if version:
        problems.append(version)
    need(scriptrunner, ("get_script_run_ctx",), "streamlit.runtime.scriptrunner")
    need(script_requests, ("ScriptRequestType", "ScriptRequests", "RerunData"),
         "streamlit.runtime.scriptrunner_utils.script_requests")
    if hasattr(script_requests, "ScriptRequestType"):
        need(script_requests.ScriptRequestType, ("STOP", "RERUN"), "ScriptRequestType")
    if hasattr(script_requests, "ScriptRequests"):
        need(script_requests.ScriptRequests(), ("_state", "_rerun_data"), "ScriptRequests()")
    if hasattr(script_requests, "RerunData"):
        have = {f.name for f in dataclasses.fields(script_requests.RerunData)}
        problems += [f"RerunData.{n} is missing" for n in ("fragment_id_queue", "is_fragment_scoped_rerun")
                     if n not in have]
    need(Runtime, ("exists", "instance", "is_active_session", "close_session", "_get_async_objs"),
         "streamlit.runtime.Runtime")
    objs = getattr(runtime_module, "AsyncObjects", None)
    if objs is None or "eventloop" not in getattr(objs, "_fields", ()):
        problems.append("streamlit.runtime.runtime.AsyncObjects.eventloop is missing")
    if getattr(starlette_routes, "BASE_ROUTE_COMPONENT", None) != COMPONENT_ROUTE:
        problems.append(f"streamlit.web.server.starlette.starlette_routes.BASE_ROUTE_COMPONENT is not "
                        f"{COMPONENT_ROUTE!r} (the route of declared components' files)")
    return problems


COMPONENT_ROUTE = "component"
PROBLEMS: list[str] = probe()


def message(problems: list[str] | None = None) -> str:
    problems = PROBLEMS if problems is None else problems
    return (f"{MODULE}: the installed Streamlit lacks what this module needs: " + "; ".join(problems)
            + ". Update the module for this Streamlit, or install a version in the range it was written for.")


def require() -> None:
    """Raise `StreamlitInternalsChanged` naming this module and what is missing, if anything is."""
    if PROBLEMS:
        raise StreamlitInternalsChanged(message())


def warn_once(stream=sys.stderr) -> bool:
    """Print the problems once per process (the server calls this at start); False when there are none."""
    if not PROBLEMS or getattr(warn_once, "done", False):
        return False
    warn_once.done = True
    print("MTL Explorer: " + message(), file=stream, flush=True)
    return True


def _ok() -> bool:
    return not PROBLEMS


# ---- what the server asks ---------------------------------------------------------------------------------
def _ctx():
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return get_script_run_ctx(suppress_warning=True)


def session_id() -> str | None:
    """This script run's Streamlit session id (None outside a Streamlit script run)."""
    if not _ok():
        return None
    try:
        ctx = _ctx()
    except Exception:  # noqa: BLE001 - no Streamlit: nothing to attach to
        return None
    return ctx.session_id if ctx is not None else None


def preempted() -> bool:
    """Whether this script run has been asked to stop or to rerun (a click, the tab closing), other than a
    rerun of fragments only (a job panel's own tick)."""
    if not _ok():
        return False
    from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

    try:
        ctx = _ctx()
        requests = ctx.script_requests if ctx is not None else None
        if requests is None:
            return False
        state = requests._state  # noqa: SLF001 - checked by probe()
        if state == ScriptRequestType.STOP:
            return True
        if state == ScriptRequestType.RERUN:
            data = requests._rerun_data  # noqa: SLF001 - checked by probe()
            return not (data.fragment_id_queue and not data.is_fragment_scoped_rerun)
    except Exception:  # noqa: BLE001 - a script run ending meanwhile
        return False
    return False


def is_active_session(session: str) -> bool:
    """Whether a session is still connected; True outside a server (AppTest, a script), where nothing ever
    disconnects, and True when the runtime cannot be asked."""
    if not _ok():
        return True
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return True
    return Runtime.instance().is_active_session(session)


def close_stored_session(session: str) -> None:
    """Drop Streamlit's stored copy of a disconnected session (kept for a reconnect, 2 minutes by default):
    its widget state and unsent messages go now. Runs on the runtime's event loop, as Streamlit requires."""
    if not _ok():
        return
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return
    runtime = Runtime.instance()
    loop = runtime._get_async_objs().eventloop  # noqa: SLF001 - checked by probe(); no public handle

    def close() -> None:
        if not runtime.is_active_session(session):
            runtime.close_session(session)
    loop.call_soon_threadsafe(close)


def component_file_url(component: Callable, filename: str) -> str:
    """The path, relative to the app's base URL, at which the server serves `filename` from the folder of
    a component declared with `st.components.v1.declare_component(name, path=folder)`."""
    return f"{COMPONENT_ROUTE}/{component.name}/{filename}"
