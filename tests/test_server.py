"""The classroom server (app/server.py, app/ui/jobs.py): caps with messages that name the setting, the
CPU scheduler's fairness and queue, the janitor freeing disconnected sessions, bounded snapshots, and
warnings that echo only a short prefix of a hostile link's values and keys (every section)."""
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import memory, server
from app.i18n import en
from app.server import Limits, Registry, Scheduler, classroom_mode, data_mb, over_caps, refusal, study_over_caps
from app.ui.jobs import Job, Progress, pull_fairly, run_job
from mtl_core.config import from_flat

ROOT = Path(__file__).resolve().parents[1]
MAIN = str(ROOT / "app" / "main.py")
LIM = Limits()


def job_of(events, runs=1, **kw) -> Job:
    return Job(iter(events), runs_total=runs, progress=lambda e: Progress(0, runs, 0.0), **kw)


# ---- settings ------------------------------------------------------------------------------------------
def test_classroom_mode_from_the_command_line_or_the_environment():
    assert classroom_mode(["app/main.py", "--classroom"], {})
    assert classroom_mode(["app/main.py"], {"MTL_CLASSROOM": "1"})
    assert not classroom_mode(["app/main.py"], {"MTL_CLASSROOM": "0"})


def test_limits_read_their_environment_variables_and_default_per_core():
    lim = Limits.from_env({"MTL_MAX_DATA_MB": "10", "MTL_MAX_JOBS": "3", "MTL_MAX_STUDIES": "2", "MTL_CPU_SLOTS": ""})
    assert (lim.max_data_mb, lim.max_jobs, lim.max_studies) == (10.0, 3, 2)
    assert lim.cpu_slots >= 1 and Limits.from_env({}).max_jobs == 4 * Limits.from_env({}).cpu_slots
    assert Limits.env_name("max_sample_passes") == "MTL_MAX_SAMPLE_PASSES"


# ---- caps ----------------------------------------------------------------------------------------------
def test_defaults_and_shipped_playground_presets_are_within_the_caps():
    from mtl_core.presets import PRESETS

    assert over_caps(from_flat({}), LIM, n_params=13_000) == []
    for data in ("synthetic", "funnel", "census"):
        assert over_caps(from_flat({"data": data}), LIM) == [], data
    for p in PRESETS.values():
        if p.section == "playground" and not p.is_study:
            assert over_caps(p.experiment(), LIM) == [], p.id


@pytest.mark.parametrize("flat, setting, env", [
    ({"data.n_train": 1_000_000}, "data.n_train", "MTL_MAX_DATA_MB"),
    ({"data.d": 1000, "data.n_val": 200_000}, "data.d", "MTL_MAX_DATA_MB"),
    ({"data.n_train": 30_000, "train.epochs": 100}, "train.epochs", "MTL_MAX_SAMPLE_PASSES"),
    ({"train.snapshots_per_epoch": 1000}, "train.snapshots_per_epoch", "MTL_MAX_SNAPSHOTS_PER_EPOCH"),
])
def test_a_setting_over_a_cap_gets_a_sentence_naming_it_the_cap_and_its_variable(flat, setting, env):
    msgs = over_caps(from_flat(flat), LIM)
    assert len(msgs) >= 1
    assert any(setting in m and env in m for m in msgs), msgs


def test_the_issue_examples_are_refused():
    assert over_caps(from_flat({"data.n_train": 100_000, "train.epochs": 50}), LIM)  # 4 of these took 1 GB
    assert over_caps(from_flat({"model": "mmoe"}), LIM, n_params=5_000_000)
    assert data_mb("synthetic", {"n_train": 1_000_000, "n_val": 200_000, "n_test": 2000, "d": 1000,
                                 "n_tasks": 2}) > 4000  # what the URL allowed per session before


def test_study_caps_runs_batch_data_and_work():
    cfg = from_flat({})
    assert study_over_caps(cfg, 50, 10, LIM) == []  # the Playground's default study: 10 seeds x 5 values
    assert any("MTL_MAX_STUDY_RUNS" in m for m in study_over_caps(cfg, 1000, 10, LIM))
    assert any("MTL_MAX_STUDY_DATA_MB" in m for m in study_over_caps(cfg, 200, 200, LIM))


