"""Settings of the feedback service, from the environment (prefix ``MOTCUA_``)."""

from __future__ import annotations

import hashlib
import hmac

from pydantic import Field, SecretStr

from motcua_platform.settings import PlatformSettings
from motcua_platform.timeliness import HOURS_PER_WORKING_DAY

# Below this a kiosk device token, a kiosk session or a rating token could be guessed, and
# guessing one is enough to rate someone else's dossier.
MIN_KEY_BYTES = 16


class FeedbackSettings(PlatformSettings):
    service_name: str = "feedback"
    http_port: int = 8003

    kiosk_key: SecretStr | None = Field(
        default=None,
        description="MOTCUA_KIOSK_KEY: derives the kiosks' device links, signs kiosk sessions "
        "and derives online rating tokens (a new key voids them all); falls back to the JWT "
        "secret in development",
    )
    complaint_warn_before_hours: float = Field(
        default=HOURS_PER_WORKING_DAY,
        ge=0,
        description="Working hours before the PAKN due time from which a complaint is due soon "
        "(8 h = one working day, as for dossier deadline warnings)",
    )
    gauge_interval_seconds: float = Field(
        default=15.0, gt=0, description="How often motcua_complaints_open is recomputed"
    )
    list_limit: int = Field(default=200, ge=1, le=1000)

    def _secret(self) -> bytes:
        secret = self.kiosk_key or self.jwt_secret
        if secret is None:
            raise RuntimeError("set MOTCUA_KIOSK_KEY (or MOTCUA_JWT_SECRET in development)")
        value = secret.get_secret_value().encode()
        if len(value) < MIN_KEY_BYTES:
            raise RuntimeError(f"MOTCUA_KIOSK_KEY must be at least {MIN_KEY_BYTES} bytes")
        return value

    @property
    def kiosk_session_key(self) -> bytes:
        # A sub-key per purpose: a kiosk session can never double as a rating token.
        return hmac.new(self._secret(), b"motcua-kiosk-session", hashlib.sha256).digest()

    @property
    def kiosk_device_key(self) -> bytes:
        return hmac.new(self._secret(), b"motcua-kiosk-device", hashlib.sha256).digest()

    @property
    def rating_token_key(self) -> bytes:
        return hmac.new(self._secret(), b"motcua-rating-token", hashlib.sha256).digest()
