"""Security headers sent with every response."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, g, has_request_context, request
from flask_babel import lazy_gettext as _l


def _tile_origin(tile_url: str) -> str:
    parts = urlsplit(tile_url.replace("{s}", "a"))
    if parts.scheme and parts.netloc:
        host = parts.netloc
        if "{s}" in tile_url:
            host = "*." + host.split(".", 1)[1]
        return f"{parts.scheme}://{host}"
    return ""


def content_security_policy(app: Flask, tile_url: str | None = None) -> str:
    """The policy; map tiles may come from the tile server (an admin's setting, core.site)."""
    tiles = _tile_origin(tile_url if tile_url is not None else app.config.get("MAP_TILE_URL", ""))
    img_src = " ".join(filter(None, ["'self'", "data:", "blob:", tiles]))
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src {img_src}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def reject_control_characters() -> None:
    """before_request: NUL bytes never reach a form, a service or the database."""
    for values in (request.args, request.form):
        for value in values.values():
            if "\x00" in value:
                abort(400, description=_l("The request contains characters that are not allowed."))


def _policy_for_request(app: Flask, default: str, response: Response) -> str:
    """Pages use the tile server an admin set (core.site); static files and data (JSON, CSV, feeds:
    nothing in them loads a tile) keep the default policy."""
    if request.endpoint in (None, "static", "core.leaflet_static") or response.mimetype != "text/html":
        return default
    from . import site

    tile_url = site.get("MAP_TILE_URL")
    if tile_url == app.config.get("MAP_TILE_URL"):
        return default
    return content_security_policy(app, tile_url)


def init_security_headers(app: Flask) -> None:
    policy = content_security_policy(app)
    app.before_request(reject_control_characters)

    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", _policy_for_request(app, policy, response))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        hsts = int(app.config.get("HSTS_SECONDS") or 0)
        if hsts > 0:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains")
        return response


def post_rate_limit() -> str:
    """The posting limit an administrator set (core.site), else the app config's."""
    from . import site

    return site.get("POST_RATE_LIMIT")


def limit_password_guesses(view):
    """Forms that check the current password (sign-in's limit, LOGIN_RATE_LIMIT), counted per account
    on POST: a stolen session cannot try passwords faster than a sign-in form."""
    from flask import current_app

    from ..extensions import limiter

    return limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
                         key_func=user_or_address)(view)


def user_or_address() -> str:
    """Rate-limit key: the signed-in account, or the client address."""
    from flask_limiter.util import get_remote_address
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        return f"user:{current_user.id}"
    return get_remote_address()


POSTING_SCOPE = "posting"


def _posting_limits() -> list[Any]:
    from limits import parse_many

    return list(parse_many(post_rate_limit()))


def posting_limit_reached() -> bool:
    """Read by `core.services.ensure_can_post`: the request's posting limit is used up."""
    return bool(has_request_context() and g.get("posting_limited"))


def limit_posting(view):
    """Posting proposals, comments, reports and updates: configurable, per account.

    Only a successful final submit counts (the response redirects: POST/redirect/GET); step 1 of a
    multi-step form and refused attempts do not. Past the limit the view still runs, but the
    posting service refuses (`RateLimited`, raised by `ensure_can_post`), so the form comes back
    with what the resident typed and the message, with status 429."""
    from functools import wraps

    from flask import make_response

    from ..extensions import limiter

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if request.method != "POST" or not limiter.enabled:
            return view(*args, **kwargs)
        key, limits = user_or_address(), _posting_limits()
        g.posting_limited = not all(limiter.limiter.test(item, POSTING_SCOPE, key) for item in limits)
        response = make_response(view(*args, **kwargs))
        if g.posting_limited and response.status_code == 400:
            response.status_code = 429
        elif not g.posting_limited and response.status_code in (302, 303):
            for item in limits:
                limiter.limiter.hit(item, POSTING_SCOPE, key)
        return response

    return wrapped
