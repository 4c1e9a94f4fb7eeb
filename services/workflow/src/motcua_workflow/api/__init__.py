"""The HTTP API of the workflow service (architecture §8, §11)."""

from __future__ import annotations

from fastapi import FastAPI

from motcua_workflow.api import admin, cases, forms, queue, reports
from motcua_workflow.api.common import install_domain_errors


def install(app: FastAPI) -> None:
    install_domain_errors(app)
    for module in (queue, cases, forms, reports, admin):
        app.include_router(module.router)
