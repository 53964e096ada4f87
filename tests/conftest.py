"""Global pytest configuration: Hypothesis profiles.

CI (the environment variable CI is set) runs a fixed sequence of examples, so a run is
reproducible and only a change of code can turn it red; developers' runs explore new examples
each time (and keep failures in .hypothesis/). ``HYPOTHESIS_PROFILE=deep`` explores much more.
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("dev", deadline=None, print_blob=True)
settings.register_profile("ci", deadline=None, print_blob=True, derandomize=True)
settings.register_profile("deep", deadline=None, print_blob=True, max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI")
                                     else "dev"))


@pytest.fixture
def at():
    """The app under Streamlit's AppTest, after its first run."""
    from tests.app_helpers import started_app

    return started_app()
