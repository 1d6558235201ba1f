"""One staging, said the same way on the page, in the PDF and in the JSON (rules §7).

For staged patients that between them carry every §5 label, a trial of every outcome (§3.1)
and every adequacy reason (§3.2), ECT and another course, and DTD met and not met (§6), every
value, label, reason, note and flag the presentation holds must appear on the patient page and
in the real PDF (WeasyPrint, read back with pypdf); every sentence must also be in the JSON.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date

import pytest
from django.urls import reverse

from patients.patient_page import staging_view
from patients.services import restage
from staging.engine import vocabulary
from staging.views import load_staged_episode, produce_report
from tests.factories import make_ect, make_episode, make_other_course, make_patient, make_staged_trd_patient, make_trial
from tests.staging.pdf_helpers import flat, page_texts


def _staged(patient):
    restage(patient)
    patient.refresh_from_db()
    return patient


def _patients(clinic):
    """Each rules §5 label once, plus one patient with a trial of every outcome and reason."""
    trd = make_staged_trd_patient(clinic, name="Tess Resistant")

    remission = make_patient(clinic, name="Rémi Mission")
    make_trial(make_episode(remission, severity="mild"), "sertraline", 100, 8, improvement=80, outcome="remission")

    responding = make_patient(clinic, name="Resa Ponding")
    make_trial(make_episode(responding, severity="moderate"), "escitalopram", 20, 8, improvement=60)

    prd = make_patient(clinic, name="Parsi Partial")
    make_trial(make_episode(prd, severity="moderate"), "duloxetine", 60, 8, improvement=30)

    single = make_patient(clinic, name="Sian Single")
    make_trial(make_episode(single, severity="mild"), "citalopram", 20, 8, improvement=10)

    # rules §6: no treatment and mild severity -> DTD not met; §5: no counted trial -> not staged
    not_staged = make_patient(clinic, name="Nat Unstaged")
    make_episode(not_staged, severity="mild", onset=date(2026, 6, 1), vitamin_d="screened_negative")

    # every outcome of rules §3.1 (incl. unknown) and every reason of §3.2, with ECT and rTMS
    mixed = make_patient(clinic, name="Max Mixed")
    episode = make_episode(
        mixed,
        onset=date(2023, 1, 15),
        severity="severe_psychotic",
        functional_impairment="severe",
        comorbidities=["adhd", "personality_disorder"],
        psychosocial_stressors=True,
        bipolar_spectrum="positive",
        thyroid_function="screened_negative",
        vitamin_b12="screened_negative",
    )
    make_trial(episode, "sertraline", 25, 4, adherence=50, improvement=5)  # dose, too short, adherence
    make_trial(episode, "venlafaxine", 225, 8, adherence=90, outcome="intolerance")
    make_trial(episode, "fluoxetine", 40, 8, adherence=90, improvement=None)  # no outcome: unknown
    make_trial(episode, "mirtazapine", 45, 10, adherence=95, improvement=40, augmentation=[("lithium", 800)])
    make_trial(episode, "bupropion", 300, 8, adherence=95, improvement=10)
    make_trial(episode, "paroxetine", 40, 8, adherence=95, improvement=55)
    make_trial(episode, "vortioxetine", 20, 8, adherence=95, improvement=70, outcome="remission")
    make_ect(episode, placement="right_unilateral", outcome="partial_response", sessions=9)
    make_other_course(episode, kind="rtms", weeks=6, outcome="non_response")

    return [trd] + [_staged(patient) for patient in (remission, responding, prd, single, not_staged, mixed)]


def _page_text(client, patient) -> str:
    body = client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return flat(html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _json_strings(client, patient) -> list[str]:
    """Every string of the staging JSON's result (explanations, notes, reasons, flags)."""
    body = client.get(reverse("staging:json", args=[patient.pk])).json()
    strings: list[str] = []

    def walk(value):
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body["result"])
    return strings


def _sentences(staging) -> list[str]:
    """What the engine wrote: explanations, reasons, factors, notes and flags (rules §7)."""
    return [
        staging.thase_rush.explanation,
        staging.maudsley.explanation,
        staging.mgh.explanation,
        staging.classification.explanation,
        *staging.dtd.reasons,
        *staging.dtd.complexity_factors,
        *staging.notes,
        *[flag.message for flag in staging.flags],
        *[trial.explanation for trial in staging.trials],
    ]


