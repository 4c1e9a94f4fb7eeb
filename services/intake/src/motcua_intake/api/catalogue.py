"""Public reference data: administrative units with their agency codes, and the procedure
catalogue with the version in force."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query

from motcua_intake.api import answers
from motcua_intake.api.deps import intake_of
from motcua_intake.context import IntakeContext
from motcua_intake.domain.procedures import Procedure, ProcedureVersion
from motcua_intake.domain.units import Unit
from motcua_platform.http.pagination import cursor_query, position_page
from motcua_platform.timeliness import HOURS_PER_WORKING_DAY

router = APIRouter(tags=["catalogue"])


@router.get(
    "/units",
    response_model=answers.UnitPage,
    summary="Administrative units and their agency codes (paged)",
)
def list_units(
    parent: str | None = Query(None, description="Agency code of a province: its communes"),
    level: Literal["province", "commune"] | None = None,
    q: str | None = Query(None, max_length=100, description="Part of the name"),
    on: date | None = Query(
        None, description="The units as they stood that day (YYYY-MM-DD); the latest if unset"
    ),
    limit: int = Query(100, ge=1, le=1000),
    cursor: str | None = cursor_query(),
    intake: IntakeContext = Depends(intake_of),
) -> dict[str, Any]:
    units: list[Unit] = intake.units.all()
    if parent:
        intake.unit(parent, "parent")  # 404 naming the parameter
        units = intake.units.children(parent)
    if on is not None:
        units = [row for u in units for row in intake.units.history(u.code) if row.valid_on(on)]
    if level:
        units = [u for u in units if u.level == level]
    if q:
        needle = q.casefold()
        units = [u for u in units if needle in u.name.casefold()]
    page, next_cursor = position_page(units, cursor, limit)
    return {
        "items": [u.to_dict() for u in page],
        "next_cursor": next_cursor,
        "total": len(units),
        "limit": limit,
    }


@router.get(
    "/procedures",
    response_model=answers.ProcedureList,
    summary="The procedure catalogue (danh mục TTHC)",
)
def list_procedures(
    field: str | None = Query(None, description="Sector (lĩnh vực), e.g. Hộ tịch"),
    level: Literal["commune", "province"] | None = None,
    limit: int = Query(1000, ge=1, le=1000),
    cursor: str | None = cursor_query(),
    intake: IntakeContext = Depends(intake_of),
) -> dict[str, Any]:
    procedures = [
        p
        for p in intake.catalogue.list()
        if (field is None or p.field == field) and (level is None or p.competent_level == level)
    ]
    page, next_cursor = position_page(procedures, cursor, limit)
    return {
        "items": [procedure_summary(p, p.current) for p in page],
        "next_cursor": next_cursor,
        "total": len(procedures),
    }


@router.get(
    "/procedures/{code}",
    response_model=answers.ProcedureDetail,
    summary="One procedure with its components, fees and steps",
)
def get_procedure(
    code: str,
    on: date | None = Query(None, description="The version in force on this day (default: latest)"),
    intake: IntakeContext = Depends(intake_of),
) -> dict[str, Any]:
    procedure = intake.catalogue.get(code)
    version = procedure.version_at(on) if on else procedure.current
    return {
        **procedure_summary(procedure, version),
        "current": version_view(version),
        "versions": [
            {
                "version": v.version,
                "effective_from": v.effective_from.isoformat(),
                "effective_until": (end := procedure.effective_until(v)) and end.isoformat(),
                "decision": v.decision,
                "confidence": v.confidence,
            }
            for v in procedure.versions
        ],
    }


def procedure_summary(procedure: Procedure, version: ProcedureVersion) -> dict[str, Any]:
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field,
        "competent_level": procedure.competent_level,
        "agency": procedure.agency,
        "version": version.version,
        "legal_hours": version.legal_hours,
        "legal_days": version.legal_hours / HOURS_PER_WORKING_DAY,
        "same_day": version.same_day,
        "on_the_spot_allowed": version.on_the_spot_allowed,
        "online_level": version.online_level,
        "postal_allowed": version.postal_allowed,
    }


def version_view(version: ProcedureVersion) -> dict[str, Any]:
    view = version.model_dump(mode="json")
    view["legal_days"] = version.legal_days
    for component in view["components"]:
        component["forms"] = component["accepted_forms"]  # the short name integrators use
    return view
