"""Load test: N headless Chromium sessions train at once on one Streamlit server (loopback only).

    python benchmarks/load.py --sessions 8                 # classroom mode, 8 students
    python benchmarks/load.py --sessions 16 --out runs/load16.json
    python benchmarks/load.py --sessions 16 --open         # without classroom mode (no queue, no caps)
    python benchmarks/load.py --per-session-memory         # RSS of one default and one largest allowed run

Each session opens the Playground with its own configuration in the URL (seed i, ρ, and a unique epoch
count so its progress text names it) and presses Train. Over a measuring window it reads every page's
progress (steps done) and reports per-session throughput (samples/s, wall clock), fairness (slowest ÷
fastest among the sessions that trained), how many waited in the queue, and the server's RSS before
(warm), during (peak) and after the tabs close (30 s later). It checks that each page shows only its own
configuration and run (no cross-talk), that no page shows an exception, that a session over the caps
gets the cap message (classroom mode), that the server answers a fresh visitor while loaded, and that
memory returns within `--bound-mb` of the warm level within `--settle-s` of the last tab closing.
`--hostile` adds one visitor per section who tries a link over the caps (`load_hostile.py`). Exit status 1
when a check fails. The browsers run at nice 10: in a classroom they are the students' machines.

Needs Debian's /usr/bin/chromium and the playwright package (never `playwright install`).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]


def _sibling(name: str):
    """A module of this folder (scripts, not a package), loaded by path so nothing patches sys.path."""
    import importlib.util

    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # before running it: its own `from load_server import ...` finds it
        spec.loader.exec_module(module)
    return sys.modules[name]


Sampler, Server = _sibling("load_server").Sampler, _sibling("load_server").Server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STEP_RE = re.compile(r"epoch ([\d.]+) / (\d+) · step ([\d,]+) / ([\d,]+)")
BATCH = 128  # the default batch size (the sessions train the default model and data)


# ---- one student ------------------------------------------------------------------------------------------------
class Student:
    def __init__(self, i: int, browser, base: str, epochs: int, extra: dict | None = None):
        self.i, self.epochs = i, epochs
        self.rho = round((i % 11) / 10, 1)
        self.query = {"train.seed": str(100 + i), "data.rho": f"{self.rho:g}", "train.epochs": str(epochs),
                      **(extra or {})}
        self.ctx = browser.new_context(viewport={"width": 1400, "height": 1600})
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(120_000)
        self.url = f"{base}/?{urlencode(self.query)}"
        self.readings: list[tuple[float, int]] = []
        self.queued_seen = False
        self.t_train: float | None = None

    def open(self) -> None:
        self.page.goto(self.url)

    def train_button(self):
        return self.page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Train", exact=True)

    def wait_ready(self) -> None:
        from playwright.sync_api import expect

        expect(self.train_button()).to_be_enabled(timeout=90_000)

    def train(self) -> None:
        self.train_button().click()
        self.t_train = time.time()

    def progress_text(self) -> str:
        bars = self.page.get_by_test_id("stProgress")
        return bars.first.inner_text(timeout=5_000) if bars.count() else ""

    def read(self) -> int | None:
        """Steps done now (None before the first snapshot); remembers the reading and the queue notice."""
        try:
            text = self.progress_text()
            notices = self.page.get_by_test_id("stAlertContentInfo").filter(has_text="Waiting for a training slot")
            if notices.count():
                self.queued_seen = True
        except Exception:  # noqa: BLE001 - a page mid-rerun: no reading this time
            return None
        m = STEP_RE.search(text)
        if not m:
            return None
        step = int(m.group(3).replace(",", ""))
        self.readings.append((time.time(), step))
        return step

    def crosstalk(self) -> list[str]:
        """What on this page belongs to another session (its URL, its seed, its run's epoch count)."""
        problems = []
        url = self.page.url
        for key, value in self.query.items():
            if f"{key}={value}" not in url:
                problems.append(f"session {self.i}: the URL lost {key}={value}: {url[:200]}")
        text = self.progress_text()
        m = STEP_RE.search(text)
        if m and int(m.group(2)) != self.epochs:
            problems.append(f"session {self.i}: its progress shows {m.group(2)} epochs, not {self.epochs}")
        seed = self.page.get_by_test_id("stSidebar").get_by_label("seed", exact=False)
        try:
            if seed.count() and seed.first.input_value(timeout=5_000) != self.query["train.seed"]:
                problems.append(f"session {self.i}: its seed box shows {seed.first.input_value()}")
        except Exception:  # noqa: BLE001 - not a number box: skip this check
            pass
        return problems

    def exceptions(self) -> int:
        return self.page.get_by_test_id("stException").count()

    def close(self) -> None:
        self.ctx.close()


# ---- the run ----------------------------------------------------------------------------------------------------
def run(n: int, *, classroom: bool = True, window_s: float = 40.0, lead_s: float = 8.0, settle_s: float = 30.0,
        bound_mb: float = 80.0, epochs: int = 100, env: dict | None = None, shots: Path | None = None,
        log: Path | None = None, check_caps: bool = True, quiet: bool = False, warmup: bool = True,
        lead_in_s: float | None = None, stop_when_settled: bool = False, hostile: bool = False,
        peak_bound_mb: float | None = None) -> dict:
    """One load run; returns the report (report["ok"], report["failures"]). Without `warmup` the warm level
    is the RSS with every page open but nothing trained yet (quicker: the short form run by the tests);
    `stop_when_settled` stops watching memory as soon as it is back within the bound. `hostile`: one visitor
    per section tries a link over the caps after the throughput window, while the students train
    (`load_hostile`); in classroom mode each must be refused (an open server's generous caps let some through:
    reported); the peak must stay within `peak_bound_mb` of the warm level when given."""
    from playwright.sync_api import sync_playwright

    def say(*a):
        if not quiet:
            print(*a, flush=True)

    env = {"MTL_SESSION_GRACE_S": "3", "MALLOC_ARENA_MAX": "2", **(env or {})}  # as the Dockerfile runs it
    server = Server(classroom, env, log)
    sampler = Sampler(server)
    sampler.start()
    report: dict = {"sessions": n, "classroom": classroom, "window_s": window_s, "env": env, "cores": os.cpu_count(),
                    "checks": {}}
    failures: list[str] = []
    try:
        os.nice(10)  # the browsers stand in for the students' own machines: the server comes first
    except OSError:
        pass
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            if warmup:  # the first visitor imports torch and trains a little; then the warm level
                warm = Student(999, browser, server.url, 1, {"data.n_train": "500"})
                warm.open()
                warm.wait_ready()
                warm.train()
                time.sleep(4)
                warm.close()
                time.sleep(float(env["MTL_SESSION_GRACE_S"]) + 4)
                report["rss_warm_mb"] = round(server.rss(), 1)
                say(f"warm: {report['rss_warm_mb']} MB")

            students = [Student(i, browser, server.url, epochs + i) for i in range(n)]
            t_open = time.time()
            for s in students:
                s.open()
            for s in students:
                s.wait_ready()
            report["open_all_s"] = round(time.time() - t_open, 1)
            if not warmup:
                report["rss_warm_mb"] = round(server.rss(), 1)
            say(f"{n} pages ready in {report['open_all_s']} s")
            t_start = time.time()
            for s in students:
                s.train()
            # read everyone's progress while they train
            time.sleep(lead_s if lead_in_s is None else lead_in_s)
            t_a, cpu_a = time.time(), server.cpu_s()
            first = {s.i: s.read() for s in students}
            responsive = []
            fresh_s = None
            rounds = 0
            while time.time() - t_a < window_s or rounds < 3:  # on a starved machine a round can outlast the window
                rounds += 1
                responsive.append(server.health_latency_s())
                for s in students:
                    s.read()
                if fresh_s is None and (time.time() - t_a > window_s / 3 or rounds == 2):  # a new visitor meanwhile
                    t0 = time.time()
                    newcomer = Student(500, browser, server.url, 5,
                                       {"data.n_train": "1000000"} if classroom and check_caps else {})
                    try:
                        newcomer.open()
                        if classroom and check_caps:
                            newcomer.page.get_by_text("Over this classroom server's limits").wait_for(timeout=120_000)
                        else:
                            newcomer.wait_ready()
                        fresh_s = time.time() - t0
                        if classroom and check_caps:
                            if not newcomer.train_button().is_disabled():
                                failures.append("a session over the caps could press Train")
                            if shots:
                                newcomer.page.screenshot(path=str(shots / "classroom-caps.png"))
                    except Exception as err:  # noqa: BLE001 - reported, the run goes on
                        fresh_s = float("inf")
                        failures.append(f"a new visitor's page did not load in time: {type(err).__name__}")
                    newcomer.close()
                time.sleep(1.0)
            t_b = time.time()
            report["server_cores_used"] = round((server.cpu_s() - cpu_a) / (t_b - t_a), 2)  # of os.cpu_count()
            report["window_measured_s"], report["reading_rounds"] = round(t_b - t_a, 1), rounds
            last = {s.i: s.read() for s in students}
            if shots:
                queued = [s for s in students if s.queued_seen]
                (queued[0] if queued else students[-1]).page.screenshot(path=str(shots / "classroom-queue.png"))
            per = []
            for s in students:
                # least-squares slope of steps over time: a page shows new steps only when it redraws,
                # so the slope over every reading is steadier than the first and the last alone
                pts = [(t, st) for t, st in s.readings if t_a - 1 <= t <= t_b + 1]
                rate = 0.0
                if len(pts) >= 2 and pts[-1][1] > pts[0][1]:
                    mt = sum(t for t, _ in pts) / len(pts)
                    ms = sum(v for _, v in pts) / len(pts)
                    var = sum((t - mt) ** 2 for t, _ in pts)
                    rate = max(0.0, sum((t - mt) * (v - ms) for t, v in pts) / var * BATCH) if var > 0 else 0.0
                per.append({"session": s.i, "samples_per_s": round(rate, 1), "steps_start": first[s.i],
                            "steps_end": last[s.i], "queued_seen": s.queued_seen})
            report["per_session"] = per
            trained = [r["samples_per_s"] for r in per if r["samples_per_s"] > 0]
            report["sessions_training"] = len(trained)
            report["sessions_queued"] = sum(1 for r in per if r["queued_seen"])
            report["throughput_total"] = round(sum(trained), 1)
            report["throughput_mean"] = round(sum(trained) / len(trained), 1) if trained else 0.0
            report["throughput_min"] = round(min(trained), 1) if trained else 0.0
            report["throughput_max"] = round(max(trained), 1) if trained else 0.0
            report["fairness"] = round(min(trained) / max(trained), 3) if trained else 0.0  # rates in the window
            done = [r["steps_end"] for r in per if r["samples_per_s"] > 0 and r["steps_end"]]
            # how far each run got since Train (what a student sees): steadier than rates read off redraws
            report["fairness_progress"] = round(min(done) / max(done), 3) if done else 0.0
            report["steps_done_min_max"] = [min(done), max(done)] if done else None
            report["health_latency_max_s"] = round(max(responsive), 3) if responsive else None
            report["fresh_visitor_s"] = round(fresh_s, 1) if fresh_s and fresh_s != float("inf") else None
            if hostile:  # after the throughput window, while the students still train
                visit_all = _sibling("load_hostile").visit_all

                report["hostile"] = visit_all(browser, server.url)
                failures += [f"hostile visitor on {h['section']} was not refused: {h}" for h in report["hostile"]
                             if (classroom and not h["refused"]) or h["exception"] or "error" in h]
            crosstalk = [problem for s in students for problem in s.crosstalk()]
            exceptions = sum(s.exceptions() for s in students)
            report["checks"]["crosstalk"] = crosstalk
            report["checks"]["exceptions"] = exceptions
            failures += crosstalk
            if exceptions:
                failures.append(f"{exceptions} exception(s) shown in the pages")
            report["rss_peak_mb"] = round(sampler.peak(since=t_start), 1)
            if peak_bound_mb is not None and report["rss_peak_mb"] > report["rss_warm_mb"] + peak_bound_mb:
                failures.append(f"peak {report['rss_peak_mb']} MB above warm {report['rss_warm_mb']} + {peak_bound_mb:g} MB")
            t_close = time.time()
            for s in students:
                s.close()
            browser.close()
        # memory after the last tab closed
        back_at = None
        while time.time() - t_close < settle_s:
            if back_at is None and server.rss() <= report["rss_warm_mb"] + bound_mb:
                back_at = time.time() - t_close
                if stop_when_settled:
                    break
            time.sleep(0.5)
        report["rss_curve_after_close"] = [(round(t - t_close, 1), round(m, 1)) for t, m in sampler.samples
                                           if t >= t_close - 1][::4]
        report["rss_after_close_mb"] = round(server.rss(), 1)
        report["settle_s"] = settle_s
        report["back_within_bound_after_s"] = round(back_at, 1) if back_at is not None else None
        report["bound_mb"] = bound_mb
        if report["rss_after_close_mb"] > report["rss_warm_mb"] + bound_mb:
            failures.append(f"memory {report['rss_after_close_mb']} MB {settle_s:g} s after the tabs closed, "
                            f"warm {report['rss_warm_mb']} MB + bound {bound_mb:g} MB")
        if not server.healthy():
            failures.append("the server is not healthy at the end")
    finally:
        sampler.stop()
        server.stop()
    report["failures"] = failures
    report["ok"] = not failures
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--open", action="store_true", help="without classroom mode (no caps, no queue)")
    ap.add_argument("--window-s", type=float, default=40.0, help="how long throughput is measured")
    ap.add_argument("--settle-s", type=float, default=30.0, help="how long after closing memory is watched")
    ap.add_argument("--bound-mb", type=float, default=80.0, help="allowed RSS above warm after closing")
    ap.add_argument("--epochs", type=int, default=100, help="epochs of each session's run (+ its index)")
    ap.add_argument("--env", action="append", default=[], help="KEY=VALUE for the server, e.g. MTL_MAX_JOBS=4")
    ap.add_argument("--out", type=Path, help="write the report as JSON here")
    ap.add_argument("--screenshots", type=Path, help="save the queue and caps pages here (PNG)")
    ap.add_argument("--per-session-memory", action="store_true", help="measure one run's memory in-process")
    ap.add_argument("--hostile", action="store_true", help="one visitor per section tries to exceed the caps")
    ap.add_argument("--peak-bound-mb", type=float, help="allowed peak RSS above warm while training")
    a = ap.parse_args(argv)
    if a.per_session_memory:
        largest_study_memory, per_session_memory = (_sibling("load_memory").largest_study_memory,
                                                    _sibling("load_memory").per_session_memory)

        report = {"runs": per_session_memory(), "largest_study": largest_study_memory()}
        print(json.dumps(report, indent=2))
        return 0
    if a.screenshots:
        a.screenshots.mkdir(parents=True, exist_ok=True)
    env = dict(kv.split("=", 1) for kv in a.env)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    report = run(a.sessions, classroom=not a.open, window_s=a.window_s, settle_s=a.settle_s, bound_mb=a.bound_mb,
                 epochs=a.epochs, env=env, shots=a.screenshots, log=ROOT / "test-artifacts" / "load-server.log",
                 hostile=a.hostile, peak_bound_mb=a.peak_bound_mb)
    text = json.dumps(report, indent=2)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(text)
    print(text)
    print(f"\n{a.sessions} sessions ({'classroom' if not a.open else 'open'}): {report.get('sessions_training')} trained, "
          f"{report.get('sessions_queued')} waited in the queue; per session {report.get('throughput_min')}–"
          f"{report.get('throughput_max')} samples/s (mean {report.get('throughput_mean')}), fairness "
          f"{report.get('fairness')} (rates) / {report.get('fairness_progress')} (progress); RSS warm {report.get('rss_warm_mb')} MB, peak {report.get('rss_peak_mb')} MB, "
          f"{a.settle_s:g} s after close {report.get('rss_after_close_mb')} MB; "
          f"{'OK' if report['ok'] else 'FAILED: ' + '; '.join(report['failures'])}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
