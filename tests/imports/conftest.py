from tests.fhir.conftest import demo_client, demo_clinic, demo_patients  # noqa: F401