def test_refusal_of_huge_studies_and_of_a_second_concurrent_study():
    reg = Registry()
    run = job_of([1, 2, 3])
    first = job_of([1, 2, 3], runs=30)
    assert refusal(first, "s1", limits=LIM, classroom=False, registry=reg) is None  # not classroom: never
    assert refusal(run, "s1", limits=LIM, classroom=True, registry=reg) is None  # a single run: not a study
    reg.add_job("s1", run, "playground-live_views")
    assert refusal(first, "s1", limits=LIM, classroom=True, registry=reg) is None
    reg.add_job("s1", first, "exp-job")
    second = job_of([1], runs=10)
    msg = refusal(second, "s1", limits=LIM, classroom=True, registry=reg)
    assert msg and "MTL_MAX_STUDIES" in msg and en.STRINGS["nav.experiments"] in msg
    assert refusal(second, "s2", limits=LIM, classroom=True, registry=reg) is None  # another session
    big = job_of([1], runs=1800)
    assert "MTL_MAX_STUDY_RUNS" in refusal(big, "s3", limits=LIM, classroom=True, registry=reg)
    first.stop()
    assert refusal(second, "s1", limits=LIM, classroom=True, registry=reg) is None
    second.refuse("no")
    assert second.status == "error" and second.message == "no"


# ---- scheduler -----------------------------------------------------------------------------------------------
def test_queue_positions_are_first_come_first_served_and_leases_expire():
    now = [0.0]
    s = Scheduler(slots=1, max_jobs=2, lease_s=5.0, clock=lambda: now[0])
    assert [s.position(k) for k in "abcde"] == [0, 0, 1, 2, 3]  # c is first in line: "0 runs ahead"
    s.forget("a")
    assert s.position("c") == 0 and s.position("d") == 1 and s.position("e") == 2
    now[0] = 4.0
    for k in "ce":
        s.position(k)
    now[0] = 8.5  # b and d were not seen for > 5 s: their places go
    assert s.position("e") == 0 and s.stats()["training"] == 2 and s.stats()["queued"] == 0


def test_a_queued_job_is_told_how_many_are_ahead_and_does_not_get_a_slot():
    s = Scheduler(slots=2, max_jobs=1)
    held = s.turn("a")
    assert held.granted
    t = s.turn("b", wait_s=0.05)
    assert not t.granted and t.queued and t.ahead == 0
    t = s.turn("c", wait_s=0.05)
    assert t.queued and t.ahead == 1
    held.release()


def test_slots_are_shared_round_robin_so_no_job_starves():
    s = Scheduler(slots=2)
    served = {k: 0 for k in range(8)}
    stop = time.monotonic() + 1.5

    def worker(k):
        while time.monotonic() < stop:
            turn = s.turn(k, wait_s=5.0)
            if turn.granted:
                served[k] += 1
                time.sleep(0.005)  # "training"
                turn.release()
    threads = [threading.Thread(target=worker, args=(k,)) for k in served]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    counts = sorted(served.values())
    assert counts[0] > 10 and counts[0] / counts[-1] > 0.7, served  # FIFO tickets: everyone in turn


def test_a_wait_for_a_slot_gives_up_when_interrupted():
    s = Scheduler(slots=1)
    held = s.turn("a")
    t0 = time.monotonic()
    t = s.turn("b", wait_s=10.0, interrupted=lambda: time.monotonic() - t0 > 0.2)
    assert not t.granted and time.monotonic() - t0 < 2.0
    held.release()


def test_pull_fairly_pulls_a_job_in_a_slot():
    job = job_of(range(5))
    assert pull_fairly(job, budget_s=1.0, wait_s=1.0) and job.status == "finished"


# ---- memory --------------------------------------------------------------------------------------------------
def test_snapshots_are_thinned_evenly_and_the_latest_is_always_kept():
    job = job_of(range(10_000), max_events=100)
    job.pull(60)
    assert job.status == "finished" and len(job.events) <= 100
    assert job.events[0] == 0 and job.events[-1] == 9999
    gaps = {b - a for a, b in zip(job.events[:-2], job.events[1:-1])}
    assert len(gaps) == 1  # evenly spaced
    short = job_of(range(50), max_events=100)
    short.pull(60)
    assert short.events == list(range(50))


def test_a_long_run_keeps_a_bounded_number_of_snapshots():
    cfg = from_flat({"data.n_train": 400, "data.n_val": 100, "data.n_test": 100, "data.d": 4, "train.epochs": 300,
                     "train.batch_size": 400, "train.snapshots_per_epoch": 2})
    job = run_job(cfg)
    job.max_events = 50
    while job.active:
        job.pull(5)
    assert job.status == "finished" and len(job.events) <= 50 and job.events[-1].done


def test_the_janitor_frees_a_disconnected_session_after_its_grace_period():
    reg = Registry()
    closed = []

    def events():
        try:
            while True:
                yield 1
        finally:
            closed.append(True)
    job = job_of(events())
    job.pull(0.01)
    state = {"session": "a big model", "mem": {}}
    reg.add_state("gone", "playground", state)
    reg.add_job("gone", job, "playground-live_views")
    reg.add_state("here", "playground", {"x": 1})
    active = {"here"}
    assert reg.sweep(active.__contains__, grace_s=5.0, now=100.0) == 0  # just left: a reconnect may come
    assert state and job.running
    assert reg.sweep(active.__contains__, grace_s=5.0, now=106.0) == 1
    assert state == {} and job.status == "stopped" and closed == [True]
    assert reg.sessions() == ["here"]


