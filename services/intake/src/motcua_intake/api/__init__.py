"""Intake's HTTP surface (architecture §8, §11): requests become commands or queries; every
endpoint checks the caller's role and unit scope."""

from __future__ import annotations

from fastapi import APIRouter

from motcua_intake.api import catalogue, citizens, dossiers, forms, lookup

__all__ = ["routers"]


def routers() -> list[APIRouter]:
    return [catalogue.router, citizens.router, dossiers.router, forms.router, lookup.router]
