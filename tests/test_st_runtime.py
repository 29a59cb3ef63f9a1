"""Streamlit's private runtime behind one adapter (app/server/st_runtime.py): the installed Streamlit has
everything it reads, and when it does not, the message names the module and what is missing."""
import io

import pytest

from app.server import st_runtime


def test_the_installed_streamlit_has_everything_the_adapter_reads():
    assert st_runtime.PROBLEMS == [], st_runtime.message()
    st_runtime.require()


def test_a_missing_private_attribute_trips_the_guard_and_the_message_names_the_module(monkeypatch):
    from streamlit.runtime import Runtime

    monkeypatch.delattr(Runtime, "_get_async_objs")
    problems = st_runtime.probe()
    assert problems == ["streamlit.runtime.Runtime._get_async_objs is missing"]
    monkeypatch.setattr(st_runtime, "PROBLEMS", problems)
    with pytest.raises(st_runtime.StreamlitInternalsChanged) as err:
        st_runtime.require()
    assert "app.server.st_runtime" in str(err.value) and "_get_async_objs" in str(err.value)
    print(err.value)  # the message a maintainer sees (pytest -s)
    out = io.StringIO()
    monkeypatch.setattr(st_runtime.warn_once, "done", False, raising=False)
    assert st_runtime.warn_once(out) and "app.server.st_runtime" in out.getvalue()
    # the app keeps working with less: no session asks Streamlit anything
    assert st_runtime.session_id() is None and st_runtime.preempted() is False
    assert st_runtime.is_active_session("any") is True


def test_a_changed_script_request_state_is_found(monkeypatch):
    from streamlit.runtime.scriptrunner_utils import script_requests

    original = script_requests.ScriptRequests.__init__

    def without_rerun_data(self):
        original(self)
        del self._rerun_data
    monkeypatch.setattr(script_requests.ScriptRequests, "__init__", without_rerun_data)
    assert "ScriptRequests()._rerun_data is missing" in st_runtime.probe()


def test_a_streamlit_outside_the_written_for_range_is_flagged(monkeypatch):
    import streamlit

    monkeypatch.setattr(streamlit, "__version__", "2.3.0")
    assert any("outside the range" in p and "2.3.0" in p for p in st_runtime.probe())


def test_no_other_module_of_the_app_reads_streamlit_internals():
    """Everything under streamlit.runtime / streamlit.web goes through the adapter."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "app"
    pattern = re.compile(r"streamlit\.(runtime|web)\b|\._state\b|_rerun_data|_get_async_objs")
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.name != "st_runtime.py" and pattern.search(p.read_text())]
    assert offenders == []