def _words(staging) -> list[str]:
    """What the presentation worded: values, labels, verdicts, reasons and rows."""
    classification = staging.classification
    words = [
        f"as of {staging.as_of}".lower(),
        staging.thase_rush.value,
        staging.maudsley.value,
        staging.mgh.value,
        classification.label,
        classification.name,
        f"{classification.regulatory_trd.value} — {classification.regulatory_trd.detail}",
        f"{classification.chronic.value} — {classification.chronic.detail}",
        staging.dtd.status.value,
        *[fact.value for fact in staging.episode],
        *[item.name for item in staging.maudsley.items],
    ]
    if staging.maudsley.detail:
        words.append(staging.maudsley.detail)
    for trial in staging.trials:
        words += [trial.drug, trial.outcome, trial.adherence, trial.adequacy, trial.counting, *trial.inadequate_reasons]
        words += list(trial.augmentations)
    for course in staging.courses:
        words += [course.treatment, course.details, course.outcome]
    return [word for word in words if word]


@pytest.fixture
def staged_patients(clinic):
    return _patients(clinic)


def test_the_patients_cover_every_label_outcome_reason_ect_and_dtd(staged_patients):
    results = [patient.current_snapshot.result for patient in staged_patients]
    assert {result["classification"]["label"] for result in results} == set(vocabulary.LABELS)
    outcomes = {trial["outcome"] for result in results for trial in result["trials"]}
    assert outcomes == set(vocabulary.OUTCOMES)
    reasons = {code for result in results for trial in result["trials"] for code in trial["inadequate_reasons"]}
    assert reasons == set(vocabulary.ADEQUACY_REASONS)
    assert {result["dtd"]["met"] for result in results} == {True, False}
    assert any(patient.current_snapshot.input.get("ect_courses") for patient in staged_patients)


def test_page_pdf_and_json_say_the_same(clinician_client, clinician, staged_patients):
    for patient in staged_patients:
        snapshot, episode = load_staged_episode(patient)
        staging = staging_view(patient, snapshot, episode)
        page = _page_text(clinician_client, patient)
        pdf = flat(" ".join(page_texts(produce_report(patient, user=clinician).rendered.pdf)))
        json_strings = _json_strings(clinician_client, patient)
        json_text = " ".join(json_strings)

        for sentence in _sentences(staging):
            assert sentence, f"{patient.name}: an empty explanation"
            assert flat(sentence) in page, f"{patient.name}: page lacks {sentence!r}"
            assert flat(sentence) in pdf, f"{patient.name}: PDF lacks {sentence!r}"
            assert sentence in json_strings, f"{patient.name}: JSON lacks {sentence!r}"
        for words in _words(staging):
            assert words.lower() in page.lower(), f"{patient.name}: page lacks {words!r}"
            assert words.lower() in pdf.lower(), f"{patient.name}: PDF lacks {words!r}"

        # the JSON's codes are the ones whose words are shown; the sentences name them alike
        result = snapshot.result
        assert staging.thase_rush.value in json_text  # "Stage II: …" opens its explanation
        assert staging.classification.label == vocabulary.LABELS[result["classification"]["label"]].label
        assert f"{staging.classification.label}: " in result["classification"]["explanation"]
        for row, judged in zip(staging.trials, result["trials"], strict=True):
            assert row.outcome == vocabulary.OUTCOMES[judged["outcome"]].label
            assert vocabulary.OUTCOMES[judged["outcome"]].sentence in judged["explanation"]
            assert list(row.inadequate_reasons) == [
                vocabulary.ADEQUACY_REASONS[code].label for code in judged["inadequate_reasons"]
            ]


def test_interpretation_notes_are_collected_once_for_page_and_pdf(clinician_client, clinician, staged_patients):
    mixed = staged_patients[-1]
    snapshot, episode = load_staged_episode(mixed)
    staging = staging_view(mixed, snapshot, episode)
    expected = []
    for section in ("thase_rush", "maudsley", "mgh", "classification", "dtd"):
        for note in snapshot.result.get(section, {}).get("interpretation_notes", []):
            if note not in expected:
                expected.append(note)
    assert list(staging.notes) == expected and expected
    # rules §3.2: the 80 % adherence threshold is an interpretation used, so it is shown too
    assert any("80 % adherence" in note for note in expected)
    page = _page_text(clinician_client, mixed)
    pdf = flat(" ".join(page_texts(produce_report(mixed, user=clinician).rendered.pdf)))
    # the same notes, in the same order, on the page and on paper
    assert [page.index(flat(note)) for note in expected] == sorted(page.index(flat(note)) for note in expected)
    assert [pdf.index(flat(note)) for note in expected] == sorted(pdf.index(flat(note)) for note in expected)
    assert json.dumps(snapshot.result, ensure_ascii=False).count(expected[0]) >= 1
