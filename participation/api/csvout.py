"""Open data CSV files, streamed to disk through core's one CSV writer rules (`core.exports`): UTF-8
with BOM, CRLF, formula cells neutralised. `core.exports.csv_text` builds a whole file in memory;
a dataset can be large, so this writes it row by row with the same `neutralise`."""
from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

from ..core.exports import BOM, neutralise

guard = neutralise


def write_csv(out: IO[str], header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
