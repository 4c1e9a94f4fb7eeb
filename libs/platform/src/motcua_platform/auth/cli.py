"""``motcua-token --role receiver --unit H15.01.36``: print a development JWT."""

from __future__ import annotations

import argparse
import os
import sys

from motcua_platform.auth.tokens import mint_token


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mint a development JWT for Motcua")
    parser.add_argument("--role", action="append", required=True, help="repeatable")
    parser.add_argument("--unit", required=True, help="agency code, e.g. H15.01.36")
    parser.add_argument("--subject", default=None)
    parser.add_argument("--name", default=None)
    parser.add_argument("--ttl", type=int, default=8 * 3600, help="seconds")
    args = parser.parse_args(argv)
    secret = os.environ.get("MOTCUA_JWT_SECRET")
    if not secret:
        print("MOTCUA_JWT_SECRET is not set", file=sys.stderr)
        return 2
    subject = args.subject or f"{args.role[0]}@{args.unit}"
    print(
        mint_token(
            secret,
            subject=subject,
            unit=args.unit,
            roles=args.role,
            name=args.name,
            ttl_seconds=args.ttl,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
