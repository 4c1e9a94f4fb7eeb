"""``python -m motcua_intake`` starts the intake service, or runs an administrator's command."""

from motcua_intake.cli import main

main()
