"""Reading produced PDFs in tests: page texts (pypdf), page sizes, and page 1 as pixels (pdftoppm)."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

from pypdf import PdfReader

PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"
# PDF points (1/72 in): ISO 216 A4 is 210 x 297 mm, US Letter 8.5 x 11 in.
A4_POINTS = (210 / 25.4 * 72, 297 / 25.4 * 72)
LETTER_POINTS = (8.5 * 72, 11 * 72)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces made single spaces, so wrapped phrases still match."""
    return " ".join(text.split())


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(page.mediabox.width), float(page.mediabox.height)) for page in PdfReader(io.BytesIO(pdf)).pages]


def first_page_pixels(pdf: bytes, workdir: Path) -> tuple[int, int, bytes]:
    """Page 1 rendered by poppler at 50 dpi in greyscale: (width, height, one byte per pixel)."""
    source = workdir / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [PDFTOPPM, "-r", "50", "-f", "1", "-l", "1", "-gray", "-singlefile", str(source), str(workdir / "page")],
        check=True,
        timeout=60,
    )
    return parse_pgm((workdir / "page.pgm").read_bytes())


def parse_pgm(data: bytes) -> tuple[int, int, bytes]:
    """A binary PGM (P5): magic, width, height, maxval separated by whitespace, then the pixels."""
    fields, position = [], 0
    while len(fields) < 4:
        while data[position : position + 1].isspace():
            position += 1
        start = position
        while not data[position : position + 1].isspace():
            position += 1
        fields.append(data[start:position])
    magic, width, height, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    assert magic == b"P5" and maxval < 256, (magic, maxval)
    pixels = data[position + 1 : position + 1 + width * height]
    assert len(pixels) == width * height
    return width, height, pixels


def today_words(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def all_page_pixels(pdf: bytes, workdir: Path, dpi: int = 50) -> list[bytes]:
    """Every page rendered by poppler in greyscale, as raw PGM bytes (for pixel-for-pixel comparisons)."""
    source = workdir / "compare.pdf"
    source.write_bytes(pdf)
    for old in workdir.glob("compare-page*.pgm"):
        old.unlink()
    subprocess.run(
        [PDFTOPPM, "-r", str(dpi), "-gray", str(source), str(workdir / "compare-page")], check=True, timeout=120
    )
    return [path.read_bytes() for path in sorted(workdir.glob("compare-page*.pgm"))]
