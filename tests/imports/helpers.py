"""Uploading a file through the import page and accepting its review page as a clinician would."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from patients.models import ImportBatch
from tests.html_forms import post_data


def upload(client, patient, content: bytes | str, name: str = "history.json"):
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        reverse("patients:import", args=[patient.pk]), {"file": SimpleUploadedFile(name, content)}, follow=False
    )


def upload_json(client, patient, document: dict, name: str = "bundle.json"):
    return upload(client, patient, json.dumps(document), name)


def latest_batch(patient) -> ImportBatch:
    return ImportBatch.objects.filter(patient=patient).latest("pk")


def review_page(client, patient, batch):
    return client.get(reverse("patients:import_review", args=[patient.pk, batch.pk]))


def accept_as_shown(client, patient, batch, **changes):
    """Post the review page back unchanged (every row accepted), with some fields changed."""
    page = review_page(client, patient, batch)
    assert page.status_code == 200
    data = post_data(page.content.decode(), **changes)
    data.pop("discard", None)
    data["accept"] = "1"
    return client.post(reverse("patients:import_review", args=[patient.pk, batch.pk]), data)
