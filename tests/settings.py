"""Settings for the test suite: the project's settings in development mode.

DJANGO_DEBUG is off unless set (trd_clinic/settings.py), so `python -m pytest` on its own would
run as production and stop for want of a secret key. The tests are a development environment:
this sets DJANGO_DEBUG=1 unless the caller chose otherwise, then loads the real settings, so
every test runs against exactly what is deployed. Subprocesses the tests start inherit it.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from trd_clinic.settings import *  # noqa: F403
