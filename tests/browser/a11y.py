"""axe-core (shipped inside the axe-playwright-python package: no network) on a Playwright page."""
from __future__ import annotations

import json
from pathlib import Path

import axe_playwright_python

AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    """WCAG 2.1 A and AA violations on the current page (empty list when clean)."""
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
