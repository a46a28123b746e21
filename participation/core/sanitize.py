"""The only place that turns text into HTML.

- Resident text: escaped, split into paragraphs, bare links made clickable
  with rel="nofollow ugc noopener".
- Staff Markdown: rendered, then cleaned against an allowlist.
"""
from __future__ import annotations

import re

import bleach
import markdown as md
from bleach.linkifier import Linker
from markupsafe import Markup, escape

_URL_SCHEMES = ["http", "https", "mailto"]

STAFF_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
STAFF_ATTRIBUTES = {"a": ["href", "title", "rel"], "abbr": ["title"], "th": ["scope"]}


def _resident_link_attrs(attrs: dict, new: bool = False) -> dict | None:
    href_key = (None, "href")
    href = attrs.get(href_key, "")
    if not re.match(r"^(https?://|mailto:)", href, re.IGNORECASE):
        return None  # leave as plain text
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


def _staff_link_attrs(attrs: dict, new: bool = False) -> dict | None:
    attrs[(None, "rel")] = "noopener"
    return attrs


_resident_linker = Linker(callbacks=[_resident_link_attrs], parse_email=False)
_staff_linker = Linker(callbacks=[_staff_link_attrs], parse_email=False)
_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n")


def clean_text(text: str | None) -> str:
    """Normalise resident input: no NUL or other control characters, unified newlines."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32 and ord(ch) != 127)


def resident_html(text: str | None) -> Markup:
    """Resident-written text -> safe HTML paragraphs with clickable links."""
    text = clean_text(text).strip()
    if not text:
        return Markup("")
    paragraphs = []
    for chunk in _PARAGRAPH_SPLIT.split(text):
        escaped = str(escape(chunk.strip())).replace("\n", "<br>\n")
        paragraphs.append(f"<p>{_resident_linker.linkify(escaped)}</p>")
    html = "\n".join(paragraphs)
    # Belt and braces: only what the steps above can produce survives.
    html = bleach.clean(
        html, tags={"p", "br", "a"}, attributes={"a": ["href", "rel"]},
        protocols=_URL_SCHEMES, strip=True,
    )
    return Markup(html)


#: Python-Markdown looks for the "]" of each "[" up to the paragraph's end (and stashes every escape
#: and entity), so thousands of them in one paragraph took minutes to render on every view. A
#: paragraph whose (links + escapes + entities) x length is beyond this is shown as plain text.
MARKUP_WORK_MAX = 1_000_000
_BLOCKS = re.compile(r"(\n\s*\n)")


def _defuse(source: str) -> str:
    return "".join(f"<p>{escape(block.strip())}</p>"
                   if sum(block.count(ch) for ch in "[\\&") * len(block) > MARKUP_WORK_MAX else block
                   for block in _BLOCKS.split(source))


def staff_html(source: str | None) -> Markup:
    """Staff Markdown -> HTML cleaned against the allowlist."""
    source = _defuse(clean_text(source).strip())
    if not source:
        return Markup("")
    rendered = md.markdown(source, extensions=["tables", "sane_lists"], output_format="html")
    cleaned = bleach.clean(
        rendered, tags=STAFF_TAGS, attributes=STAFF_ATTRIBUTES, protocols=_URL_SCHEMES, strip=True
    )
    return Markup(_staff_linker.linkify(cleaned))
