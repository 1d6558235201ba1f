"""System check staging.E001: a malformed catalogue stops start-up, naming the row."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from staging.checks import check_catalogue

HEADER = "drug,class,min_dose_mg,min_dose_65_mg,source\n"


def test_shipped_catalogue_passes(settings):
    if hasattr(settings, "TRD_CATALOGUE_PATH"):
        del settings.TRD_CATALOGUE_PATH
    assert check_catalogue() == []


def test_each_bad_row_is_one_error_naming_the_line(tmp_path, settings):
    path = tmp_path / "site.csv"
    path.write_text(HEADER + "sertraline,SSRI,50,25,ATRQ\nfoo,SSRi,10,,label\nbar,SNRI,-1,,\n")
    settings.TRD_CATALOGUE_PATH = str(path)
    errors = check_catalogue()
    assert [error.id for error in errors] == ["staging.E001"] * 3
    assert (
        errors[0].msg == f"Antidepressant catalogue {path}, line 3: foo: unknown class 'SSRi' "
        "(expected one of SSRI, SNRI, TCA, MAOI, RIMA, NDRI, NaSSA, SARI, multimodal, melatonergic, NRI)"
    )
    assert "line 4: bar: min_dose_mg '-1' must be greater than 0" in errors[1].msg
    assert "line 4: bar: source is empty" in errors[2].msg


def test_missing_site_file_is_an_error(tmp_path, settings):
    settings.TRD_CATALOGUE_PATH = str(tmp_path / "absent.csv")
    [error] = check_catalogue()
    assert error.id == "staging.E001" and "cannot read the file" in error.msg


def test_manage_py_check_fails_on_a_bad_catalogue(tmp_path, settings):
    path = tmp_path / "site.csv"
    path.write_text(HEADER + "foo,SSRI,zero,,label\n")
    settings.TRD_CATALOGUE_PATH = str(path)
    with pytest.raises(SystemCheckError, match=r"staging.E001.*line 2: foo: min_dose_mg 'zero' is not a number"):
        call_command("check")
