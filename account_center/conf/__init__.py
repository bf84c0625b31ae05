"""What the site is configured to do: the Django settings read once (:mod:`.app_settings`), the
admin's overrides (:mod:`.site_settings`), Off / ReadOnly / Edit per feature (:mod:`.features`)
and the system checks of all of them (:mod:`.checks`, :mod:`.checks_features`)."""
