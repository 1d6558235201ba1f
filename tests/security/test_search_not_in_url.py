"""Search terms never reach a URL: the list's search is posted (with CSRF) and kept in the
session; page and sort links carry only the other filters. A list records the ids it showed."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from tests.factories import make_patient

LIST = reverse("patients:list")


def test_the_search_is_posted_and_never_put_in_a_url(clinician_client, clinic):
    for number in range(30):
        make_patient(clinic, name=f"Zebedee {number:02d}")
    html = clinician_client.get(LIST).content.decode()
    assert '<form method="post" action="/"' in html and "csrfmiddlewaretoken" in html

    response = clinician_client.post(LIST, {"q": "Zebedee", "label": "", "sort": "-name"})
    assert response.status_code == 302
    assert "Zebedee" not in response["Location"] and response["Location"] == "/?sort=-name"
    page = clinician_client.get(response["Location"])
    html = page.content.decode()
    assert "Zebedee 29" in html  # the search applies, from the session
    assert "q=" not in html.replace('name="q"', "")  # no link carries it
    assert "Zebedee 04" in clinician_client.get(LIST, {"sort": "-name", "page": "2"}).content.decode()


def test_a_search_in_an_old_link_is_ignored(clinician_client, clinic):
    make_patient(clinic, name="Alice Archer")
    make_patient(clinic, name="Bruno Baker")
    assert b"Bruno Baker" in clinician_client.get(LIST, {"q": "Alice"}).content


def test_clearing_forgets_the_search(clinician_client, clinic):
    make_patient(clinic, name="Alice Archer")
    make_patient(clinic, name="Bruno Baker")
    clinician_client.post(LIST, {"q": "Alice"})
    assert b"Bruno Baker" not in clinician_client.get(LIST).content
    clinician_client.post(LIST, {"q": "Alice", "clear": "1"})
    assert b"Bruno Baker" in clinician_client.get(LIST).content


def test_the_search_post_needs_the_csrf_token(clinician, clinic):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clinician)
    assert client.post(LIST, {"q": "Alice"}).status_code == 403


def test_the_list_records_the_patients_on_its_page(clinician_client, clinic):
    shown = [make_patient(clinic, name=f"Listed {number}") for number in range(3)]
    clinician_client.get(LIST)
    entry = AuditEntry.objects.filter(action=AuditEntry.LIST).get()
    assert entry.patient_set_ids == sorted(patient.pk for patient in shown)
    assert entry.changes == {"what": "patients:list"}
