"""The one roles table: every official reads, auditors never change anything."""

from __future__ import annotations

from motcua_platform.auth import ROLES, roles

WRITERS = (
    roles.RECEIVERS,
    roles.CASE_WORKERS,
    roles.RETURNERS,
    roles.LEADERS,
    roles.COMPLAINT_HANDLERS,
    roles.TOKEN_PRINTERS,
    roles.KIOSK_ISSUERS,
    roles.ADMINS,
)


def test_every_official_reads_within_scope() -> None:
    assert set(roles.READERS) == ROLES
    assert "auditor" in roles.REPORT_READERS


def test_auditors_change_nothing() -> None:
    for writers in WRITERS:
        assert "auditor" not in writers
        assert set(writers) <= ROLES
