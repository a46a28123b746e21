"""Atom 1.0 feeds (feedgen): title, link and time of each item, nothing else (no personal data)."""
from __future__ import annotations

from flask import Response, request

from ..core import mail, site
from ..core.i18n import current_language, localized
from .models import AlertEvent, EventKind


def atom(title: str, events: list[AlertEvent]) -> Response:
    from feedgen.feed import FeedGenerator
    from flask_babel import gettext as _

    city = localized(site.get("CITY_NAME"))
    self_url = mail.absolute(request.full_path.rstrip("?"))
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(f"{title} | {city}")
    feed.author({"name": city})
    feed.link(href=self_url, rel="self")
    feed.link(href=mail.absolute("/"), rel="alternate")
    feed.language(current_language())
    feed.updated(events[0].created_at if events else None)
    labels = {EventKind.ISSUE: _("New report"), EventKind.PROPOSAL: _("New proposal"),
              EventKind.ANSWER: _("Answer")}
    for event in reversed(events):  # feedgen prepends: add oldest first, newest ends on top
        entry = feed.add_entry()
        link = mail.absolute(event.path)
        entry.id(f"{link}#{event.kind.value}")
        entry.title(f"{labels[event.kind]}: {event.title}")
        entry.link(href=link)
        entry.published(event.created_at)
        entry.updated(event.created_at)
    body = feed.atom_str(pretty=True)
    return Response(body, mimetype="application/atom+xml", headers={"Cache-Control": "public, max-age=300"})
