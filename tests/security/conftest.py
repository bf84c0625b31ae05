# The signed-in user, client and clock of the page tests.
from tests.pages.conftest import auth_client, clock, stepped_up, user  # noqa: F401

# The mock Logto that notes every write, for the Off / ReadOnly / Edit matrix too.
from tests.security.test_matrix import logto_writes  # noqa: E402,F401
