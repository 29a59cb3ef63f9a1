"""Hostile visitors for the load test: one per section opens a link over the caps (the issue's links) and
presses Run if the page lets it; the page must say which limit it is over, and nothing may train."""
from __future__ import annotations

import time
from urllib.parse import urlencode

LINKS = {
    "playground": {"data.n_train": "1000000", "train.epochs": "1000"},
    "funnel": {"page": "funnel", "funnel.n_impressions": "2000000", "funnel.n_users": "1000000",
               "funnel.n_items": "1000000", "funnel.epochs": "1000", "funnel.seeds": "10"},
    "balance": {"page": "balance", "preset": "balance_seesaw", "bal.n_train": "1000000", "bal.epochs": "1000",
                "bal.seeds": "8"},
    "experiments": {"page": "experiments", "exp.seeds": "0-199", "exp.n_train": "1000000", "exp.epochs": "1000"},
}
RUN_LABELS = {"playground": "Train", "funnel": "Run the comparison", "balance": "Run the study",
              "experiments": "Run the study"}
REFUSED = ("limit", "MTL_MAX_", "MTL_OPEN_MAX_")


def visit(browser, base: str, section: str, wait_s: float = 20.0) -> dict:
    """Open the section's hostile link, press its first enabled Run button, and look for the refusal."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1600})
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    t0 = time.time()
    out = {"section": section, "pressed": False, "refused": False, "exception": False}
    try:
        page.goto(f"{base}/?{urlencode(LINKS[section])}")
        main = page.get_by_test_id("stMainBlockContainer")
        button = main.get_by_role("button", name=RUN_LABELS[section], exact=True).first
        button.wait_for(timeout=120_000)  # the page's first run drew its controls
        time.sleep(2)  # and settled (a refused link disables the button)
        if button.is_enabled():
            button.click()
            out["pressed"] = True
        deadline = time.time() + wait_s
        while time.time() < deadline and not out["refused"]:
            text = " ".join(page.get_by_test_id("stAlertContentError").all_inner_texts())
            out["refused"] = any(k in text for k in REFUSED)
            time.sleep(0.5)
        out["exception"] = page.get_by_test_id("stException").count() > 0
    except Exception as err:  # noqa: BLE001 - reported
        out["error"] = f"{type(err).__name__}: {err}"[:200]
    finally:
        out["seconds"] = round(time.time() - t0, 1)
        ctx.close()
    return out


def visit_all(browser, base: str) -> list[dict]:
    return [visit(browser, base, section) for section in LINKS]
