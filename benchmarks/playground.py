"""T4: the Playground in a browser. Starts its own Streamlit server on a free port, opens the Playground with
MMoE at the paper size (d=100, 8 experts x 16, towers 8, batch 256, 300 epochs of 10k samples: still training
when the window ends), presses Train and measures, from the page itself:

- time to first chart: from the click until the loss chart draws a validation point;
- redraws per second while training: how often the progress line changes (a MutationObserver counts
  the updates the server pushes), over a window of `--window` seconds; and how often each chart drew new
  data (a `plotly_afterplot` with a new data array: the browser skips updates it has no time for; the
  gate views are drawn at most once a second while training, by design);
- in-page throughput: the samples/s the page shows at the end of the window (the engine's own figure: samples
  per second of optimisation steps), against the same run from the CLI's code path (`train()`, 1 thread,
  measured here just before); and the wall-clock rate, the steps the progress line advanced over the window
  against the CLI run's samples per second of its whole loop (its evaluations included);
- from the server's own counters (`MTL_SERVER_LOG`): the wall and CPU time of each redraw of the live panel
  and of each pull over the window, the CPU time being what a redraw costs whatever the machine's load;
  and from /proc, the CPU the server process and Chromium used per redraw.

`--pin` runs the server (and the CLI comparison) on core 0 and Chromium on the other cores, as when the
browser runs on a student's own machine: without it, Chromium takes about 1.1 of this VM's 2 cores from
the training it is watching.

Needs /usr/bin/chromium and the playwright package (never `playwright install`).
Run: python benchmarks/playground.py [--window 15] [--pin]
"""
from __future__ import annotations

import argparse
import ast
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
BATCH = 256
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUERY = "model=mmoe&data.n_train=10000&data.d=100&train.batch_size=256&train.epochs=300&train.lr=0.001"
HAS_VAL_POINT = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).some(gd =>
    (gd.calcdata || []).some(cd => cd[0] && cd[0].trace && cd[0].trace.type === 'scatter' &&
        (cd[0].trace.name || '').includes('validation') && cd.filter(p => isFinite(p.y)).length >= 2))"""
OBSERVE = """() => { window.__redraws = []; window.__charts = {}; const root = document.body;
    let last = ''; new MutationObserver(() => {
        const el = document.querySelector('[data-testid="stProgress"]');
        const txt = el ? el.textContent : '';
        if (txt !== last) { last = txt; window.__redraws.push([performance.now(), txt]); }
    }).observe(root, {subtree: true, childList: true, characterData: true});
    setInterval(() => {  // count each chart's plots of new data (a new data array from the server)
        document.querySelectorAll('.js-plotly-plot').forEach(gd => {
            if (gd.__t4 || !gd.on) return;
            gd.__t4 = true;
            gd.on('plotly_afterplot', () => {
                if (gd.data === gd.__t4data) return;
                gd.__t4data = gd.data;
                const title = ((gd.layout || {}).title || {}).text || '?';
                (window.__charts[title] = window.__charts[title] || {times: []}).times.push(performance.now()); }); }); }, 50); }"""


def cli_throughput(epochs: int = 4) -> tuple[float, float, float]:
    """(samples/s of the optimisation steps, samples/s of the whole loop, samples per CPU second of the whole
    loop) of the CLI's code path, best of 3."""
    import torch

    from mtl_core.config import default_config
    from mtl_core.train import train
    torch.set_num_threads(1)
    cfg = default_config(**{"model": "mmoe", "data.n_train": 10_000, "data.d": 100, "train.batch_size": 256,
                            "train.epochs": epochs, "train.lr": 1e-3, "train.device": "cpu"})
    lasts, per_cpu = [], []
    for _ in range(3):
        snaps = train(cfg)
        next(snaps)  # step 0: data and model built (the page's window also starts after that)
        c0 = time.thread_time()
        lasts.append(list(snaps)[-1])
        per_cpu.append(lasts[-1].step * cfg.train.batch_size / (time.thread_time() - c0))
    return (max(s.samples_per_s for s in lasts),
            max(s.step * cfg.train.batch_size / s.elapsed_s for s in lasts), max(per_cpu))


def _server_stats(log: Path) -> dict | None:
    """The latest counters the server logged (MTL_SERVER_LOG_S=1: once a second)."""
    for line in reversed(log.read_text(errors="replace").splitlines()):
        if line.startswith("MTL Explorer: {") and "} {" in line:
            return ast.literal_eval("{" + line.split("} {", 1)[1].rsplit("}", 1)[0] + "}")
    return None


