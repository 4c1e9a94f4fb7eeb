"""Who may do what (architecture §9): one table for every service.

Every official reads within their unit scope, auditors included; auditors never change anything.
The unit scope itself is checked by :class:`~motcua_platform.auth.Principal` on each subject.
"""

from __future__ import annotations

from motcua_platform.auth.principal import ROLES

# Any official: reads of dossiers, cases, forms, work queues and PAKN within scope.
READERS: tuple[str, ...] = tuple(sorted(ROLES))
# Unit figures (reports, satisfaction): the counter and the unit's leadership, admins, auditors.
REPORT_READERS = ("admin", "auditor", "leader", "receiver")
# The one-stop counter: intake decisions, receipts.
RECEIVERS = ("receiver",)
# Those who process a case: steps, supplement requests, decisions.
CASE_WORKERS = ("leader", "receiver", "specialist")
# Handing the result over: the counter, or the leader who signed it.
RETURNERS = ("leader", "receiver")
# Extensions (Mẫu 04) are signed by the head of the unit.
LEADERS = ("leader",)
# Classifying and answering PAKN: any official who handles them, never an auditor.
COMPLAINT_HANDLERS = ("admin", "leader", "receiver", "specialist")
# Printing an online rating token with the returned result.
TOKEN_PRINTERS = ("admin", "leader", "receiver")
# A kiosk device link makes a tablet the counter's kiosk: handed out by the unit's leadership.
KIOSK_ISSUERS = ("admin", "leader")
# Moving simulated time and other operations.
ADMINS = ("admin",)
