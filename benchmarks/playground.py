"""T4: the Playground in a browser. Starts its own Streamlit server on a free port, opens the Playground with
MMoE at the paper size (d=100, 8 experts x 16, towers 8, batch 256, 100 epochs of 10k samples, long enough to watch), presses
Train and measures, from the page itself:

- time to first chart: from the click until the loss chart draws a validation point;
- redraws per second while training: how often the progress line changes (a MutationObserver counts
  the updates the server pushes), over a window of `--window` seconds;
- in-page throughput: the samples/s the page shows at the end of the window, against the same run from
  the CLI's code path (`train()`, 1 thread, measured here just before).

Needs /usr/bin/chromium and the playwright package (never `playwright install`).
Run: python benchmarks/playground.py [--window 15]
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUERY = "model=mmoe&data.n_train=10000&data.d=100&train.batch_size=256&train.epochs=100&train.lr=0.001"
HAS_VAL_POINT = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).some(gd =>
    (gd.calcdata || []).some(cd => cd[0] && cd[0].trace && cd[0].trace.type === 'scatter' &&
        (cd[0].trace.name || '').includes('validation') && cd.filter(p => isFinite(p.y)).length >= 2))"""
OBSERVE = """() => { window.__redraws = []; const root = document.body;
    let last = ''; new MutationObserver(() => {
        const el = document.querySelector('[data-testid="stProgress"]');
        const txt = el ? el.innerText : '';
        if (txt !== last) { last = txt; window.__redraws.push([performance.now(), txt]); }
    }).observe(root, {subtree: true, childList: true, characterData: true}); }"""


def cli_throughput(epochs: int = 2) -> float:
    import torch

    from mtl_core.config import default_config
    from mtl_core.train import train
    torch.set_num_threads(1)
    cfg = default_config(**{"model": "mmoe", "data.n_train": 10_000, "data.d": 100, "train.batch_size": 256,
                            "train.epochs": epochs, "train.lr": 1e-3, "train.device": "cpu"})
    return max(list(train(cfg))[-1].samples_per_s for _ in range(3))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(window: float) -> dict:
    from playwright.sync_api import sync_playwright
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.headless", "true",
                             "--server.port", str(port), "--browser.gatherUsageStats", "false",
                             "--server.fileWatcherType", "none"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
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
            time.sleep(window)
            redraws = page.evaluate("() => window.__redraws")
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    training = [(t, txt) for t, txt in redraws if "samples/s" in txt and "Training" in txt]
    sps = [float(m.group(1).replace(",", "")) for _, txt in training
           if (m := re.search(r"([\d,]+) samples/s", txt))]
    span = (training[-1][0] - training[0][0]) / 1000 if len(training) > 1 else float("nan")
    return {"first_chart_s": first_chart, "redraws": len(training), "span_s": span,
            "redraws_per_s": (len(training) - 1) / span if len(training) > 1 else 0.0,
            "page_sps": sps[-1] if sps else float("nan")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--window", type=float, default=15.0, help="seconds of training to watch")
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
    cli = cli_throughput()
    m = measure(a.window)
    ratio = m["page_sps"] / cli
    print("\n## T4. The Playground in a browser (MMoE paper size, headless Chromium, the app's own server)\n")
    print(f"| | measured | target |\n|---|---|---|")
    print(f"| first chart after pressing Train | {m['first_chart_s']:.2f} s | < 3 s: "
          f"{'met' if m['first_chart_s'] < 3 else 'MISSED'} |")
    print(f"| redraws while training | {m['redraws_per_s']:.1f} /s ({m['redraws']} in {m['span_s']:.1f} s) | >= 4 /s: "
          f"{'met' if m['redraws_per_s'] >= 4 else 'MISSED'} |")
    print(f"| in-page throughput (shown on the page) | {m['page_sps']:,.0f} samples/s | |")
    print(f"| same run from the CLI's code path | {cli:,.0f} samples/s | |")
    print(f"| in-page / CLI | {ratio:.0%} | >= 75%: {'met' if ratio >= 0.75 else 'MISSED'} |")
    print("load average {:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
