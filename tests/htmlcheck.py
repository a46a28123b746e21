"""Does a page contain anything a browser would execute?"""
from __future__ import annotations

from html.parser import HTMLParser

EXECUTABLE_TAGS = {"script", "iframe", "object", "embed", "math", "style", "base", "meta", "link",
                   "frame", "frameset", "applet", "img", "video", "audio", "svg"}


def _ours(tag: str, attrs: dict) -> bool:
    """Markup the templates themselves produce (scripts and styles served from our own /static)."""
    if tag == "script":
        return (attrs.get("src") or "").startswith("/static/")
    if tag == "link":
        href = attrs.get("href") or ""
        feed = attrs.get("rel") == "alternate" and attrs.get("type") == "application/atom+xml" \
            and href.startswith("/feeds/")  # the page's Atom feeds (alerts)
        return href.startswith("/static/") or (attrs.get("rel") == "icon" and href == "data:,") or feed
    if tag == "meta":
        return "http-equiv" not in attrs
    if tag == "img":
        return (attrs.get("src") or "").startswith("/uploads/")
    if tag == "svg":
        return attrs.get("class") == "bar" and attrs.get("aria-hidden") == "true"
    return False
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}


class _Finder(HTMLParser):
    def __init__(self, allowed_tags: set[str]):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        as_dict = dict(attrs)
        if _ours(tag, as_dict):
            return
        if tag in EXECUTABLE_TAGS and tag not in self.allowed_tags:
            self.problems.append(f"<{tag} {as_dict}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in ("style", "srcdoc"):
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value:
                scheme = value.strip().lower().replace("\t", "").replace("\n", "")
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{tag}[{name}={value}]")


def executable_parts(html: str, allowed_tags: set[str] = frozenset()) -> list[str]:
    finder = _Finder(set(allowed_tags))
    finder.feed(html)
    finder.close()
    return finder.problems
