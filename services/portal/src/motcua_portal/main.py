"""Composition root of the citizens' portal."""

from __future__ import annotations

import logging

import uvicorn

from motcua_portal.app import create_app
from motcua_portal.settings import PortalSettings


def main() -> None:
    settings = PortalSettings()
    logging.basicConfig(level=settings.log_level)
    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port)
