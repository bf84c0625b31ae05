"""WSGI entry point of the demo. Mounts the Logto emulator at /logto/ when no Logto is configured."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")

application = get_wsgi_application()

if settings.LOGTO_EMULATOR_MOUNTED:
    from logto_emulator.seed import announce_demo_user, demo_state
    from logto_emulator.wsgi import mount

    application = mount(application, prefix="/logto", state=demo_state())
    announce_demo_user()
