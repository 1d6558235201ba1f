"""The catalogue's rxnorm and atc columns: validated like the rest, optional, verified values."""

from __future__ import annotations

import pytest

from staging.engine.catalogue import CatalogueError, default_catalogue, parse_catalogue

HEADER = "drug,class,min_dose_mg,min_dose_65_mg,source,rxnorm,atc\n"


def test_malformed_codes_are_reported_with_their_line():
    text = HEADER + "sertraline,SSRI,50,25,ATRQ,36437,N06AB06\nfluoxetine,SSRI,20,10,ATRQ,abc,N6AB03\n"
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(text)
    messages = [message for line, message in raised.value.errors if line == 3]
    assert any("rxnorm 'abc'" in message for message in messages)
    assert any("atc 'N6AB03'" in message for message in messages)


def test_codes_are_optional_and_a_five_column_site_copy_still_loads():
    assert parse_catalogue(HEADER + "sertraline,SSRI,50,25,ATRQ,,\n").get("sertraline").rxnorm == ""
    old = parse_catalogue("drug,class,min_dose_mg,min_dose_65_mg,source\nsertraline,SSRI,50,25,ATRQ\n")
    entry = old.get("sertraline")
    assert (entry.min_dose_mg, entry.rxnorm, entry.atc) == (50, "", "")


def test_the_shipped_codes_are_the_verified_ones():
    catalogue = default_catalogue()
    # Cross-checked against the CPIC drug table (staging/engine/data/README.md).
    assert {drug: catalogue.get(drug).rxnorm for drug in ("sertraline", "fluoxetine", "escitalopram", "bupropion")} == {
        "sertraline": "36437",
        "fluoxetine": "4493",
        "escitalopram": "321988",
        "bupropion": "42347",
    }
    assert all(entry.atc for entry in catalogue.entries)  # every drug has its WHO ATC code
    assert len({entry.rxnorm for entry in catalogue.entries if entry.rxnorm}) == sum(
        1 for entry in catalogue.entries if entry.rxnorm
    )  # no code given to two drugs
