"""``motcua-intake`` / ``python -m motcua_intake``: without a command, start the service; with
one of the administrators' commands (:mod:`motcua_intake.admin`), run it."""

from __future__ import annotations

import sys


def main() -> None:
    from motcua_intake import admin

    if len(sys.argv) > 1 and sys.argv[1] in admin.COMMANDS:
        sys.exit(admin.main(sys.argv[1:]))
    from motcua_intake.main import main as serve

    serve()
