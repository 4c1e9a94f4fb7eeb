"""``python -m motcua_portal`` starts the citizens' portal."""

from motcua_portal.main import main

main()
