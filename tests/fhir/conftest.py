from io import StringIO

import pytest
from django.core.management import call_command

from patients.models import Clinic, Patient


@pytest.fixture
def demo_clinic(db, settings):
    """The demo clinic of patients/demo.py (seed_demo), with its clinician logged-in client."""
    settings.DEBUG = True  # seed_demo refuses to run without it (published passwords)
    call_command("seed_demo", stdout=StringIO())
    return Clinic.objects.get(slug="demo")


@pytest.fixture
def demo_patients(demo_clinic):
    return list(Patient.objects.filter(clinic=demo_clinic).order_by("pk"))


@pytest.fixture
def demo_client(client, demo_clinic):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="clinician"))
    return client
