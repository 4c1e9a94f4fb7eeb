"""Intake settings, from the environment (prefix ``MOTCUA_``)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from motcua_platform.settings import PlatformSettings


class IntakeSettings(PlatformSettings):
    """What the intake service needs besides the platform's settings.

    ``public_base_url`` (inherited) is the address printed in the receipt's QR code and lookup
    link; it must be the address citizens reach, not the pod's own.
    """

    service_name: str = "intake"
    http_port: int = 8001

    demo_data: bool = Field(
        default=True,
        description="Seed the demo citizen registry and configure the demo province (make run)",
    )
    catalogue_file: str | None = Field(
        default=None,
        description="A province's own procedure catalogue (JSON); the shipped one if unset",
    )
    units_file: str | None = Field(
        default=None,
        description="A province's own dated units table (CSV, the shape of data/units.csv, "
        "kept up to date by `motcua-intake units-import`); the shipped one if unset",
    )

    # Guessing a 40-bit lookup secret is hopeless at these rates; the per-client limit also
    # stops one client from sweeping many codes. Fixed windows: a limit resets each window.
    lookup_window_seconds: float = Field(default=900.0, gt=0)
    lookup_failures_per_code: int = Field(default=5, ge=1, le=1000)
    lookup_failures_per_client: int = Field(default=20, ge=1, le=1000)

    # Scanned documents and electronic results (architecture §12): an S3-compatible store.
    s3_endpoint: str | None = Field(
        default="http://127.0.0.1:8333", description="S3 API address; empty disables files"
    )
    s3_bucket: str = "motcua-local"
    s3_access_key: str = "motcua"
    s3_secret_key: SecretStr = SecretStr("motcua-local-secret")
    max_file_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    file_link_seconds: int = Field(
        default=300, ge=10, le=3600, description="How long a download link stays valid"
    )
