"""Settings from the environment (prefix ``MOTCUA_``), one object per service."""

from __future__ import annotations

from pydantic import AwareDatetime, Field, SecretStr, model_validator
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
    simulation_start: AwareDatetime | None = Field(
        default=None,
        description="Simulation only: the instant the simulated clock starts from (default: "
        "the machine's now), so a test run reads the same time on any day",
    )
    simulation_start_epoch: float | None = Field(
        default=None,
        description="Simulation only: the Unix time at which the simulated clock read "
        "simulation_start, so the processes of one run (and a restarted one) agree",
    )
    log_level: str = "INFO"
    forwarded_allow_ips: str = Field(
        default="",
        description="Comma-separated addresses or networks of the reverse proxies whose "
        "X-Forwarded-For names the client (uvicorn's forwarded_allow_ips); empty: trust none, "
        "the client is the socket peer",
    )
    max_body_bytes: int = Field(
        default=1 << 20,
        gt=0,
        description="Largest request body accepted (413 beyond): commands are small JSON "
        "documents; scanned files go to object storage, never through these APIs",
    )

    jwt_secret: SecretStr | None = None
    oidc_jwks_url: str | None = None
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    pseudonym_key: SecretStr | None = None
    # Citizens' sign-in (the citizens' realm, or the national e-ID's OIDC provider); locally,
    # tokens signed with the JWT secret under the issuer ``motcua-local-citizens``.
    citizen_oidc_jwks_url: str | None = None
    citizen_oidc_issuer: str | None = None
    citizen_oidc_audience: str | None = None
    citizen_id_claim: str = "personal_id"

    topic_namespace: str = Field(
        default="",
        description="Prefix for topic names; empty in production, used to isolate "
        "test runs that share one broker",
    )
    consumer_group: str = ""
    topic_partitions: int = 12
    topic_replication: int = 1
    consumer_batch_size: int = Field(default=500, ge=1)
    consumer_bulk_size: int = Field(
        default=100,
        ge=1,
        description="Consumed events applied with one read and one bulk write, at most "
        "(1: one by one)",
    )
    consumer_batch_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Time budget of one consumed batch; what is left is fetched again",
    )
    consumer_max_poll_interval_seconds: float = Field(
        default=300.0,
        gt=0,
        description="Kafka's max.poll.interval.ms: at least twice the batch budget",
    )
    projection_interval_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often derived records are checked against their aggregates",
    )
    relay_interval_seconds: float = Field(default=0.2, gt=0)
    relay_lease_seconds: float = Field(default=5.0, gt=0)

    # Working-calendar overrides without a release (domain §4), read by every service through
    # one CalendarProvider: a JSON file {"days_off": [...], "working_days": [...],
    # "units": {"<unit code>": {...same keys}}} and/or comma-separated ISO dates for every unit.
    calendar_overrides_file: str | None = None
    calendar_days_off: str = ""
    calendar_working_days: str = ""

    fault_crash_after_effect: bool = Field(
        default=False,
        description="Simulation only, for fault-injection tests: the process kills itself "
        "after a command's effect is stored and before its Idempotency-Key is recorded",
    )

    @model_validator(mode="after")
    def _simulated_start_needs_simulation(self) -> PlatformSettings:
        if not self.simulation and (self.simulation_start or self.simulation_start_epoch):
            raise ValueError("MOTCUA_SIMULATION_START is honoured only with MOTCUA_SIMULATION=1")
        if not self.simulation and self.fault_crash_after_effect:
            raise ValueError("fault injection is honoured only with MOTCUA_SIMULATION=1")
        return self

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
