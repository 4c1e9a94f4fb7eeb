"""Console settings from the environment (prefix ``MOTCUA_``)."""

from __future__ import annotations

from pydantic import SecretStr

from motcua_platform.settings import PlatformSettings


class ConsoleSettings(PlatformSettings):
    service_name: str = "console"
    http_port: int = 8004

    intake_url: str = "http://127.0.0.1:8001"
    workflow_url: str = "http://127.0.0.1:8002"
    feedback_url: str = "http://127.0.0.1:8003"

    # Sign-in: OpenID Connect authorization code with PKCE at the officials' realm. The issuer
    # (``MOTCUA_OIDC_ISSUER``) is the one the services check; the console discovers the rest.
    oidc_client_id: str = "motcua-console"
    oidc_client_secret: SecretStr | None = None
    session_secret: SecretStr | None = None
    session_hours: float = 8.0
    backend_timeout_seconds: float = 15.0

    @property
    def secure_cookies(self) -> bool:
        """Cookies are marked Secure whenever the console is served over HTTPS."""
        return self.base_url.startswith("https://")
