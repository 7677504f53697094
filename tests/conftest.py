"""Hypothesis profiles: ``default`` for every run (CI included), ``thorough`` for long runs.

    HYPOTHESIS_PROFILE=thorough ./dev test
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
