"""The HTTP API of the workflow service (architecture §8, §11)."""

from __future__ import annotations

from fastapi import FastAPI

from motcua_workflow.api import admin, cases, forms, queue, reports


def install(app: FastAPI) -> None:
    for module in (queue, cases, forms, reports, admin):
        app.include_router(module.router)
