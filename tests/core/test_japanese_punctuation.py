"""Japanese text uses Japanese punctuation: （）、：「」 rather than ASCII "( , )" and ": "."""
from __future__ import annotations

import re

from babel.messages.mofile import read_mo

from participation.config import TRANSLATIONS_DIR

JAPANESE = r"[\u3040-\u30ff\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]"
# ASCII ( ) , : touching a Japanese character, or ": " after one.
ASCII_NEXT_TO_JAPANESE = re.compile(
    rf"{JAPANESE}[(),:]|[(),]{JAPANESE}|{JAPANESE}\s+[(),:]|[(),]\s+{JAPANESE}")
# Placeholders, URLs, HTTP headers and literal syntax a resident must type as it is.
NOT_PROSE = re.compile(r"%\(\w+\)[sdif]|%[sd]|\{\w+\}|https?://\S+|[A-Za-z-]+: [A-Za-z/]+|「[^」]*」")


def japanese_messages() -> list[tuple[str, str]]:
    with open(TRANSLATIONS_DIR / "ja" / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        catalog = read_mo(fh)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        pairs.extend((str(message.id if isinstance(message.id, str) else message.id[0]), s) for s in strings)
    return pairs


def ascii_punctuation(text: str) -> bool:
    return bool(ASCII_NEXT_TO_JAPANESE.search(NOT_PROSE.sub("", text)))


def test_the_check_finds_ascii_punctuation_in_japanese():
    assert ascii_punctuation("部署が見つかりません: %(code)s")
    assert ascii_punctuation("状態 (任意)")
    assert ascii_punctuation("道路,公園")
    assert not ascii_punctuation("部署が見つかりません：%(code)s（任意）、「道路」")
    assert not ascii_punctuation("アクセストークン（Authorization: Bearer …）")
    assert not ascii_punctuation("「最小経度,最小緯度」の形で")


def test_the_compiled_japanese_catalog_uses_japanese_punctuation():
    bad = [(msgid, text) for msgid, text in japanese_messages() if ascii_punctuation(text)]
    assert bad == []
