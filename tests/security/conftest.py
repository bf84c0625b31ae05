# The signed-in user, client and clock of the page tests.
from tests.pages.conftest import auth_client, clock, user  # noqa: F401
