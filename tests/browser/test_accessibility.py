"""axe-core on every main page, in Japanese and English, signed out and signed in; small screens."""
from __future__ import annotations

import pytest

from .a11y import axe_violations, broken_wholes, describe, discover_pages
from .conftest import SERVED, sign_in

# The threaded test server may leave a static file open when Chromium drops a connection.
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]

PUBLIC = ["/", "/processes/", "/processes/?timing=upcoming", "/processes/station-square/",
          "/processes/station-square/proposals/", "/proposals/1", "/processes/station-square/surveys/1",
          "/processes/station-square/surveys/1/results", "/issues/", "/issues/1", "/issues/stats",
          "/moderation/transparency", "/auth/login", "/auth/register", "/no-such-page"]
RESIDENT = ["/account/", "/notifications", "/issues/new", "/processes/station-square/proposals/new"]
STAFF = ["/admin/processes/", "/admin/processes/1/", "/admin/surveys/1/", "/admin/triage", "/admin/templates",
         "/moderation/", "/admin/audit"]
WIDTHS = (1280, 375)
# Who looks at the pages: the resident sees public pages with their controls, the signed-out visitor
# adds the sign-in pages, the administrator adds every staff page. Each page is checked once per
# language and width (the first person who can see it).
VIEWERS = ["resident", "anonymous", "admin"]
# GET routes that are not pages (data, files, feeds) or are reached only from an e-mail or a form.
NOT_CRAWLED = ("api.", "open311.", "static", "core.healthz", "core.leaflet_static", "core.uploaded_file",
               "accounts.confirm_email", "accounts.confirm_email_change", "accounts.reset_password",
               "accounts.unsubscribe", "alerts.confirm", "alerts.unsubscribe", "places.search",
               # reached by a redirect when the terms change: test_the_terms_acceptance_page_is_accessible
               "pages.accept")


def fresh_writing_of(email: str) -> list[str]:
    """Proposals and a comment just written by `email` (still editable: the edit pages)."""
    from sqlalchemy import select

    from participation.core.models import User
    from participation.extensions import db
    from participation.processes.models import Process
    from participation.proposals import comment_services, services

    app = SERVED["app"]
    with app.test_request_context("/"):
        author = db.session.scalar(select(User).where(User.email == email))
        process = db.session.scalar(select(Process).where(Process.slug == "station-square"))
        untouched = services.submit_proposal(process, author, {"title": "駅前広場に日よけのベンチを",
                                                               "body": "夏の日中、座って待てる日陰が足りません。"})
        discussed = services.submit_proposal(process, author, {"title": "広場の夜間照明を明るく",
                                                               "body": "夜は足元が暗く、つまずきそうになります。"})
        comment_services.add_comment(author, discussed, "場所の案は地図に示しました。")  # editable comment
        db.session.commit()
        return [f"/proposals/{untouched.id}", f"/proposals/{discussed.id}"]


@pytest.fixture(scope="module")
def sweep(live_server, browser):
    """Every page each viewer can reach by following links, in ja and en, at 1280 and 375 px:
    axe's WCAG 2.0/2.1/2.2 A+AA violations, dates/numbers/names broken across lines, sideways scrolling."""
    url_map = SERVED["app"].url_map
    seeds = ["/"] + sorted(r.rule for r in url_map.iter_rules() if "GET" in r.methods and not r.arguments)
    found: dict[str, dict] = {"axe": {}, "broken": {}, "scroll": {}, "server errors": [], "checked": {}}
    for who in VIEWERS:
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="ja-JP")
        context.set_default_timeout(15_000)
        page = context.new_page()
        if who != "anonymous":
            sign_in(page, live_server, f"{who}@example.jp")
        own = fresh_writing_of(f"{who}@example.jp") if who == "resident" else []
        pages = discover_pages(context.request, live_server, url_map, own + seeds)
        errors = pages.pop("server errors", "")
        if errors:
            found["server errors"].append((who, errors))
        pages = {endpoint: path for endpoint, path in pages.items() if endpoint not in found["checked"]}
        found["checked"].update(pages)
        for lang in ("ja", "en"):
            page.goto(f"{live_server}/?lang={lang}")
            for path in sorted(pages.values()):
                page.set_viewport_size({"width": WIDTHS[0], "height": 900})
                page.goto(live_server + path)
                assert page.locator("html").get_attribute("lang") == lang, path
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    key = f"{who} {lang} {width}px {path}"
                    if violations := axe_violations(page):
                        found["axe"][key] = violations
                    if broken := broken_wholes(page):
                        found["broken"][key] = broken
                    if (scroll := page.evaluate("document.documentElement.scrollWidth")) > width:
                        found["scroll"][key] = scroll
        context.close()
    return found


