"""Round trip: a patient exported as a FHIR Bundle and imported into a new patient stages the same."""

from __future__ import annotations

import json

from django.urls import reverse

from patients.models import Patient
from tests.imports.helpers import accept_as_shown, latest_batch, upload


def _new_patient_like(patient: Patient) -> Patient:
    return Patient.objects.create(
        clinic=patient.clinic,
        record_number=f"COPY-{patient.pk}",
        name=f"Copy of {patient.pk}",
        date_of_birth=patient.date_of_birth,
        sex=patient.sex,
    )


def test_every_demo_patient_round_trips_to_the_same_staging(demo_client, demo_patients):
    staged = [patient for patient in demo_patients if patient.current_snapshot_id]
    assert len(staged) >= 20
    for patient in staged:
        exported = demo_client.get(reverse("patients:fhir", args=[patient.pk]))
        assert exported.status_code == 200
        copy = _new_patient_like(patient)
        response = upload(demo_client, copy, exported.content, name="export.json")
        assert response.status_code == 302, response.content.decode()[:2000]
        batch = latest_batch(copy)
        response = accept_as_shown(demo_client, copy, batch)
        assert response.status_code == 302, (patient.name, response.content.decode()[-4000:])
        patient.refresh_from_db()
        copy.refresh_from_db()
        original = patient.current_snapshot.result
        imported = copy.current_snapshot.result
        assert json.dumps(imported, sort_keys=True) == json.dumps(original, sort_keys=True), patient.name
        source, imported_episode = patient.episodes.get(ended_on__isnull=True), copy.episodes.get()
        for relation in ("trials", "ect_courses", "other_courses", "scale_scores"):
            assert getattr(imported_episode, relation).count() == getattr(source, relation).count(), relation
        assert imported_episode.screening() == source.screening()
        assert [trial.drug for trial in imported_episode.trials.all()] == [trial.drug for trial in source.trials.all()]
