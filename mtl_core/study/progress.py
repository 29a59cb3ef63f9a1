"""A sweep's progress line: runs done / total, time left (tqdm, over training steps), throughput per worker."""
from __future__ import annotations

import sys

from tqdm import tqdm

from .jobs import Job, JobResult


class Progress:
    def __init__(self, runs_total: int, runs_done: int, steps_total: int, steps_done: int, enabled: bool = True):
        self.runs_total, self.runs_done = runs_total, runs_done
        self.steps_finished = steps_done  # steps of finished batches, before and during this session
        self.bar = tqdm(total=steps_total, initial=steps_done, unit="step", file=sys.stderr, disable=not enabled,
                        dynamic_ncols=True)
        self.workers: dict[str, list] = {}  # worker -> [batches, runs, busy seconds]
        self._describe()

    def _describe(self) -> None:
        self.bar.set_description(f"runs {self.runs_done}/{self.runs_total}")

    def update(self, in_flight_steps: int = 0) -> None:
        """Redraw with the steps of finished batches plus those reached by batches in flight."""
        n = min(self.bar.total, self.steps_finished + in_flight_steps)
        if n > self.bar.n:
            self.bar.update(n - self.bar.n)

    def batch_done(self, job: Job, result: JobResult, in_flight_steps: int = 0) -> None:
        self.runs_done += job.n_runs
        self.steps_finished += job.steps
        w = self.workers.setdefault(result.worker, [0, 0, 0.0])
        w[0], w[1], w[2] = w[0] + 1, w[1] + job.n_runs, w[2] + result.seconds
        self._describe()
        if len(self.workers) > 1 or result.worker != "local":
            self.bar.set_postfix_str(", ".join(f"{name.split(' (')[0]}: {r / s:.3g} runs/s"
                                               for name, (_, r, s) in list(self.workers.items())[:4] if s > 0))
        self.update(in_flight_steps)

    def write(self, line: str) -> None:
        self.bar.write(line, file=sys.stderr)

    def close(self) -> None:
        self.bar.close()

    def worker_lines(self) -> list[str]:
        """Per worker: batches, runs, busy seconds and runs per busy second."""
        return [f"  {name}: {b} batches, {r} runs in {s:.1f} s busy, {r / s:.3g} runs/s"
                for name, (b, r, s) in sorted(self.workers.items()) if s > 0]
