"""The Ray backend: every job (one planned batch) is a Ray task with its resources, on any node of a cluster.

    RayBackend()                          # a local Ray instance with this machine's CPUs (a laptop)
    RayBackend("auto") / ("HOST:6379")    # a cluster started with `ray start --head` / `ray start --address=`

Ray (https://docs.ray.io) is an optional extra (`pip install -e .[ray]`), imported only here and only when
this backend is chosen. A task asks for `cpus_per_batch` CPUs (its torch threads) and, for `--device cuda`,
`gpus_per_batch` GPUs: a fraction lets several batches share one GPU. Results come back as rows through
`ray.wait`, so the driver writes each batch the moment it ends, whichever node trained it.

What a worker needs: the same mtl_core as the driver (checked: a task refuses to train with a different
source fingerprint, saying so). Synthetic data is generated from its seeds on the worker. The Census cache
is read from the worker's own data folder when it is there; otherwise the driver's copy (~4 MB), put once
into Ray's object store, is written there before the first Census batch of that node.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
from pathlib import Path

from .jobs import Job, JobResult, train_job
from .store import OutError

INSTALL = "pip install -e .[ray]"


class BackendError(OutError):
    """The backend cannot start (Ray missing, no cluster at the address, no GPU); one line saying what to do."""


def import_ray():
    try:
        import ray
    except ImportError:
        raise BackendError(f"--backend ray needs Ray, an optional extra: install it with `{INSTALL}`") from None
    return ray


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of mtl_core's source files: driver and workers must run the same code to give the same rows."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _ensure_census(box: list) -> None:
    from ..data import census

    if census.is_available() or not box:
        return
    import ray

    path = census.cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(ray.get(box[0]))
    os.replace(tmp, path)  # several workers of one node may race here: each writes the same bytes whole


def run_on_worker(job: Job, fingerprint: str, threads: int, census_box: list) -> JobResult:
    """The Ray task: train one job on whichever worker Ray picked."""
    import ray
    import torch

    ctx = ray.get_runtime_context()
    where = f"node {ctx.get_node_id()[:8]} ({ray.util.get_node_ip_address()}) pid {os.getpid()}"
    if code_fingerprint() != fingerprint:
        raise RuntimeError(f"{where} runs another version of mtl_core (source {code_fingerprint()}, driver "
                           f"{fingerprint}): install the driver's version on every node")
    torch.set_num_threads(threads)
    if job.batch.cfg.data.id == "census":
        _ensure_census(census_box)
    return train_job(job, where)


def _check_reachable(address: str) -> None:
    """HOST:PORT must answer before Ray is asked to join it: Ray itself keeps retrying for minutes."""
    import socket

    if address in ("auto", "local") or address.startswith("ray://"):
        return
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=5).close()
    except (OSError, ValueError) as err:
        raise BackendError(f"--address {address}: nothing answers there ({getattr(err, 'strerror', None) or err}); "
                           "start a cluster with `ray start --head --port=6379` and pass HOST:6379") from None


class RayBackend:
    name = "ray"

    def __init__(self, address: str | None = None, *, cpus_per_batch: float = 1, gpus_per_batch: float = 0.0,
                 num_cpus: int | None = None, task=None):
        """task: what a Ray task runs, `run_on_worker` unless given (tests inject failures through it)."""
        ray = self.ray = import_ray()
        quiet = dict(logging_level=logging.ERROR, log_to_driver=False)
        self.started = False
        if address:
            _check_reachable(address)
        if ray.is_initialized():  # a caller's own Ray session (tests, notebooks): used, left running
            pass
        elif address:
            try:
                ray.init(address=address, **quiet)
            except (ConnectionError, RuntimeError, ValueError, ray.exceptions.RayError) as err:
                hint = ("; a cluster started by `ray start` expects its token: RAY_AUTH_MODE=token and the head's "
                        "~/.ray/auth_token on this machine" if "auth" in str(err).lower() else
                        "; start one with `ray start --head --port=6379`")
                raise BackendError(f"--address {address}: no Ray cluster could be joined "
                                   f"({(str(err).splitlines() or [''])[0][:160]}){hint}") from None
        else:
            ray.init(num_cpus=num_cpus or os.cpu_count() or 1, include_dashboard=False,
                     object_store_memory=256 << 20, **quiet)
            self.started = True
        res = ray.cluster_resources()
        capacity = int(res.get("CPU", 0) // max(cpus_per_batch, 1e-9))
        if gpus_per_batch > 0:
            if res.get("GPU", 0) <= 0:
                self.close(cancel=True)
                raise BackendError("--device cuda: the Ray cluster has no GPU (its resources: "
                                   f"{res.get('CPU', 0):g} CPUs); use --device cpu")
            capacity = min(capacity, int(res["GPU"] // gpus_per_batch))
        self.capacity = max(1, capacity)  # batches trained at once across the cluster
        self.slots = 2 * self.capacity  # in flight: a queued task starts the moment a worker frees
        self.nodes = sum(1 for n in ray.nodes() if n.get("Alive"))
        self._threads = max(1, math.ceil(cpus_per_batch))
        self._remote = ray.remote(task or run_on_worker).options(num_cpus=cpus_per_batch, num_gpus=gpus_per_batch,
                                                         max_retries=0)  # retries are the sweep's, counted
        self._pending: dict = {}  # ObjectRef -> job
        self._census: list = []

    def start(self, jobs: list[Job]) -> None:
        """Ship the Census cache once through the object store when a job needs it and the driver has it."""
        from ..data import census

        if any(j.batch.cfg.data.id == "census" for j in jobs) and census.is_available():
            self._census = [self.ray.put(census.cache_path().read_bytes())]

    def submit(self, job: Job) -> None:
        ref = self._remote.remote(job, code_fingerprint(), self._threads, self._census)
        self._pending[ref] = job

    def in_flight_steps(self) -> int:
        return 0  # a task reports when it ends

    def wait(self, timeout: float) -> list[tuple[Job, JobResult | Exception]]:
        ray = self.ray
        ready, _ = ray.wait(list(self._pending), num_returns=1, timeout=timeout)
        if ready:
            ready, _ = ray.wait(list(self._pending), num_returns=len(self._pending), timeout=0)
        out = []
        for ref in ready:
            job = self._pending.pop(ref)
            try:
                out.append((job, ray.get(ref)))
            except ray.exceptions.RayError as err:  # the task raised, or its worker or node died
                out.append((job, err))
        return out

    def close(self, cancel: bool) -> None:
        if cancel:
            refs = list(self._pending)
            for ref in refs:
                try:  # a running batch is interrupted in its worker, a queued one dropped (force=True would kill
                    self.ray.cancel(ref, force=False)  # the worker process, and its reply may still be on the way)
                except Exception:  # noqa: BLE001 - already finished or gone
                    pass
            try:  # let the cancellations settle before the driver lets go of the tasks
                self.ray.wait(refs, num_returns=len(refs), timeout=10)
            except Exception:  # noqa: BLE001 - the cluster is going away anyway
                pass
        self._pending.clear()
        if self.started:
            self.ray.shutdown()
            self.started = False
