"""The one CSV writer: every CSV the platform produces goes through `csv_text` / `csv_response`.

- UTF-8 with a byte order mark, so Excel (common in city offices) opens Japanese text correctly;
- CRLF line ends;
- formula injection neutralised: a text cell that begins with `=`, `+`, `-`, `@`, a tab or a
  carriage return gets a leading `'`, so a spreadsheet shows it as text instead of running it
  (OWASP "CSV injection"). Numbers stay numbers (a negative int or float is not text).
- the response says `text/csv; charset=utf-8` once, and is an attachment.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPE = "text/csv; charset=utf-8"


def neutralise(value: Any) -> Any:
    """A cell as it may safely be written: text that a spreadsheet would run gets a leading `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """The whole file as text (with BOM), every cell neutralised."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def csv_response(text: str, filename: str) -> Response:
    """A download of `text` (from `csv_text`). `filename` is ASCII, chosen by the code."""
    safe = "".join(c for c in filename if c.isascii() and (c.isalnum() or c in "-_.")) or "export.csv"
    response = Response(text.encode("utf-8"), status=200)
    response.headers["Content-Type"] = CONTENT_TYPE
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response
