"""CSV files a spreadsheet opens safely, streamed row by row (the admin's export, the worklist's)."""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse

CSV_DANGEROUS_FIRST_CHARACTERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ would otherwise start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_DANGEROUS_FIRST_CHARACTERS) else text


class Echo:
    """A file-like object whose write returns the line: csv.writer then yields it for streaming."""

    def write(self, value):
        return value


def streaming_csv(header: list[str], rows, filename: str) -> StreamingHttpResponse:
    """A CSV download of `rows` (iterables of plain values), every cell made formula-safe.

    `filename` must not name a patient: it reaches download histories and proxies."""
    writer = csv.writer(Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([csv_safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