def test_a_reconnect_within_the_grace_period_keeps_the_session():
    reg = Registry()
    state = {"x": 1}
    reg.add_state("s", "playground", state)
    active: set[str] = set()
    reg.sweep(active.__contains__, grace_s=5.0, now=0.0)
    active.add("s")
    reg.sweep(active.__contains__, grace_s=5.0, now=3.0)
    active.clear()
    assert reg.sweep(active.__contains__, grace_s=5.0, now=7.0) == 0 and state == {"x": 1}  # the clock restarted



def test_the_collector_skips_what_was_frozen_until_trim_memory_collects_it(monkeypatch):
    """Streamlit collects garbage after every script run; `freeze_heap` keeps those passes short (they skip
    the objects alive at the freeze) and `trim_memory` (a tab freed) still collects what was frozen and died."""
    import gc
    import sys
    import weakref

    class Node:
        pass

    try:
        node = Node()
        node.me = node  # a cycle: only the collector frees it
        ref = weakref.ref(node)
        assert memory.freeze_heap(force=True) and gc.get_freeze_count() > 0
        assert not memory.freeze_heap()  # nothing imported since: no new freeze (a freeze collects first)
        monkeypatch.setitem(sys.modules, "t4_imported_since", Node())
        assert memory.freeze_heap()  # a page imported modules: freeze them too
        del node
        gc.collect()
        assert ref() is not None  # frozen: an ordinary collection does not walk it
        memory.trim_memory()
        assert ref() is None
        assert gc.get_freeze_count() > 0  # trimmed, and frozen again
    finally:
        gc.unfreeze()

# ---- the page: caps shown, long values echoed short ------------------------------------------------------------
@pytest.fixture
def classroom(monkeypatch):
    monkeypatch.setattr(server, "CLASSROOM", True)
    yield


def app(**query) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def test_a_link_over_the_caps_shows_which_setting_and_disables_train(classroom):
    at = app(**{"data.n_train": "200000", "train.epochs": "50"})
    assert not at.exception
    errors = "\n".join(e.value for e in at.error)
    assert en.STRINGS["server.cap.title"] in errors and "MTL_MAX_DATA_MB" in errors and "data.n_train" in errors
    assert "MTL_MAX_SAMPLE_PASSES" in errors and "train.epochs" in errors
    assert at.button(key="playground.btn_train").disabled
    assert any("Classroom server" in c.value for c in at.sidebar.caption)


def test_defaults_train_in_classroom_mode(classroom):
    at = app()
    assert not at.exception and not at.error
    assert not at.button(key="playground.btn_train").disabled


def test_outside_classroom_mode_nothing_is_capped():
    at = app(**{"data.n_train": "200000", "train.epochs": "50"})
    assert not at.exception and not at.error and not at.button(key="playground.btn_train").disabled


@pytest.mark.parametrize("query", [
    {"data.rho": "x" * 5000},
    {"q" * 5000: "1"},
    {"lang": "x" * 5000},
    {"page": "p" * 5000},
    {"page": "experiments", "exp.seeds": "9" * 5000, "exp." + "k" * 5000: "1"},
    {"page": "balance", "bal.scenario": "z" * 5000},
    {"page": "funnel", "funnel.seeds": "8" * 5000},
    {"page": "lessons", "lesson": "l" * 5000},
])
def test_warnings_echo_only_a_short_prefix_of_a_5000_character_value(query):
    at = app(**query)
    assert not at.exception
    shown = "\n".join(str(w.value) for w in at.warning) + "\n".join(str(e.value) for e in at.error)
    assert shown, "the bad value is named in a warning"
    for text in list(query.values()) + list(query.keys()):
        if len(text) > 100:
            assert text[:100] not in shown
    assert all(len(str(w.value)) < 1500 for w in at.warning)


def test_the_allocator_is_steadied_unless_opted_out(monkeypatch):
    import platform

    monkeypatch.setenv("MTL_MALLOC_TUNE", "0")
    assert memory.steady_allocator() is False
    monkeypatch.delenv("MTL_MALLOC_TUNE")
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert memory.steady_allocator() is True


def test_the_data_estimate_counts_the_epochs_shuffled_copy_of_small_training_sets():
    from mtl_core.train import EPOCH_GATHER_BYTES

    small = {"n_train": 10_000, "n_val": 0, "n_test": 0, "d": 100, "n_tasks": 2}
    one_copy = data_mb("synthetic", small)  # the rows, and their shuffled copy: twice the rows' size
    assert one_copy == pytest.approx(2 * 10_000 * (4 * 100 + 8 * 2) / 2**20)
    runs = EPOCH_GATHER_BYTES // (10_000 * (4 * 100 + 8 * 2)) + 1  # too many runs for a copy
    assert data_mb("synthetic", small, runs=runs) == pytest.approx(runs * one_copy / 2)
