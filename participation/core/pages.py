"""The site's fixed pages (terms, privacy policy, about, accessibility): versioned ja/en Markdown.

Publishing a new version of the terms or the privacy policy asks every signed-in user to accept it
on their next visit (`require_acceptance`, a before_request); their acceptance and the version are
recorded (`PolicyAcceptance`). Registration records the acceptance of the current versions through
`record_acceptance(user)`.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from flask import Flask, current_app, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint, func, literal, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model, db
from . import audit, clock, permissions
from .errors import InvalidInput, NotFound, PermissionDenied
from .models import User, UTCDateTime
from .types import Actor, Translated

#: slug -> page title (translated). Terms and privacy need acceptance.
PAGES = {
    "terms": _l("Terms of use"),
    "privacy": _l("Privacy policy"),
    "about": _l("About this site"),
    "accessibility": _l("Accessibility policy"),
}
ACCEPTED_PAGES = ("terms", "privacy")
MAX_BODY = 100_000
View = TypeVar("View", bound=Callable[..., Any])


class SitePage(Model):
    """One fixed page; its text lives in versions, the newest published one is shown."""

    __tablename__ = "site_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class SitePageVersion(Model):
    __tablename__ = "site_page_versions"
    __table_args__ = (UniqueConstraint("page_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("site_pages.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[Translated] = mapped_column(JSON, default=dict)
    body: Mapped[Translated] = mapped_column(JSON, default=dict)  # Markdown per language
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class PolicyAcceptance(Model):
    """A user accepted version `version` of page `slug` at `accepted_at`."""

    __tablename__ = "policy_acceptances"
    __table_args__ = (
        UniqueConstraint("user_id", "slug", "version"),
        Index("ix_policy_acceptances_user_slug", "user_id", "slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


# --- reads ---------------------------------------------------------------------------------------

def get_page(slug: str) -> SitePage | None:
    return db.session.scalar(select(SitePage).where(SitePage.slug == slug))


def current_version(slug: str) -> int:
    """The published version number of page `slug` (0: never published)."""
    return db.session.scalar(select(SitePage.current_version).where(SitePage.slug == slug)) or 0


def published(slug: str) -> SitePageVersion | None:
    """The text shown for `slug`, or None when nothing was published."""
    page = get_page(slug)
    if page is None or not page.current_version:
        return None
    return db.session.scalar(select(SitePageVersion).where(
        SitePageVersion.page_id == page.id, SitePageVersion.version == page.current_version))


def _page_state(user: Actor) -> dict[str, tuple[int, int]]:
    """{slug: (published version, version `user` accepted or 0)} of the published fixed pages: one
    query per request serves the footer and the acceptance check."""
    user_id = getattr(user, "id", None) if permissions.is_signed_in(user) else None
    cached = g.get("site_page_state")
    if cached is not None and cached[0] == user_id:
        return cached[1]
    accepted = (select(func.max(PolicyAcceptance.version))
                .where(PolicyAcceptance.user_id == user_id, PolicyAcceptance.slug == SitePage.slug)
                .correlate(SitePage).scalar_subquery() if user_id is not None else literal(0))
    try:
        rows = db.session.execute(select(SitePage.slug, SitePage.current_version, accepted)
                                  .where(SitePage.current_version > 0)).all()
    except SQLAlchemyError:  # no database: an error page still renders
        db.session.rollback()
        rows = []
    state = {slug: (version, done or 0) for slug, version, done in rows}
    g.site_page_state = (user_id, state)
    return state


def _forget_page_state() -> None:
    g.pop("site_page_state", None)
    g.pop("pending_acceptance", None)


def published_site_pages() -> list[tuple[str, object]]:
    """(slug, title) of the published fixed pages, for the footer."""
    from flask_login import current_user

    state = _page_state(current_user)
    return [(slug, label) for slug, label in PAGES.items() if slug in state]


def versions(slug: str) -> list[SitePageVersion]:
    page = get_page(slug)
    if page is None:
        return []
    return list(db.session.scalars(select(SitePageVersion).where(SitePageVersion.page_id == page.id)
                                   .order_by(SitePageVersion.version.desc())))


def pending_acceptance(user: Actor) -> list[str]:
    """The terms/privacy slugs whose published version `user` has not accepted yet."""
    if not permissions.is_signed_in(user):
        return []
    state = _page_state(user)
    return [slug for slug in ACCEPTED_PAGES if slug in state and state[slug][1] < state[slug][0]]


# --- commands ------------------------------------------------------------------------------------

def record_acceptance(user: User, slugs: tuple[str, ...] | list[str] = ACCEPTED_PAGES) -> list[PolicyAcceptance]:
    """`user` accepts the published versions of `slugs` now (at registration, or when asked after a
    new version). Pages never published are skipped; accepting twice records nothing new."""
    rows = []
    for slug in slugs:
        if slug not in ACCEPTED_PAGES:
            raise InvalidInput(_l("Unknown page."), field="slug")
        version = current_version(slug)
        if not version:
            continue
        existing = db.session.scalar(select(PolicyAcceptance).where(
            PolicyAcceptance.user_id == user.id, PolicyAcceptance.slug == slug,
            PolicyAcceptance.version == version))
        if existing is not None:
            rows.append(existing)
            continue
        row = PolicyAcceptance(user_id=user.id, slug=slug, version=version, accepted_at=clock.now())
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    _forget_page_state()
    return rows


def publish_version(actor: Actor, slug: str, title: Translated, body: Translated) -> SitePageVersion:
    """An admin publishes a new version of a fixed page (terms/privacy: everyone accepts it again)."""
    if not permissions.is_admin(actor):
        raise PermissionDenied(_l("Only administrators can edit the site's pages."))
    if slug not in PAGES:
        raise NotFound(_l("Unknown page."))
    title = {lang: (text or "").strip() for lang, text in (title or {}).items() if (text or "").strip()}
    body = {lang: (text or "").strip() for lang, text in (body or {}).items() if (text or "").strip()}
    if not body.get("ja") and not body.get("en"):
        raise InvalidInput(_l("Please write the page's text in Japanese or English."), field="body_ja")
    if any(len(text) > MAX_BODY for text in body.values()):
        raise InvalidInput(_l("The text is too long."), field="body_ja")
    page = get_page(slug)
    if page is None:
        page = SitePage(slug=slug, current_version=0)
        db.session.add(page)
        db.session.flush()
    page.current_version = (page.current_version or 0) + 1
    page.updated_at = clock.now()
    version = SitePageVersion(page_id=page.id, version=page.current_version, title=title, body=body,
                              author_id=getattr(actor, "id", None))
    db.session.add(version)
    db.session.flush()
    _forget_page_state()
    audit.record(actor, "page.publish", page, after={"slug": slug, "version": page.current_version})
    return version


# --- asking for acceptance -----------------------------------------------------------------------

#: endpoints a user who has not accepted the new terms may still reach
_OPEN_ENDPOINTS = {"static", "core.logout", "core.set_language", "core.healthz", "core.uploaded_file",
                   "core.leaflet_static", "pages.show", "pages.accept"}
#: machine interfaces (API keys and tokens): never redirected to a page
_OPEN_BLUEPRINTS = {"api", "api_write", "open311", "opendata"}


def open_before_acceptance(view: View) -> View:
    """Mark a view a user may use before accepting new terms (e.g. deleting their own account)."""
    view.open_before_acceptance = True  # type: ignore[attr-defined]
    return view


def require_acceptance():
    """before_request: a signed-in user with terms/privacy to accept is sent to the acceptance page
    (reading pages, signing out and static files stay reachable)."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in _OPEN_ENDPOINTS or request.blueprint in _OPEN_BLUEPRINTS:
        return None
    if getattr(current_app.view_functions.get(endpoint), "open_before_acceptance", False):
        return None
    if not getattr(current_user, "is_authenticated", False):
        return None
    if "pending_acceptance" not in g:
        g.pending_acceptance = pending_acceptance(current_user)
    if not g.pending_acceptance:
        return None
    return redirect(url_for("pages.accept", next=request.full_path if request.method == "GET" else None))


def init_app(app: Flask) -> None:
    from .page_views import bp

    app.register_blueprint(bp)
    app.before_request(require_acceptance)
    app.add_template_global(published_site_pages)
