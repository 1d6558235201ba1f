"""No patient name, record number or date of birth reaches the logs during a full workflow."""

from __future__ import annotations

import io
import logging

import pytest
from django.urls import reverse

from patients.models import Patient
from staging.engine.inputs import SCREENING_ITEMS
from tests.factories import PASSWORD, make_user
from trd_clinic.logging import strip_query_strings

NAME = "Zebedee Quixotic-Marchbanks"
RECORD_NUMBER = "RN-QX-998877"
BORN = "1961-07-23"
IDENTIFYING = [
    NAME,
    "Zebedee",
    "Marchbanks",
    RECORD_NUMBER,
    "998877",
    BORN,
    "23 Jul 1961",
    "23/07/1961",
    "July 23, 1961",
]


@pytest.fixture
def captured_logs(caplog):
    """Everything logged at any level by any logger, as text."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    loggers = [logging.getLogger(), logging.getLogger("django.server"), logging.getLogger("django")]
    previous = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    yield lambda: stream.getvalue() + "\n".join(f"{record.name} {record.getMessage()}" for record in caplog.records)
    for logger, level in previous:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_a_full_workflow_logs_nothing_identifying(client, clinic, captured_logs):
    make_user(clinic, username="dr_logs")
    assert client.post(reverse("login"), {"username": "dr_logs", "password": "not-the-password"}).status_code == 200
    assert client.post(reverse("login"), {"username": "dr_logs", "password": PASSWORD}).status_code == 302

    response = client.post(
        reverse("patients:create"),
        {"record_number": RECORD_NUMBER, "name": NAME, "date_of_birth": BORN, "sex": "male"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    patient = Patient.objects.get(record_number=RECORD_NUMBER)
    # The same record number again: a rejected form, which names the number in its message.
    duplicate = client.post(
        reverse("patients:create"),
        {"record_number": RECORD_NUMBER, "name": NAME, "date_of_birth": BORN, "sex": "male"},
    )
    assert duplicate.status_code == 200

    episode = client.post(
        reverse("patients:episode", args=[patient.pk]),
        {
            "onset": "2025-01-10",
            "severity": "severe",
            "functional_impairment": "moderate",
            **dict.fromkeys(SCREENING_ITEMS, "not_screened"),
        },
    )
    assert episode.status_code == 302, episode.content.decode()[:3000]
    for query in ({"q": NAME}, {"q": RECORD_NUMBER}, {"q": "Zebedee", "sort": "name"}):
        assert client.get(reverse("patients:list"), query).status_code == 200
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 200
    assert client.get(reverse("patients:trials", args=[patient.pk])).status_code == 200
    client.get(reverse("staging:report", args=[patient.pk]))
    # A page that does not exist, with the search in its query: django.request logs a warning.
    assert client.get("/patients/999999/", {"q": NAME}).status_code == 404
    # What runserver's request log would write for a search (django.server, not active in tests).
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /?q={NAME.replace(' ', '+')} HTTP/1.1", 200, 1234)
    client.post(reverse("logout"))

    logs = captured_logs()
    assert "Not Found: /patients/999999/" in logs  # the capture works: something was logged
    assert '"GET /?… HTTP/1.1" 200' in logs
    leaked = [value for value in IDENTIFYING if value.lower() in logs.lower()]
    assert leaked == [], f"identifying values in the logs: {leaked}"


@pytest.mark.parametrize(
    ("line", "cleaned"),
    [
        ("GET /?q=Smith&stage=3 HTTP/1.1", "GET /?… HTTP/1.1"),
        ('"GET /patients/4/ HTTP/1.1" 200', '"GET /patients/4/ HTTP/1.1" 200'),
        ("Not Found: /x/?q=Jones", "Not Found: /x/?…"),
    ],
)
def test_query_strings_are_cut_from_log_lines(line, cleaned):
    assert strip_query_strings(line) == cleaned