def _cpu_s(root: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the processes under `root` (Linux /proc), by kind: "server"
    (the Streamlit process) and "browser" (every Chromium process). CPU time, unlike wall time, does not grow
    when other jobs keep the cores busy."""
    tick = os.sysconf("SC_CLK_TCK")
    procs = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            procs[int(d.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick, cmd)
    out = {"server": 0.0, "browser": 0.0}
    for pid, (ppid, cpu, cmd) in procs.items():
        p, under = pid, False
        while p in procs and not under:
            under, p = p == root, procs[p][0]
        if under or pid == root:
            kind = "browser" if "chrom" in cmd else "server" if "streamlit" in cmd else None
            if kind:
                out[kind] += cpu
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pin(cores: set[int]):
    """A preexec_fn that moves the child process onto `cores`."""
    return lambda: os.sched_setaffinity(0, cores)


def measure(window: float, server_cores: set[int] | None = None, browser_cores: set[int] | None = None) -> dict:
    from playwright.sync_api import sync_playwright
    port = _free_port()
    log = Path(tempfile.mkstemp(prefix="t4-server-", suffix=".log")[1])
    env = {**os.environ, "MTL_SERVER_LOG": "1", "MTL_SERVER_LOG_S": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.headless", "true",
                             "--server.port", str(port), "--browser.gatherUsageStats", "false",
                             "--server.fileWatcherType", "none"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=log.open("w"), env=env, preexec_fn=_pin(server_cores) if server_cores else None)
    if browser_cores:  # Chromium (and playwright's driver) inherit this process's cores
        os.sched_setaffinity(0, browser_cores)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("the Streamlit server did not become healthy")
            time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 2200})
            page.set_default_timeout(120_000)
            page.goto(f"{url}/?{QUERY}")
            train = page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Train", exact=True)
            train.wait_for(state="visible")
            page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")
            time.sleep(2)  # let the first page render settle (charts of the empty state)
            page.evaluate(OBSERVE)
            t0 = time.perf_counter()
            train.click()
            page.wait_for_function(HAS_VAL_POINT, polling=50)
            first_chart = time.perf_counter() - t0
            before, cpu0 = _server_stats(log), _cpu_s(os.getpid())
            time.sleep(window)
            after, cpu1 = _server_stats(log), _cpu_s(os.getpid())
            redraws = page.evaluate("() => window.__redraws")
            charts = page.evaluate("() => window.__charts")
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.unlink(missing_ok=True)
    training = [(t, txt) for t, txt in redraws if "samples/s" in txt and "Training" in txt]
    sps = [float(m.group(1).replace(",", "")) for _, txt in training
           if (m := re.search(r"([\d,]+) samples/s", txt))]
    steps = [int(m.group(1).replace(",", "")) for _, txt in training if (m := re.search(r"step ([\d,]+) /", txt))]
    span = (training[-1][0] - training[0][0]) / 1000 if len(training) > 1 else float("nan")
    t_first, t_last = (training[0][0], training[-1][0]) if training else (0.0, 0.0)
    chart_rates = {}  # chart title -> new data drawn per second while the progress line said "Training"
    for title, c in charts.items():
        times = [t for t in c["times"] if t_first <= t <= t_last]
        if len(times) > 1:
            chart_rates[re.sub(r"<[^>]+>", "", title)] = (len(times) - 1) / ((times[-1] - times[0]) / 1000)
    out = {"first_chart_s": first_chart, "chart_rates": chart_rates, "redraws": len(training), "span_s": span,
           "redraws_per_s": (len(training) - 1) / span if len(training) > 1 else 0.0,
           "page_sps": sps[-1] if sps else float("nan"),
           "page_wall_sps": (steps[-1] - steps[0]) * BATCH / span if len(steps) > 1 else float("nan")}
    for kind in ("server", "browser"):  # CPU seconds per second of the window, and per redraw of the progress line
        out[kind + "_cores"] = (cpu1[kind] - cpu0[kind]) / window
        out[kind + "_cpu_ms_per_redraw"] = 1000 * out[kind + "_cores"] / max(out["redraws_per_s"], 1e-9)
    if before and after:
        d = {k: after[k] - before.get(k, 0) for k in after}
        for what, n in (("render", d["renders"]), ("pull", d["pulls"])):
            out[what + "s"] = n
            out[what + "_ms"] = 1000 * d[what + "_s"] / n if n else float("nan")
            out[what + "_cpu_ms"] = 1000 * d.get(what + "_cpu_s", float("nan")) / n if n else float("nan")
        # samples trained per CPU second of the pulls (training and evaluation, as in the CLI's loop): what the
        # page gets out of the CPU it is given, whatever share of the cores other jobs leave it
        out["page_sps_per_cpu"] = out["page_wall_sps"] * span / d.get("pull_cpu_s", float("nan"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--window", type=float, default=15.0, help="seconds of training to watch")
    ap.add_argument("--pin", action="store_true", help="server and the CLI run on core 0, Chromium on the others "
                    "(a browser on another machine)")
    a = ap.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"T4 skipped: {CHROMIUM} is not installed")
        return
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("T4 skipped: the playwright package is not installed")
        return
    print("load average {:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg()))
    cores = sorted(os.sched_getaffinity(0))
    server_cores = browser_cores = None
    if a.pin:
        if len(cores) < 2:
            print("--pin needs at least 2 cores")
            return
        server_cores, browser_cores = {cores[0]}, set(cores[1:])
        os.sched_setaffinity(0, server_cores)  # the CLI comparison on the server's core
        print(f"pinned: server and CLI on core {cores[0]}, Chromium on {sorted(browser_cores)}")
    cli, cli_wall, cli_per_cpu = cli_throughput()
    m = measure(a.window, server_cores, browser_cores)
    ratio, wall_ratio = m["page_sps"] / cli, m["page_wall_sps"] / cli_wall
    print("\n## T4. The Playground in a browser (MMoE paper size, headless Chromium, the app's own server)\n")
    print("| | measured | target |\n|---|---|---|")
    print(f"| first chart after pressing Train | {m['first_chart_s']:.2f} s | < 3 s: "
          f"{'met' if m['first_chart_s'] < 3 else 'MISSED'} |")
    print(f"| redraws while training (the progress line) | {m['redraws_per_s']:.1f} /s ({m['redraws']} in {m['span_s']:.1f} s) | >= 4 /s: "
          f"{'met' if m['redraws_per_s'] >= 4 else 'MISSED'} |")
    for title, rate in sorted(m["chart_rates"].items(), key=lambda kv: -kv[1]):
        verdict = f">= 4 /s: {'met' if rate >= 4 else 'MISSED'}" if title == "Loss per task" else ""
        print(f"| chart \"{title}\" drew new data | {rate:.1f} /s | {verdict} |")
    print(f"| in-page throughput (shown on the page) | {m['page_sps']:,.0f} samples/s | |")
    print(f"| same run from the CLI's code path | {cli:,.0f} samples/s | |")
    print(f"| in-page / CLI | {ratio:.0%} | >= 75%: {'met' if ratio >= 0.75 else 'MISSED'} |")
    print(f"| wall clock: steps the page advanced per second, in samples | {m['page_wall_sps']:,.0f} samples/s | |")
    print(f"| wall clock: the CLI's whole loop (evaluations included) | {cli_wall:,.0f} samples/s | |")
    print(f"| wall clock, in-page / CLI | {wall_ratio:.0%} | (not the target's measure; shown for the duty cycle) |")
    print(f"| CPU while training: server process | {m['server_cores']:.2f} cores, "
          f"{m['server_cpu_ms_per_redraw']:.0f} ms per redraw | |")
    print(f"| CPU while training: Chromium (all its processes) | {m['browser_cores']:.2f} cores, "
          f"{m['browser_cpu_ms_per_redraw']:.0f} ms per redraw | |")
    if "page_sps_per_cpu" in m:
        print(f"| per CPU second of training (evaluations included): in the page vs the CLI | "
              f"{m['page_sps_per_cpu']:,.0f} vs {cli_per_cpu:,.0f} samples = {m['page_sps_per_cpu'] / cli_per_cpu:.0%} | |")
    if "renders" in m:
        print(f"| server: a redraw of the live panel | {m['render_ms']:.0f} ms wall, {m['render_cpu_ms']:.0f} ms CPU "
              f"({m['renders']} redraws) | |")
        print(f"| server: a pull (training between redraws) | {m['pull_ms']:.0f} ms wall, {m['pull_cpu_ms']:.0f} ms CPU "
              f"({m['pulls']} pulls) | |")
    print("load average {:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
