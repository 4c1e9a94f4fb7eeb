"""Mã tra cứu: the secret printed on Mẫu 01 that lets a citizen look their dossier up.

The dossier code alone is guessable (unit, date, sequence), so the public lookup also asks for
this secret. Eight symbols from a 32-letter alphabet without look-alikes (0/O, 1/I) give 40 bits:
easy to read aloud and type from the paper, and out of reach of guessing once the lookup is
throttled.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
SECRET_LENGTH = 8


def new_lookup_secret(
    random_bytes: Callable[[int], bytes] = secrets.token_bytes, length: int = SECRET_LENGTH
) -> str:
    """A fresh secret from ``random_bytes`` (injected so tests and replays are deterministic)."""
    raw = random_bytes(length)
    if len(raw) < length:
        raise ValueError("the random source returned too few bytes")
    # 256 is a multiple of 32, so taking each byte modulo 32 keeps every symbol equally likely.
    return "".join(ALPHABET[byte % len(ALPHABET)] for byte in raw[:length])


def normalise_secret(value: str) -> str:
    """What the citizen typed, without spaces or hyphens and in upper case."""
    return "".join(ch for ch in value.upper() if ch not in " -")


def secrets_match(expected: str, given: str) -> bool:
    """Constant-time comparison, so timing does not reveal how much of a guess was right."""
    return hmac.compare_digest(
        normalise_secret(expected).encode("utf-8"), normalise_secret(given).encode("utf-8")
    )


def printable_secret(value: str) -> str:
    """``K7MX3QPA`` → ``K7MX-3QPA``: two groups are easier to copy from paper."""
    half = len(value) // 2
    return f"{value[:half]}-{value[half:]}" if len(value) >= 8 else value
