"""HTTP: request → command or query, with auth and unit-scope checks; no business rule here."""

from motcua_feedback.api import admin, complaints, kiosk, ratings

ROUTERS = (kiosk.router, ratings.router, complaints.router, admin.router)

__all__ = ["ROUTERS"]
