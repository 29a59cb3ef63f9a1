"""The shared job runner without streamlit: bounded pulls, pause, stop keeps what finished, failures."""
import time

import pytest

from app.ui.jobs import Job, Progress, grid_job, run_job
from mtl_core.config import from_flat

TINY = {"data.n_train": 300, "data.n_val": 100, "data.n_test": 100, "train.epochs": 1}


class Boom(RuntimeError):
    pass


def counting(n, delay=0.0, fail_at=None, exc=Boom):
    for i in range(n):
        if i == fail_at:
            raise exc(f"event {i} failed")
        time.sleep(delay)
        yield i


def job_of(events, n, **kw):
    return Job(events, runs_total=n, progress=lambda i: Progress(i + 1, n, (i + 1) / n),
               rows=lambda i: [{"run": i}], **kw)


def test_pull_is_bounded_and_results_accumulate():
    job = job_of(counting(50, delay=0.01), 50)
    assert job.running and job.runs_done == 0 and job.eta_s is None
    assert not job.pull(budget_s=0.05)
    assert 1 <= job.runs_done < 50 and len(job.rows) == job.runs_done == len(job.events)
    assert job.elapsed_s > 0 and job.eta_s is not None and job.eta_s > 0
    while not job.pull(budget_s=1.0):
        pass
    assert job.status == "finished" and job.runs_done == 50 and job.eta_s is None
    assert not job.pull()  # an ended job does nothing


def test_pause_resume_and_pause_when():
    job = job_of(counting(10), 10)
    job.pull(budget_s=0.0)
    n = job.runs_done
    job.pause()
    assert job.status == "paused" and not job.pull() and job.runs_done == n
    elapsed = job.elapsed_s
    time.sleep(0.02)
    assert job.elapsed_s == pytest.approx(elapsed)  # paused time does not count
    job.resume()
    job.pause_when(lambda i: i == 6)
    job.pull(budget_s=5)
    assert job.status == "paused" and job.last == 6


def test_stop_keeps_what_finished_and_fires_on_end():
    ended = []
    job = job_of(counting(100, delay=0.001), 100)
    job.on_end = ended.append
    job.pull(budget_s=0.01)
    done = job.runs_done
    job.stop()
    assert job.status == "stopped" and job.runs_done == done and len(job.rows) == done
    assert ended == [job]
    job.stop()
    assert ended == [job]  # once


def test_errors_and_divergence_end_the_job_with_a_message():
    job = job_of(counting(5, fail_at=2), 5)
    assert job.pull(budget_s=5) and job.status == "error" and "event 2 failed" in job.message
    assert len(job.rows) == 2
    job = job_of(counting(5, fail_at=1, exc=FloatingPointError), 5, diverged=(FloatingPointError,))
    assert job.pull(budget_s=5) and job.status == "diverged"


def test_a_playground_run_is_a_job_of_one_run():
    job = run_job(from_flat(TINY), snapshot_interval_s=0.0)
    assert job.runs_total == 1
    while not job.pull(budget_s=5):
        pass
    assert job.status == "finished" and job.runs_done == 1 and job.events[-1].done
    assert job.progress.fraction == pytest.approx(1.0)


def test_a_study_is_one_batched_grid_job():
    job = grid_job(from_flat(TINY), {"data.rho": [0.5, 1.0]}, [0, 1, 2])
    assert job.runs_total == 6
    while not job.pull(budget_s=5):
        pass
    assert job.status == "finished" and job.runs_done == 6
    assert len(job.rows) == 6 * 2  # one row per run and task
    assert {r["data.rho"] for r in job.rows} == {"0.5", "1.0"} and {r["seed"] for r in job.rows} == {0, 1, 2}
    assert job.events == []  # a grid keeps only its last event


def test_a_click_echo_is_dropped_but_a_second_click_and_other_buttons_are_not():
    from app.ui.clicks import ECHO_S, once_per_click

    now = [100.0]
    calls, state = [], {}
    pause = once_per_click("pause", lambda: calls.append("pause"), clock=lambda: now[0], state=state)
    step = once_per_click("step", lambda n: calls.append(f"step{n}"), clock=lambda: now[0], state=state)
    pause()
    now[0] += 0.08  # Streamlit's echo of the same click
    pause()
    step(1)  # another button at the same moment is its own click
    now[0] += ECHO_S + 0.01
    pause()  # a person clicking again
    assert calls == ["pause", "step1", "pause"]


def test_a_pause_during_a_pull_in_another_thread_waits_for_it_and_nothing_moves_after():
    import threading

    job = job_of(counting(1000, delay=0.01), 1000)
    puller = threading.Thread(target=job.pull, args=(0.5,))
    puller.start()
    time.sleep(0.1)  # the pull is under way
    job.pause()
    seen_at_pause = job.last
    puller.join()
    assert job.status == "paused"
    assert job.last is seen_at_pause  # what the page draws after Pause is where the run stopped
    assert not job.pull(0.1) and job.last is seen_at_pause
