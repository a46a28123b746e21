"""City administration in the browser: /admin/ (dashboard), users and roles, departments,
settings and the site's fixed pages. Issue categories and areas are administered by the issues
package; every feature adds its administration pages to the dashboard through
`core.signals.admin_sections`."""
from __future__ import annotations

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from ..core import signals
from . import permissions


def _sections(app: Flask, user=None) -> list[tuple[object, str]]:
    if not permissions.can_administer(user):
        return []
    return [
        (_l("Users and roles"), url_for("administration.users")),
        (_l("Departments"), url_for("administration.departments")),
        (_l("Settings"), url_for("administration.settings")),
        (_l("Site pages (terms, privacy policy, about, accessibility)"), url_for("administration.site_pages")),
        (_l("Background jobs and e-mail"), url_for("accounts.admin_jobs")),
    ]


def init_app(app: Flask) -> None:
    from . import setup_views  # noqa: F401 - its routes join the blueprint
    from .views import bp

    app.register_blueprint(bp)
    signals.admin_sections.connect(_sections, sender=app, weak=False)
    signals.seed_demo.connect(_seed, sender=app, weak=False)
    app.jinja_env.globals.update(can_administer=permissions.can_administer)


def _seed(app: Flask, **_: object) -> str | None:
    from .demo import seed

    return seed()
