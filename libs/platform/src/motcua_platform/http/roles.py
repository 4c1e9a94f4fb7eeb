"""The role checks of the roles table (:mod:`motcua_platform.auth.roles`) as FastAPI
dependencies, built once for every service."""

from __future__ import annotations

from motcua_platform.auth import roles
from motcua_platform.http.security import require_roles

readers = require_roles(*roles.READERS)
report_readers = require_roles(*roles.REPORT_READERS)
receivers = require_roles(*roles.RECEIVERS)
case_workers = require_roles(*roles.CASE_WORKERS)
returners = require_roles(*roles.RETURNERS)
leaders = require_roles(*roles.LEADERS)
complaint_handlers = require_roles(*roles.COMPLAINT_HANDLERS)
token_printers = require_roles(*roles.TOKEN_PRINTERS)
kiosk_issuers = require_roles(*roles.KIOSK_ISSUERS)
admins = require_roles(*roles.ADMINS)
