"""Officials authenticate with bearer JWTs: subject, unit code and roles. Every read and write is
scoped to the caller's unit and the units it supervises."""

from motcua_platform.auth.principal import ROLES, Principal
from motcua_platform.auth.tokens import TokenVerifier, mint_token

__all__ = ["ROLES", "Principal", "TokenVerifier", "mint_token"]
