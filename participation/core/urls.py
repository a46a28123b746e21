"""Safe redirects and language-switch links."""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import request, url_for


def safe_next(target: str | None, fallback_endpoint: str = "core.home") -> str:
    """`target` when it is a path on this site, otherwise the fallback page."""
    if target:
        target = target.strip()
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
            and not any(ord(ch) < 32 for ch in target)
        ):
            return target
    return url_for(fallback_endpoint)


def language_switch_url(lang: str) -> str:
    """The current page in another language (keeps the other query parameters)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", lang))
    return f"{request.path}?{urlencode(args)}"


def current_path_without_lang() -> str:
    """The current page (path and query) without `lang`: where the language switcher returns to."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return f"{request.path}?{urlencode(args)}" if args else request.path
