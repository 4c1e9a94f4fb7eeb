"""Settings of the workflow service, from the environment (prefix ``MOTCUA_``)."""

from __future__ import annotations

from pydantic import Field

from motcua_platform.settings import PlatformSettings
from motcua_platform.timeliness import HOURS_PER_WORKING_DAY


class WorkflowSettings(PlatformSettings):
    service_name: str = "workflow"
    http_port: int = 8002

    # Architecture §3: a dossier nearing its due time raises a warning "by default 1 working day
    # before" — 8 working hours.
    warn_before_hours: float = Field(default=HOURS_PER_WORKING_DAY, ge=0)
    scan_interval_seconds: float = Field(default=30.0, gt=0)
    gauge_interval_seconds: float = Field(default=30.0, gt=0)
    scan_batch: int = Field(default=500, ge=1)
