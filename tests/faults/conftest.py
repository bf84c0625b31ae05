# The signed-in, stepped-up client and clock of the page tests.
from tests.pages.conftest import auth_client, clock, stepped_up, user  # noqa: F401
