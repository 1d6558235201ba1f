"""manage.py staging_report: one patient to a file, or every staged patient to a directory."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.management import CommandError, call_command

from staging.models import GeneratedReport
from tests.factories import make_patient, make_staged_trd_patient, make_user
from tests.staging.pdf_helpers import flat, page_texts


def run(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("staging_report", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_one_patient_to_a_file(clinic, tmp_path):
    patient = make_staged_trd_patient(clinic, name="Dana Sample", record_number="NC-1001")
    output = tmp_path / "referral.pdf"

    stdout, _ = run("NC-1001", "--clinic", clinic.slug, "--output", str(output))

    pdf = output.read_bytes()
    text = flat(" ".join(page_texts(pdf)))
    assert "Dana Sample" in text and "NC-1001" in text
    record = GeneratedReport.objects.get()
    assert record.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (record.patient, record.generated_by, record.generated_by_user, record.channel) == (
        patient,
        "command line",
        None,
        "command",
    )
    assert record.sha256 in stdout
    assert "Dana" not in stdout and "NC-1001" not in stdout


def test_user_is_recorded_and_signs(clinic, tmp_path):
    make_staged_trd_patient(clinic, record_number="NC-1002")
    user = make_user(clinic, username="dr_hale")

    run("NC-1002", "--clinic", clinic.slug, "--output", str(tmp_path / "r.pdf"), "--user", "dr_hale")

    record = GeneratedReport.objects.get()
    assert (record.generated_by_user, record.generated_by) == (user, "dr_hale")
    assert user.get_full_name() in flat(page_texts((tmp_path / "r.pdf").read_bytes())[0])


def test_paper_option(clinic, tmp_path):
    make_staged_trd_patient(clinic, record_number="NC-1003")

    run("NC-1003", "--clinic", clinic.slug, "--output", str(tmp_path / "r.pdf"), "--paper", "Letter")

    assert GeneratedReport.objects.get().paper_size == "Letter"


def test_all_writes_one_file_per_staged_patient_named_by_clinic_and_id(clinic, other_clinic, tmp_path):
    north = [make_staged_trd_patient(clinic, name=f"North Person {n}") for n in range(2)]
    south = make_staged_trd_patient(other_clinic, name="South Person")
    unstaged = make_patient(clinic, name="Not Yet Staged")
    output = tmp_path / "batch"

    stdout, stderr = run("--all", "--output", str(output))

    expected = {f"{clinic.slug}-{p.pk}.pdf" for p in north} | {f"{other_clinic.slug}-{south.pk}.pdf"}
    assert {path.name for path in output.iterdir()} == expected
    assert GeneratedReport.objects.count() == 3
    for record in GeneratedReport.objects.select_related("patient__clinic"):
        pdf = (output / f"{record.patient.clinic.slug}-{record.patient_id}.pdf").read_bytes()
        assert record.sha256 == hashlib.sha256(pdf).hexdigest()
    assert "3/3 reports" in stderr and "[" in stderr  # the progress bar
    assert f"Wrote 3 reports to {output}" in stdout
    assert f"ids {unstaged.pk}" in stdout
    assert "Person" not in stdout + stderr and "Not Yet" not in stdout + stderr


def test_all_limited_to_one_clinic(clinic, other_clinic, tmp_path):
    mine = make_staged_trd_patient(clinic)
    make_staged_trd_patient(other_clinic)

    run("--all", "--clinic", clinic.slug, "--output", str(tmp_path))

    assert [path.name for path in tmp_path.iterdir()] == [f"{clinic.slug}-{mine.pk}.pdf"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["NC-1", "--clinic", "north"], "--output is required"),
        (["--all"], "--output is required"),
        (["--output", "x.pdf"], "either a RECORD_NUMBER"),
        (["NC-1", "--all", "--output", "x"], "either a RECORD_NUMBER"),
        (["NC-1", "--output", "x.pdf"], "--clinic is required"),
        (["NC-1", "--clinic", "nowhere", "--output", "x.pdf"], "No clinic with slug 'nowhere'"),
        (["NC-1", "--clinic", "north", "--output", "x.pdf", "--user", "ghost"], "No user with username 'ghost'"),
    ],
)
def test_usage_errors(db, arguments, message):
    from patients.models import Clinic

    Clinic.objects.create(name="North", slug="north")
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*arguments)
    assert not GeneratedReport.objects.exists()


def test_unknown_record_number(clinic, other_clinic, tmp_path):
    make_staged_trd_patient(other_clinic, record_number="SC-9")

    with pytest.raises(CommandError, match="No patient with that record number in clinic") as error:
        run("SC-9", "--clinic", clinic.slug, "--output", str(tmp_path / "r.pdf"))
    assert "SC-9" not in str(error.value)
    assert not (tmp_path / "r.pdf").exists()


def test_patient_without_staging(clinic, tmp_path):
    patient = make_patient(clinic, record_number="NC-77")

    with pytest.raises(CommandError, match=f"Patient {patient.pk} has no current staging"):
        run("NC-77", "--clinic", clinic.slug, "--output", str(tmp_path / "r.pdf"))
    assert not (tmp_path / "r.pdf").exists()
    assert not GeneratedReport.objects.exists()


def test_user_sees_only_their_clinic(clinic, other_clinic, tmp_path):
    make_staged_trd_patient(other_clinic, record_number="SC-1")
    make_user(clinic, username="dr_north_only")

    with pytest.raises(CommandError, match="No patient with that record number"):
        run("SC-1", "--clinic", other_clinic.slug, "--output", str(tmp_path / "r.pdf"), "--user", "dr_north_only")
