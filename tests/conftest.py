"""Global pytest configuration: Hypothesis profile only."""

from hypothesis import settings

settings.register_profile("ci", deadline=None, derandomize=False, print_blob=True)
settings.load_profile("ci")
