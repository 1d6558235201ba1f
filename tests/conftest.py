import os

from hypothesis import HealthCheck, settings

# CI runs the same examples every time (no flaky reds); locally hypothesis explores anew.
settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


import pytest  # noqa: E402


@pytest.fixture
def clinic(db):
    from tests.factories import make_clinic

    return make_clinic("North Clinic")


@pytest.fixture
def other_clinic(db):
    from tests.factories import make_clinic

    return make_clinic("South Clinic")


@pytest.fixture
def clinician(clinic):
    from tests.factories import make_user

    return make_user(clinic, username="dr_north")


@pytest.fixture
def two_clinicians(clinic, clinician):
    """Two browsers of two clinicians of the clinic (the edit-conflict tests)."""
    from django.test import Client

    from tests.factories import make_user

    first, second = Client(), Client()
    first.force_login(clinician)
    second.force_login(make_user(clinic, username="dr_second"))
    return first, second


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client
