"""Does a page contain anything a browser would execute?"""
from __future__ import annotations

from html.parser import HTMLParser

EXECUTABLE_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "base", "form",
                   "meta", "link", "frame", "frameset", "applet"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}


class _Finder(HTMLParser):
    def __init__(self, allowed_tags: set[str]):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in EXECUTABLE_TAGS and tag not in self.allowed_tags:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name == "style":
                self.problems.append(f"{tag}[style]")
            if name in URL_ATTRIBUTES and value:
                scheme = value.strip().lower().replace("\t", "").replace("\n", "")
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{tag}[{name}={value}]")


def executable_parts(html: str, allowed_tags: set[str] = frozenset()) -> list[str]:
    finder = _Finder(set(allowed_tags))
    finder.feed(html)
    finder.close()
    return finder.problems
