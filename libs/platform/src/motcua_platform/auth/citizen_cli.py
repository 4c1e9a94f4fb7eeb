"""``motcua-citizen-token --personal-id 079203001234``: print a development citizen token (as the
citizens' realm would issue one) for scripts and curl."""

from __future__ import annotations

import argparse
import os
import sys

from motcua_platform.auth.citizen import mint_citizen_token


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mint a development citizen token for Motcua")
    parser.add_argument("--personal-id", required=True)
    parser.add_argument("--name", default=None)
    parser.add_argument("--ttl", type=int, default=3600, help="seconds")
    args = parser.parse_args(argv)
    secret = os.environ.get("MOTCUA_JWT_SECRET")
    if not secret:
        print("MOTCUA_JWT_SECRET is not set", file=sys.stderr)
        return 2
    print(
        mint_citizen_token(
            secret, personal_id=args.personal_id, name=args.name, ttl_seconds=args.ttl
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
