"""The emulator's answers checked against Logto's OpenAPI document: the subset of it for the
routes the emulator serves (``logto-openapi-subset.json``, recorded by :mod:`.record` from a live
Logto), which routes that is (:mod:`.served`) and the check itself (:mod:`.document`)."""
