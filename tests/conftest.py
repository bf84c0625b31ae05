from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Tokens, discovery documents and rate-limit counters live in the cache: no test may see
    another's."""
    cache.clear()
    yield
    cache.clear()
