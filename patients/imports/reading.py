"""An uploaded file checked before anything reads its content: size, text encoding, and which
of the three formats it is (FHIR JSON, FHIR NDJSON, CSV). Every refusal is an ImportFileError
whose message tells the clinician what to change; nothing is stored for a refused file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 1000
ACCEPTED_EXTENSIONS = (".json", ".ndjson", ".jsonl", ".csv", ".txt")


class ImportFileError(ValueError):
    """The file cannot be imported; the message says why, in the clinician's terms."""


@dataclass(frozen=True)
class UploadedText:
    name: str
    text: str
    sha256: str
    byte_size: int
    file_format: str  # "fhir", "ndjson" or "csv"


def _format_of(name: str, text: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    stripped = text.lstrip()
    if lowered.endswith((".ndjson", ".jsonl")):
        return "ndjson"
    if stripped.startswith("{"):
        # One JSON document (a Bundle or one resource) or one resource per line.
        lines = [line for line in stripped.splitlines() if line.strip()]
        return "ndjson" if len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines) else "fhir"
    if stripped.startswith("["):
        raise ImportFileError(
            "The file is a JSON list: upload a FHIR Bundle (an object) or NDJSON (one resource a line)."
        )
    return "csv"


def read_upload(uploaded) -> UploadedText:
    """Read an UploadedFile: at most MAX_BYTES, UTF-8 text, a known format."""
    name = (getattr(uploaded, "name", "") or "upload").rsplit("/", 1)[-1][:255]
    if not name.lower().endswith(ACCEPTED_EXTENSIONS):
        raise ImportFileError(
            f"“{name}” is not a file type this page reads: upload a FHIR Bundle (.json), FHIR NDJSON "
            "(.ndjson) or a CSV file (.csv) made from the template."
        )
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImportFileError(f"The file is {size / 1024 / 1024:.1f} MB; files over 5 MB are not imported.")
    data = uploaded.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFileError("The file is over 5 MB; files over 5 MB are not imported.")
    if not data.strip():
        raise ImportFileError("The file is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not UTF-8 text (is it a spreadsheet or a PDF?): save it as CSV (UTF-8) or export FHIR JSON."
        ) from None
    if "\x00" in text:
        raise ImportFileError("The file holds binary data, not text: upload FHIR JSON, NDJSON or CSV.")
    return UploadedText(name, text, hashlib.sha256(data).hexdigest(), len(data), _format_of(name, text))
