"""Search keys for Japanese addresses and place names (pure functions: no Flask, no database).

`key("中町二丁目５番地３号")`, `key("中町2-5-3")` and `key("ﾅｶﾏﾁ2ー5ー3")` with the reading give the same
shape: NFKC (full-width digits and letters, half-width kana), katakana folded to hiragana (jaconv),
漢数字 before 丁目/番/号 turned into digits, 丁目/番/番地/号/の and every dash between numbers
turned into "-".
"""
from __future__ import annotations

import re
import unicodedata

import jaconv

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                 "九": 9, "壱": 1, "弐": 2, "参": 3}
_KANJI_UNITS = {"十": 10, "拾": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = "[〇零一二三四五六七八九十拾百千壱弐参]+"
# Dashes people type between numbers: hyphens, en/em dashes, minus signs, the long vowel mark, 一 in 「2一5」.
_DASHES = "-‐‑‒–—―−ー─━﹣ｰ"
_SPACES = re.compile(r"[\s\u3000]+")


def kanji_to_int(text: str) -> int | None:
    """「二十三」→ 23, 「一〇五」→ 105, 「十」→ 10; None when it is not a number."""
    if not text or any(c not in _KANJI_DIGITS and c not in _KANJI_UNITS for c in text):
        return None
    if not any(c in _KANJI_UNITS for c in text):  # positional: 一〇五
        return int("".join(str(_KANJI_DIGITS[c]) for c in text))
    total, digit = 0, None
    for c in text:
        if c in _KANJI_DIGITS:
            digit = _KANJI_DIGITS[c]
        else:
            total += (1 if digit is None else digit) * _KANJI_UNITS[c]
            digit = None
    return total + (digit or 0)


def _arabic(match: re.Match) -> str:
    value = kanji_to_int(match.group(1))
    return (str(value) if value is not None else match.group(1)) + match.group(2)


def fold(text: str | None) -> str:
    """NFKC, lower case, no spaces, katakana as hiragana (half-width kana become full-width first)."""
    text = unicodedata.normalize("NFKC", text or "")
    return jaconv.kata2hira(_SPACES.sub("", text).lower())


def arabic_chome(text: str) -> str:
    """「中町二丁目」→「中町2丁目」: the way addresses are written on signs and in letters."""
    return re.sub(f"({_KANJI_NUMBER})(丁目|番地|番|号)", _arabic, text)


def key(text: str | None) -> str:
    """The search key of an address, a town or a landmark name (see the module docstring)."""
    s = re.sub(r"(?<=.)(の?(付近|あたり|辺り|周辺|前|近く|そば|横))+$", "", fold(text))  # 「みどり川駅前」
    s = re.sub(f"({_KANJI_NUMBER})(丁目|番地|番|号|の|[{_DASHES}])", _arabic, s)
    s = re.sub(f"(?<=\\d)[{_DASHES}](?=\\d)", "-", s)
    s = re.sub(r"(\d+)(?:丁目|番地|番|の)", r"\1-", s)
    s = re.sub(f"(?<=-)({_KANJI_NUMBER})()$", _arabic, s)  # the last number: 「二丁目五」
    s = re.sub(r"(\d+)号", r"\1", s)
    s = re.sub(r"-+", "-", s).strip("-")
    return s


def en_key(text: str | None) -> str:
    """Latin names for English search: letters and digits only (「Naka-machi 2-chome」→ nakamachi2chome)."""
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKC", text or "").lower())


def shorter(search_key: str) -> str | None:
    """The key without its last part: 「中町2-5-3」→「中町2-5」(a house number the gazetteer lacks)."""
    if "-" in search_key:
        return search_key.rsplit("-", 1)[0]
    match = re.match(r"^(.*\D)\d+$", search_key)
    return match.group(1) if match else None
