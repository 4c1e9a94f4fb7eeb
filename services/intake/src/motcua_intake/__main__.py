"""``python -m motcua_intake`` starts the intake service; ``python -m motcua_intake <command>``
runs an administrator's command (see :mod:`motcua_intake.admin`)."""

import sys

from motcua_intake import admin
from motcua_intake.main import main

if len(sys.argv) > 1 and sys.argv[1] in admin.COMMANDS:
    sys.exit(admin.main(sys.argv[1:]))
main()
