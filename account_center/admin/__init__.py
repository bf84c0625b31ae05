"""The app's pages in Django admin, registered when Django's admin imports this package: the
audit trail and the Logto link on the user page (:mod:`.records`), the linked users and their
actions (:mod:`.users`), the one "Account center settings" page (:mod:`.settings_page`)."""

from . import records, settings_page, users  # noqa: F401  (registering is their import)
