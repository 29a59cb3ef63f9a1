"""The load test's Streamlit server (a subprocess on a free loopback port) and its RSS sampler."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (psutil when installed, else /proc)."""
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    return 0.0


class Server:
    def __init__(self, classroom: bool, env: dict[str, str], log: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.headless", "true",
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        if classroom:
            cmd += ["--", "--classroom"]
        self._log = open(log, "w") if log else subprocess.DEVNULL
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while not self.healthy():
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("the Streamlit server did not become healthy")
            time.sleep(0.3)

    def healthy(self, timeout: float = 2.0) -> bool:
        try:
            return urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=timeout).read() == b"ok"
        except OSError:
            return False

    def health_latency_s(self) -> float:
        t0 = time.perf_counter()
        ok = self.healthy(timeout=30)
        return time.perf_counter() - t0 if ok else float("inf")

    def rss(self) -> float:
        return rss_mb(self.proc.pid)

    def cpu_s(self) -> float:
        """CPU seconds the server process has used (user + system, /proc)."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            return 0.0

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Sampler(threading.Thread):
    """The server's RSS once per `period_s` (time, MB)."""

    def __init__(self, server: Server, period_s: float = 0.5):
        super().__init__(daemon=True)
        self.server, self.period_s, self.samples, self._stop = server, period_s, [], threading.Event()

    def run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), self.server.rss()))
            self._stop.wait(self.period_s)

    def peak(self, since: float = 0.0, until: float = float("inf")) -> float:
        return max((m for t, m in self.samples if since <= t <= until), default=0.0)

    def stop(self) -> None:
        self._stop.set()