def test_no_wcag_22_violations_on_any_page_in_either_language_at_1280_and_375px(sweep):
    assert sweep["axe"] == {}, describe([{"page": p, "violations": v} for p, v in sweep["axe"].items()])


def test_dates_numbers_and_names_never_break_across_lines(sweep):
    assert sweep["broken"] == {}


def test_no_page_scrolls_sideways(sweep):
    assert sweep["scroll"] == {}


def test_every_page_is_reached_and_none_fails(sweep):
    assert sweep["server errors"] == []
    url_map = SERVED["app"].url_map
    pages = {r.endpoint for r in url_map.iter_rules() if "GET" in r.methods and not r.endpoint.startswith(NOT_CRAWLED)}
    assert len(sweep["checked"]) > 60
    # Pages nobody links to are pages nobody finds: every page is linked from somewhere.
    unreached = sorted(e for e in pages - set(sweep["checked"]) if not _not_html(e))
    assert unreached == [], unreached


def _not_html(endpoint: str) -> bool:
    """Routes that answer files, feeds or data rather than pages."""
    return endpoint.endswith(("_csv", "geojson", "_feed", ".ics", ".qr", "download", "archive", "catalog",
                              "dictionary", "dataset", "calendar_all", "process_calendar", ".nearby"))


def test_the_terms_acceptance_page_is_accessible(live_server, new_page):
    """A person who has not accepted the current terms is sent to /pages/accept before anything else."""
    from participation.core.models import User
    from participation.extensions import db

    app = SERVED["app"]
    with app.app_context():
        from participation.core import clock

        person = User(email="new-terms@example.jp", display_name="新規 利用者", email_confirmed_at=clock.now())
        person.set_password("demo-password")
        db.session.add(person)
        db.session.commit()
    page = new_page(width=WIDTHS[0])
    sign_in(page, live_server, "new-terms@example.jp")
    for lang in ("ja", "en"):
        page.goto(f"{live_server}/pages/accept?lang={lang}")
        page.goto(f"{live_server}/account/")
        assert "/pages/accept" in page.url
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            assert axe_violations(page) == [], (lang, width)
            assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_errors_are_announced_and_linked_and_focus_is_visible(live_server, new_page):
    page = new_page()
    page.goto(f"{live_server}/auth/register")
    page.fill("#email", "not-an-email")
    page.click("main form button[type=submit]")
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.locator('a[href="#email"]').count() == 1
    assert "email-error" in page.locator("#email").get_attribute("aria-describedby")
    assert page.locator("#email").get_attribute("aria-invalid") == "true"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_every_form_control_has_a_label(live_server, new_page):
    page = new_page()
    sign_in(page, live_server, "admin@example.jp")
    for path in PUBLIC + RESIDENT + STAFF:
        page.goto(live_server + path)
        unlabeled = page.evaluate("""() => Array.from(document.querySelectorAll(
            'input:not([type=hidden]):not([type=submit]), select, textarea'))
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                          && !el.closest('[aria-hidden=true]'))
            .map(el => el.name || el.id)""")
        assert unlabeled == [], (path, unlabeled)
