"""Settings from the environment (prefix ``MOTCUA_``), one object per service."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class PlatformSettings(BaseSettings):
    """What every service needs; a service subclasses it to set its name, port and extras."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_", extra="ignore")

    service_name: str = "motcua"
    kafka_bootstrap: str = "127.0.0.1:9092"
    mongo_url: str = "mongodb://127.0.0.1:27017"
    db_name: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    public_base_url: str = ""
    root_path: str = Field(
        default="",
        description="Path prefix the service is reached under behind an ingress, e.g. /intake: "
        "requests are served with or without it, and the API documents carry it",
    )
    simulation: bool = False
    log_level: str = "INFO"

    jwt_secret: SecretStr | None = None
    oidc_jwks_url: str | None = None
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    pseudonym_key: SecretStr | None = None

    topic_namespace: str = Field(
        default="",
        description="Prefix for topic names; empty in production, used to isolate "
        "test runs that share one broker",
    )
    consumer_group: str = ""
    topic_partitions: int = 12
    topic_replication: int = 1
    consumer_batch_size: int = Field(default=500, ge=1)
    relay_interval_seconds: float = Field(default=0.2, gt=0)
    relay_lease_seconds: float = Field(default=5.0, gt=0)

    # Working-calendar overrides without a release (domain §4), read by every service through
    # one CalendarProvider: a JSON file {"days_off": [...], "working_days": [...],
    # "units": {"<unit code>": {...same keys}}} and/or comma-separated ISO dates for every unit.
    calendar_overrides_file: str | None = None
    calendar_days_off: str = ""
    calendar_working_days: str = ""

    @property
    def database(self) -> str:
        return self.db_name or f"motcua_{self.service_name}"

    @property
    def group_id(self) -> str:
        return self.consumer_group or f"motcua-{self.service_name}"

    def topic(self, name: str) -> str:
        return f"{self.topic_namespace}{name}"

    @property
    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.http_host}:{self.http_port}"
