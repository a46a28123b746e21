"""A small CSV writer for open data: UTF-8 with BOM (Excel in Japan opens it), CRLF, and cells that a
spreadsheet would run as a formula neutralised with a leading apostrophe (OWASP's CSV injection guard).

To be replaced by core's shared CSV writer when it lands.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def guard(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(out: IO[str], header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([guard(h) for h in header])
    for row in rows:
        writer.writerow([guard(v) for v in row])
