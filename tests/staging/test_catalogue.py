"""Catalogue loading and validation (rules §2, §9)."""

from __future__ import annotations

import hashlib

import pytest

from staging.engine.catalogue import (
    SHIPPED_CATALOGUE_PATH,
    CatalogueEntry,
    CatalogueError,
    default_catalogue,
    load_catalogue,
    parse_catalogue,
)
from staging.engine.inputs import DRUG_CLASSES, RULESET_ID

HEADER = "drug,class,min_dose_mg,min_dose_65_mg,source\n"

TCA_150 = [
    "amitriptyline",
    "amoxapine",
    "clomipramine",
    "desipramine",
    "doxepin",
    "imipramine",
    "maprotiline",
    "trimipramine",
]


def test_shipped_catalogue_is_the_ruleset_and_has_every_drug_of_section_9():
    catalogue = default_catalogue()
    assert catalogue.ruleset_id == RULESET_ID == "trd-2026.2"
    assert len(catalogue) == 37
    assert [entry.drug for entry in catalogue.entries] == sorted(entry.drug for entry in catalogue.entries)
    assert catalogue.get("sertraline") == CatalogueEntry("sertraline", "SSRI", 50, 25, "ATRQ", "36437", "N06AB06")
    assert catalogue.get("milnacipran") == CatalogueEntry("milnacipran", "SNRI", 100, None, "label", "", "N06AX17")
    assert catalogue.get("mirtazapine").min_dose_65_mg == 7.5
    assert catalogue.get("selegiline_transdermal") == CatalogueEntry(
        "selegiline_transdermal", "MAOI", 6, None, "label", "", "N04BD01"
    )
    assert catalogue.get("moclobemide").drug_class == "RIMA"
    assert catalogue.get("isocarboxazid").source == "ATRQ"
    assert catalogue.get("lithium") is None
    for drug in TCA_150:
        entry = catalogue.get(drug)
        assert (entry.drug_class, entry.min_dose_mg, entry.min_dose_65_mg, entry.source) == ("TCA", 150, 100, "ATRQ")
    assert {entry.source for entry in catalogue.entries} == {"ATRQ", "label"}
    assert {entry.drug_class for entry in catalogue.entries} == set(DRUG_CLASSES)


def test_default_catalogue_is_loaded_once():
    assert default_catalogue() is default_catalogue()


def test_minimum_dose_for_age_uses_the_65_column_only_when_it_has_a_value():
    catalogue = default_catalogue()
    assert catalogue.get("sertraline").minimum_dose_for_age(64) == (50, False)
    assert catalogue.get("sertraline").minimum_dose_for_age(65) == (25, True)
    assert catalogue.get("sertraline").minimum_dose_for_age(None) == (50, False)
    assert catalogue.get("bupropion").minimum_dose_for_age(80) == (300, False)


def test_an_edited_file_changes_the_ruleset_id(tmp_path):
    text = SHIPPED_CATALOGUE_PATH.read_text().replace("sertraline,SSRI,50,25", "sertraline,SSRI,75,25")
    path = tmp_path / "site.csv"
    path.write_text(text)
    catalogue = load_catalogue(path)
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert catalogue.ruleset_id == f"trd-2026.2+site-{digest[:8]}"
    assert catalogue.get("sertraline").min_dose_mg == 75


def test_a_copy_of_the_shipped_file_keeps_the_ruleset_id(tmp_path):
    path = tmp_path / "copy.csv"
    path.write_bytes(SHIPPED_CATALOGUE_PATH.read_bytes().replace(b"\n", b"\r\n"))
    assert load_catalogue(path).ruleset_id == "trd-2026.2"


def test_every_bad_row_is_reported_with_its_line_number():
    text = (
        "# a comment line\n"
        + HEADER
        + "sertraline,SSRI,50,25,ATRQ\n"  # line 3: fine
        + "foo,SSRi,10,,label\n"  # line 4: unknown class
        + "bar,SNRI,0,,label\n"  # line 5: dose ≤ 0
        + "baz,SNRI,ten,,label\n"  # line 6: not a number
        + "sertraline,SSRI,50,25,ATRQ\n"  # line 7: duplicate
        + "qux,TCA,10,-5,\n"  # line 8: bad 65+ dose and empty source
        + "short,TCA\n"  # line 9: wrong column count
    )
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(text, "site.csv")
    errors = raised.value.errors
    assert [line for line, _ in errors] == [4, 5, 6, 7, 8, 8, 9]
    messages = {}
    for line, message in errors:
        messages.setdefault(line, []).append(message)
    assert "unknown class 'SSRi'" in messages[4][0]
    assert "must be greater than 0" in messages[5][0]
    assert "'ten' is not a number" in messages[6][0]
    assert "duplicate drug 'sertraline' (first on line 3)" in messages[7][0]
    assert "min_dose_65_mg '-5' must be greater than 0" in messages[8][0]
    assert "source is empty" in messages[8][1]
    assert "expected 5 columns" in messages[9][0]
    assert "site.csv line 4:" in str(raised.value)
    assert "7 errors" in str(raised.value)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "empty"),
        ("drug,klass,min,min65,source\nsertraline,SSRI,50,25,ATRQ\n", "header must be"),
        (HEADER, "no drug rows"),
        (HEADER + "sertraline,SSRI,nan,,ATRQ\n", "not a finite number"),
        (HEADER + "Sertraline,SSRI,50,,ATRQ\n", "lower-case"),
    ],
)
def test_malformed_files_are_rejected(text, expected):
    with pytest.raises(CatalogueError, match=expected):
        parse_catalogue(text)


def test_missing_and_non_utf8_files_raise_catalogue_errors(tmp_path):
    with pytest.raises(CatalogueError, match="cannot read"):
        load_catalogue(tmp_path / "missing.csv")
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + b"caf\xe9,SSRI,10,,label\n")
    with pytest.raises(CatalogueError, match="not UTF-8"):
        load_catalogue(path)
