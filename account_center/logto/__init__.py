"""The service layer: the only code that talks HTTP to Logto.

Views, forms and flows call :func:`account_center.logto.client.get_client` and work with the
typed results in :mod:`.models` and the typed errors in :mod:`.errors`.
"""
