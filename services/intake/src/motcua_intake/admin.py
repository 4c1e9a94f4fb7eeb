"""Administrators' commands: ``python -m motcua_intake <command> …`` (or ``motcua-intake``).

Each import shows what it would change and changes nothing unless ``--apply`` is given.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from motcua_intake.adapters.official_units import OfficialListError, read_official_list
from motcua_intake.domain.unit_changes import apply, compare
from motcua_intake.domain.units import UnitRegistry
from motcua_intake.settings import IntakeSettings

COMMANDS = ("units-import",)


def units_import(args: argparse.Namespace, settings: IntakeSettings) -> int:
    """Compare the statistics office's list with the units table; with --apply, write it."""
    source = args.table or settings.units_file
    table = UnitRegistry.load(source) if source else UnitRegistry.load_default()
    try:
        official = read_official_list(args.file)
    except (OfficialListError, OSError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    changes = compare(table, official, args.effective, basis=args.basis, confidence=args.confidence)
    for change in changes.changes:
        print(change.describe())
    print(changes.summary())
    if not args.apply:
        print("nothing written: run again with --apply to apply these changes")
        return 0
    target = args.out or source
    if not target:
        print(
            "--apply needs --out (or MOTCUA_UNITS_FILE): the shipped table is read-only",
            file=sys.stderr,
        )
        return 2
    try:
        updated = apply(table, changes)
    except ValueError as exc:
        print(f"not applied: {exc}", file=sys.stderr)
        return 1
    Path(target).write_text(updated.to_csv(), encoding="utf-8")
    print(f"written to {target}; restart intake to use it")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="motcua-intake", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    units = commands.add_parser(
        "units-import", help="import the official list of administrative units (CSV or XLSX)"
    )
    units.add_argument("file", help="the statistics office's list (CSV or XLSX)")
    units.add_argument(
        "--effective",
        type=date.fromisoformat,
        required=True,
        help="the day the list takes effect (YYYY-MM-DD)",
    )
    units.add_argument("--basis", default="", help="the resolution behind the list (nghị quyết)")
    units.add_argument("--confidence", choices=("H", "M", "L"), default="H")
    units.add_argument("--table", help="the units table to compare with (default: the service's)")
    units.add_argument("--out", help="where to write the updated table (default: --table)")
    units.add_argument("--apply", action="store_true", help="write the changes")
    units.set_defaults(run=units_import)
    return root


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args, IntakeSettings()))
