import os

from hypothesis import HealthCheck, settings

# CI runs the same examples every time (no flaky reds); locally hypothesis explores anew.
settings.register_profile("ci", derandomize=True, deadline=None, max_examples=200,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
