# The mock Logto that notes every write, for the Off / ReadOnly / Edit matrix too.
from tests.security.test_matrix import logto_writes  # noqa: E402,F401
