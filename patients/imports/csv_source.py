"""Rows proposed from a CSV file made from the template (docs/import.md, static/import-template.csv).

One header row; one row per trial, ECT course, other course or scale score, told apart by the
`record` column. Cells that a spreadsheet would run as a formula (starting with = + - @, unless
the cell is a number such as -5) are refused: the file may have been opened in a spreadsheet on
its way here, and what it computed is not what the clinician entered.
"""

from __future__ import annotations

import csv
import io
import re

from patients.imports.drugs import match_drug
from patients.imports.proposal import Proposal, code_text
from patients.imports.reading import MAX_ROWS, ImportFileError
from staging.engine.catalogue import Catalogue

RECORDS = {"trial": "trials", "ect": "ect_courses", "course": "other_courses", "score": "scores"}
TRIAL_COLUMNS = (
    "drug",
    "rxnorm",
    "dose_mg_per_day",
    "weeks_at_dose",
    "started_on",
    "ended_on",
    "adherence_pct",
    "improvement_pct",
    "outcome",
    "augmentation",
    "drug_class",
    "min_adequate_dose_mg",
)
ECT_COLUMNS = ("electrode_placement", "sessions", "outcome", "started_on")
COURSE_COLUMNS = ("kind", "weeks", "outcome", "started_on")
SCORE_COLUMNS = ("scale", "score", "rated_on")
COLUMNS = ("record", *dict.fromkeys(TRIAL_COLUMNS + ECT_COLUMNS + COURSE_COLUMNS + SCORE_COLUMNS))
_FORMULA_START = ("=", "+", "-", "@")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_MAX_FORMULA_ERRORS = 5


def _formula_cells(rows: list[tuple[int, dict]]) -> list[str]:
    problems = []
    for row_number, row in rows:
        for column, cell in row.items():
            if cell and cell.startswith(_FORMULA_START) and not _NUMBER.match(cell):
                problems.append(f"row {row_number}, column {column} starts with “{cell[0]}”")
    return problems


def read_csv(text: str) -> list[tuple[int, dict]]:
    """(row number, {column: cell}) for each data row; the header must use the template's columns."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError("The CSV file is empty.")
        header = [cell.strip().lower() for cell in header]
        unknown = [cell for cell in header if cell not in COLUMNS]
        if unknown or "record" not in header:
            raise ImportFileError(
                "The CSV header is not the template's: "
                + (
                    f"unknown column{'s' if len(unknown) != 1 else ''} {', '.join(repr(c[:40]) for c in unknown[:5])}; "
                    if unknown
                    else ""
                )
                + ("the column “record” is missing; " if "record" not in header else "")
                + "download the template and keep its header row."
            )
        if len(set(header)) != len(header):
            raise ImportFileError("The CSV header names a column twice.")
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(f"The CSV file has more than {MAX_ROWS:,} rows; split it into smaller files.")
            row_number = reader.line_num
            if len(cells) > len(header):
                raise ImportFileError(
                    f"Row {row_number} has {len(cells)} cells but the header has {len(header)} columns."
                )
            rows.append((row_number, {column: cell.strip() for column, cell in zip(header, cells)}))
    except csv.Error as error:
        raise ImportFileError(f"The CSV file is malformed near line {reader.line_num}: {error}.") from None
    formulas = _formula_cells(rows)
    if formulas:
        raise ImportFileError(
            "Spreadsheet formulas are not imported: "
            + "; ".join(formulas[:_MAX_FORMULA_ERRORS])
            + (f" (and {len(formulas) - _MAX_FORMULA_ERRORS} more)" if len(formulas) > _MAX_FORMULA_ERRORS else "")
            + ". Type the values themselves (a cell starting with = + - @ must be a number)."
        )
    return rows


def propose(rows: list[tuple[int, dict]], catalogue: Catalogue) -> Proposal:
    proposal = Proposal()
    for row_number, row in rows:
        where = f"row {row_number}"
        record = row.get("record", "").lower()
        kind = RECORDS.get(record)
        if kind is None:
            raise ImportFileError(
                f"Row {row_number}: record “{row.get('record', '')[:40]}” is not one of {', '.join(RECORDS)}."
            )
        if kind == "trials":
            fields = {column: row.get(column, "") for column in TRIAL_COLUMNS if column != "rxnorm"}
            fields["outcome"] = code_text(fields["outcome"])
            fields |= {"improvement_scale": "", "baseline_score": "", "end_score": ""}
            match = match_drug(row.get("drug"), row.get("rxnorm"), catalogue)
            notes, unmapped = [], False
            if match is None:
                notes.append("no drug given: enter the drug")
            else:
                fields["drug"] = match.drug
                unmapped = not match.in_catalogue
                if match.in_catalogue and match.how != "generic name":
                    notes.append(f"{match.drug}: from the {match.how}")
                if unmapped and not fields["drug_class"]:
                    notes.append(
                        f"“{row.get('drug')}” is not in the catalogue: define its class and minimum adequate dose (rules §1.2)"
                    )
            proposal.add(kind, where, fields, notes, unmapped)
        elif kind == "ect_courses":
            fields = {column: row.get(column, "") for column in ECT_COLUMNS}
            fields["electrode_placement"] = code_text(fields["electrode_placement"])
            fields["outcome"] = code_text(fields["outcome"])
            proposal.add(kind, where, fields)
        elif kind == "other_courses":
            fields = {column: row.get(column, "") for column in COURSE_COLUMNS}
            fields["kind"] = code_text(fields["kind"])
            fields["outcome"] = code_text(fields["outcome"])
            proposal.add(kind, where, fields)
        else:
            fields = {column: row.get(column, "") for column in SCORE_COLUMNS}
            fields["scale"] = fields["scale"].upper()
            proposal.add(kind, where, fields)
    if not proposal.row_count():
        raise ImportFileError("The CSV file has a header but no rows.")
    return proposal
