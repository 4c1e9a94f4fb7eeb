"""Which national statuses (1–10, :mod:`motcua_platform.contracts.status`) workflow acts in."""

from __future__ import annotations

from motcua_platform.contracts.status import NationalStatus

# The case's status is the national status; the name reads better in this service's code.
CaseStatus = NationalStatus

OPEN_STATUSES = frozenset(status for status in CaseStatus if status.is_open)

# Statuses in which officials work on the dossier: steps, decisions, supplement requests.
WORKING_STATUSES = frozenset({CaseStatus.ACCEPTED, CaseStatus.PROCESSING})

# Statuses in which the deadline clock runs and the scanner watches the case. While waiting for
# the citizen's supplement the clock is stopped (pause) or about to restart, so it is left out.
CLOCK_RUNNING_STATUSES = frozenset(
    {
        CaseStatus.ACCEPTED,
        CaseStatus.PROCESSING,
        CaseStatus.AWAITING_PAYMENT,
        CaseStatus.WITHDRAWAL_REQUESTED,
    }
)
