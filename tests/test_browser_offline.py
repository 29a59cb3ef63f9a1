"""The app works offline: opening every section (and a lesson in 中文) makes no request that leaves the machine
(favicon, fonts, icons, scripts). Every request the page makes is recorded; a non-loopback one is answered
with an error instead of being sent, and the test fails naming it."""
from urllib.parse import urlparse

import pytest

from app.sections import SECTIONS

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
PAGES = [f"?page={s.url_path}" for s in SECTIONS] + ["?page=lessons&lesson=03&lang=zh", "?preset=gates_unrelated"]


@pytest.mark.browser
def test_no_page_requests_an_address_outside_the_machine(page, base_url):
    outside: list[str] = []

    def route(r):
        host = urlparse(r.request.url).hostname or ""
        if r.request.url.startswith(("data:", "blob:")) or host in LOOPBACK:
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()  # never sent: the machine may be offline, and a classroom's network must not matter

    page.route("**/*", route)
    for query in PAGES:
        page.goto(f"{base_url}/{query}")
        page.wait_for_selector("[data-testid='stSidebar']")
        page.wait_for_load_state("networkidle")
        # Chromium fetches favicons outside the page's request routing: check where the icon links point too
        icons = page.eval_on_selector_all("link[rel*='icon']", "els => els.map(e => e.href)")
        outside += [h for h in icons if not h.startswith(("data:", "blob:"))
                    and (urlparse(h).hostname or "") not in LOOPBACK]
    assert not outside, f"requests outside the machine: {sorted(set(outside))[:10]}"
