"""Which national statuses (1–10, :mod:`motcua_platform.contracts.status`) the workflow sets."""

from __future__ import annotations

from motcua_platform.contracts.status import NationalStatus

# A dossier's status is the national status; the name reads better in this service's code.
DossierStatus = NationalStatus

# Statuses set by the workflow service, which intake mirrors for the public lookup.
WORKFLOW_STATUSES = frozenset(
    {
        DossierStatus.ACCEPTED,
        DossierStatus.PROCESSING,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.AWAITING_PAYMENT,
        DossierStatus.STOPPED,
        DossierStatus.RESOLVED,
        DossierStatus.RETURNED,
    }
)
