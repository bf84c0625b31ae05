#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")
    from django.core.management import execute_from_command_line

    from demo_project.ports import runserver_argv

    # Before the settings load: the embedded emulator's URLs follow runserver's port.
    execute_from_command_line(runserver_argv(sys.argv, os.environ))
