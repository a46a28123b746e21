"""The one sanitizing module."""
from __future__ import annotations

import pytest

from participation.core.sanitize import clean_text, resident_html, staff_html

from ..htmlcheck import executable_parts

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '"><svg onload=alert(1)>',
    "<iframe src=//evil></iframe>",
    '<div style="background:url(javascript:alert(1))">',
    "[x](javascript:alert(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("render", [resident_html, staff_html])
def test_no_executable_markup_survives(render, payload):
    html = str(render(payload))
    assert executable_parts(html) == [], html
    assert "<img" not in html


def test_resident_text_gets_paragraphs_and_safe_links():
    html = str(resident_html("駅前に駐輪場を\n増やしてください。\n\n参考: https://example.jp/a?b=1&c=2"))
    assert html.startswith("<p>駅前に駐輪場を<br>")
    assert '<a href="https://example.jp/a?b=1&amp;c=2" rel="nofollow ugc noopener">' in html
    assert html.count("<p>") == 2


def test_staff_markdown_is_rendered():
    html = str(staff_html("## 目的\n\n**安全**な広場に。 [詳細](https://city.example.jp)"))
    assert "<h2>目的</h2>" in html
    assert "<strong>安全</strong>" in html
    assert '<a href="https://city.example.jp" rel="noopener">詳細</a>' in html


def test_clean_text_removes_control_characters():
    assert clean_text("a\x00b\x07c\r\nd") == "abc\nd"
