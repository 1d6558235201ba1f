import pytest


@pytest.fixture(autouse=True)
def _no_login_lockouts(db):
    """django-axes keeps failed log-ins in the database: every test starts with none."""
    from axes.utils import reset

    reset()
    yield
    reset()
