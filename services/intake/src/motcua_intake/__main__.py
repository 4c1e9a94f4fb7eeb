"""``python -m motcua_intake`` starts the intake service."""

from motcua_intake.main import main

main()
