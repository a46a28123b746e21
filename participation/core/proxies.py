"""Behind a reverse proxy: trust the forwarded headers of exactly `TRUSTED_PROXIES` proxies.

With the default 0 the headers are ignored (anyone could forge them); with 1 (nginx in front of
gunicorn, as the README recommends) the client address of rate limits and the audit log is the one
the proxy saw, and the scheme (https) is the one the browser used.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def apply_proxy_fix(wsgi_app: Any, proxies: int) -> Any:
    if proxies <= 0:
        return wsgi_app
    return ProxyFix(wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies,
                    x_prefix=proxies)


def init_app(app: Flask) -> None:
    app.wsgi_app = apply_proxy_fix(app.wsgi_app, int(app.config.get("TRUSTED_PROXIES") or 0))  # type: ignore[method-assign]
