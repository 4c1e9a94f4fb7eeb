"""Portal settings, from the environment (prefix ``MOTCUA_PORTAL_`` for its own, ``MOTCUA_``
for the shared ones)."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOTCUA_PORTAL_", extra="ignore")

    # Also read under the names every service image sets (MOTCUA_HTTP_HOST, MOTCUA_HTTP_PORT).
    http_host: str = Field(
        default="127.0.0.1",
        validation_alias=AliasChoices("MOTCUA_PORTAL_HTTP_HOST", "MOTCUA_HTTP_HOST"),
    )
    http_port: int = Field(
        default=8005, validation_alias=AliasChoices("MOTCUA_PORTAL_HTTP_PORT", "MOTCUA_HTTP_PORT")
    )
    public_base_url: str = Field(default="", description="The address citizens reach")
    intake_url: str = "http://127.0.0.1:8001"
    feedback_url: str = "http://127.0.0.1:8003"

    # The citizens' realm of the identity provider (the national e-ID in production).
    oidc_issuer: str = "http://127.0.0.1:8180/realms/citizens"
    oidc_client_id: str = "motcua-portal"
    oidc_client_secret: SecretStr = SecretStr("motcua-portal-local-secret")
    session_secret: SecretStr | None = Field(
        default=None, description="Signs the portal's own session cookie; required"
    )
    secure_cookies: bool = Field(default=False, description="Set behind HTTPS")
    log_level: str = "INFO"

    @property
    def base_url(self) -> str:
        return (self.public_base_url or f"http://{self.http_host}:{self.http_port}").rstrip("/")
