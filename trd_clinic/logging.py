"""Keep identifiable search terms out of the logs.

Request loggers print the request line (`GET /?q=Smith HTTP/1.1`): the query string of the
patient list carries names and record numbers typed into the search box. Paths are safe —
patients are addressed by database id only (patients/urls.py) — so only the query is dropped.
"""

from __future__ import annotations

import logging
import re

_QUERY_STRING = re.compile(r"\?[^\s\"']*")


def strip_query_strings(text: str) -> str:
    return _QUERY_STRING.sub("?…", text)


class StripQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is left for the handler to report
            return True
        cleaned = strip_query_strings(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        # The request object rides along on django.request records; admin mail reports would
        # print its GET and POST. Formatters here never use it, so it is dropped.
        if hasattr(record, "request"):
            record.request = None
        return True
