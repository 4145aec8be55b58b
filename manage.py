#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hyvakaytanto.settings")
    if "SECRET_KEY" not in os.environ and "DEBUG" not in os.environ:
        # A checkout with no environment at all is a developer's: production always sets
        # SECRET_KEY (and the web server starts through wsgi.py, never through this file).
        print(
            "manage.py: no SECRET_KEY or DEBUG set; using development settings (DEBUG=1).",
            file=sys.stderr,
        )
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
