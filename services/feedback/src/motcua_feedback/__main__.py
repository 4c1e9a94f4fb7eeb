"""``python -m motcua_feedback`` starts the service."""

from motcua_feedback.main import main

main()
