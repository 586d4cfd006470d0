"""The hypothesis profile of the property-based tests (``tests/test_properties_*.py``).

Deterministic (``derandomize=True``: the same examples on every run and every machine, no example
database), a modest number of examples so the whole property suite stays under a minute on two
busy cores, and no per-example deadline (torch's first call of an operator is slow).

The profile is registered here and applied with ``@PROPERTIES`` on each property test rather than
with ``settings.load_profile``: loading it would change the defaults of every other hypothesis
test in the session (e.g. ``tests/test_metrics.py``) depending on collection order.
Set ``MLNOTES_PROPERTY_EXAMPLES`` (e.g. 500) for a longer local hunt; the examples stay deterministic.
"""

import os

from hypothesis import HealthCheck, settings

PROFILE = "mlnotes-properties"

settings.register_profile(
    PROFILE,
    derandomize=True,
    database=None,
    max_examples=int(os.environ.get("MLNOTES_PROPERTY_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=False,
)

PROPERTIES = settings.get_profile(PROFILE)
