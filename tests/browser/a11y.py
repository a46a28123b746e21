"""axe-core (shipped inside the axe-playwright-python package: no network) on a Playwright page, the
pages to check (found by following links, so new pages are checked as soon as they are linked), and
the line boxes of dates, numbers and names."""
from __future__ import annotations

import json
import re
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import axe_playwright_python

AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
# WCAG 2.0, 2.1 and 2.2 A and AA; wcag22aa brings target-size (24 px minimum, spacing included).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    """WCAG 2.0/2.1/2.2 A and AA violations on the current page (empty list when clean)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # The page's CSP forbids inline scripts, so the engine is evaluated, not injected as a tag.
        page.evaluate(AXE_JS)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def describe(violations: list[dict]) -> str:
    return json.dumps(violations, ensure_ascii=False, indent=1)


HREF = re.compile(r"""href=["']([^"'#]+)""")
# GET forms lead to pages too (search, look-up by code): their action without any input.
GET_FORM = re.compile(r"""<form[^>]*method=["']get["'][^>]*action=["']([^"'#]+)""", re.IGNORECASE)
# Never followed: they sign out, or answer with something other than a page.
NOT_PAGES = ("/auth/logout", "/static/", "/uploads/", "/tiles/", "/feeds/", "/api/v1", "/open311/")
NOT_PAGE_ENDINGS = (".csv", ".zip", ".ics", ".json", ".geojson", ".png", ".jpg", ".xml", ".atom")


def discover_pages(request, base: str, url_map, seeds: list[str], limit: int = 1200,
                   per_endpoint: int = 8) -> dict[str, str]:
    """{endpoint: first path that answers an HTML page}, following same-site links from `seeds` with
    the session of `request` (a Playwright APIRequestContext). A few pages of each endpoint are read
    for links (each process leads to different pages); the first one is the page to check."""
    adapter = url_map.bind("localhost")
    found: dict[str, str] = {}
    visits: dict[str, int] = {}
    # Links to endpoints not yet seen go first, so that deep pages are found within the limit.
    fresh: deque[str] = deque(seeds)
    later: deque[str] = deque()
    seen: set[str] = set()
    fetched = 0
    while (fresh or later) and fetched < limit:
        path = fresh.popleft() if fresh else later.popleft()
        bare = urlsplit(path).path
        if path in seen or bare.startswith(NOT_PAGES) or bare.endswith(NOT_PAGE_ENDINGS) or "lang=" in path:
            continue
        seen.add(path)
        try:
            endpoint = adapter.match(bare, method="GET")[0]
        except Exception:  # noqa: BLE001 - not one of our routes (or not a GET): not a page
            continue
        if visits.get(endpoint, 0) >= per_endpoint:
            continue
        visits[endpoint] = visits.get(endpoint, 0) + 1
        fetched += 1
        response = request.get(base + path, max_redirects=0)
        if response.status >= 500:
            found.setdefault("server errors", "")
            found["server errors"] += f" {path}"
            continue
        if response.status != 200 or not response.headers.get("content-type", "").startswith("text/html"):
            continue
        found.setdefault(endpoint, path)
        text = response.text()
        for href in HREF.findall(text) + GET_FORM.findall(text):
            target = urlsplit(urljoin(base + path, href.replace("&amp;", "&")))
            if target.netloc != urlsplit(base).netloc:
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            try:
                linked = adapter.match(target.path, method="GET")[0]
            except Exception:  # noqa: BLE001 - not a page of ours
                continue
            (later if linked in visits else fresh).append(link)
    return found


# Line boxes of every date, number and name that is visible: more than one box means it broke.
BROKEN_WHOLES = """() => Array.from(document.querySelectorAll('main time, main .num, main .name, .site-header .count'))
    .filter(el => el.offsetParent !== null && el.textContent.trim())
    .filter(el => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const boxes = Array.from(range.getClientRects()).filter(r => r.width > 0 && r.height > 0);
        return boxes.some(r => r.top >= boxes[0].bottom - 1);
    })
    .map(el => el.textContent.trim())"""


def broken_wholes(page) -> list[str]:
    """Dates, numbers and names rendered on more than one line."""
    return page.evaluate(BROKEN_WHOLES)
