"""Administrators' commands: ``python -m motcua_intake <command> …`` (or ``motcua-intake``).

Each import shows what it would change and changes nothing unless ``--apply`` is given.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from motcua_intake.adapters.official_units import OfficialListError, read_official_list
from motcua_intake.adapters.spreadsheets import read_table
from motcua_intake.domain import catalogue_changes, unit_changes
from motcua_intake.domain.catalogue_changes import ExportFormatError, read_export
from motcua_intake.domain.errors import UnknownUnit
from motcua_intake.domain.history_import import (
    BookFormatError,
    HistoricalDossier,
    Rejection,
    check_book,
)
from motcua_intake.domain.procedures import Catalogue
from motcua_intake.domain.units import UnitRegistry
from motcua_intake.history import import_dossiers
from motcua_intake.main import build_runtime, build_service
from motcua_intake.settings import IntakeSettings
from motcua_intake.store import COLLECTION as DOSSIERS
from motcua_platform.calendar import CalendarProvider

COMMANDS = ("units-import", "catalogue-import", "history-import")
_PUBLICATION_CHUNK = 500  # codes per query while waiting for an import's publication


def units_import(args: argparse.Namespace, settings: IntakeSettings) -> int:
    """Compare the statistics office's list with the units table; with --apply, write it."""
    source = args.table or settings.units_file
    table = UnitRegistry.load(source) if source else UnitRegistry.load_default()
    try:
        official = read_official_list(args.file)
    except (OfficialListError, OSError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    changes = unit_changes.compare(
        table, official, args.effective, basis=args.basis, confidence=args.confidence
    )
    lines = [*(change.describe() for change in changes.changes), changes.summary()]
    return _show_then_apply(
        lines,
        apply=args.apply,
        target=args.out or source,
        setting="MOTCUA_UNITS_FILE",
        what="table",
        render=lambda: unit_changes.apply(table, changes).to_csv(),
    )


def catalogue_import(args: argparse.Namespace, settings: IntakeSettings) -> int:
    """Compare the national database's export with the catalogue; with --apply, write it."""
    source = args.catalogue or settings.catalogue_file
    catalogue = Catalogue.load(source) if source else Catalogue.load_default()
    try:
        exported, unreadable = read_export(read_table(args.file))
    except (ExportFormatError, OSError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    changes = catalogue_changes.compare(
        catalogue, exported, args.effective, confidence=args.confidence, unreadable=unreadable
    )
    note = (
        f"Danh mục TTHC của tỉnh, cập nhật từ CSDL quốc gia về TTHC ({Path(args.file).name}, "
        f"hiệu lực {args.effective:%d/%m/%Y})."
    )

    def render() -> str:
        data = catalogue_changes.catalogue_data(catalogue_changes.apply(catalogue, changes), note)
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    lines = [
        *(change.describe() for change in changes.changes),
        *(f"unreadable line {line}: {reason}" for line, reason in changes.unreadable),
        changes.summary(),
    ]
    return _show_then_apply(
        lines,
        apply=args.apply,
        target=args.out or source,
        setting="MOTCUA_CATALOGUE_FILE",
        what="catalogue",
        render=render,
    )


def _show_then_apply(
    lines: Iterable[str],
    *,
    apply: bool,
    target: str | None,
    setting: str,
    what: str,
    render: Callable[[], str],
) -> int:
    """Print the differences; with ``apply``, write ``render()`` to ``target``. Returns the
    exit status: 2 without a writable target, 1 when the changes do not apply."""
    for line in lines:
        print(line)
    if not apply:
        print("nothing written: run again with --apply to apply these changes")
        return 0
    if not target:
        print(
            f"--apply needs --out (or {setting}): the shipped {what} is read-only", file=sys.stderr
        )
        return 2
    try:
        text = render()
    except ValueError as exc:
        print(f"not applied: {exc}", file=sys.stderr)
        return 1
    Path(target).write_text(text, encoding="utf-8")
    print(f"written to {target}; restart intake to use it")
    return 0


def history_import(args: argparse.Namespace, settings: IntakeSettings) -> int:
    """Check a tracking book (Mẫu 07); with --apply, import its good lines as history."""
    units = UnitRegistry.load(settings.units_file) if settings.units_file else None
    catalogue = Catalogue.load(settings.catalogue_file) if settings.catalogue_file else None
    try:
        book = check_book(
            read_table(args.file),
            unit=args.unit,
            catalogue=catalogue or Catalogue.load_default(),
            units=units or UnitRegistry.load_default(),
            calendar=CalendarProvider.from_settings(settings).for_unit(args.unit),
        )
    except (BookFormatError, UnknownUnit, OSError, ValueError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    total = len(book.accepted) + len(book.rejected)
    if not args.apply:
        _report_rejections(book.rejected)
        print(f"{total} lines: {len(book.accepted)} to import, {len(book.rejected)} rejected")
        print("nothing written: run again with --apply to import")
        return 1 if book.rejected else 0
    written, rejected = asyncio.run(_import(settings, args, list(book.accepted)))
    rejections = sorted([*book.rejected, *rejected], key=lambda r: r.line)
    _report_rejections(rejections)
    print(f"{total} lines: {len(written)} imported, {len(rejections)} rejected")
    return 1 if rejections else 0


async def _import(
    settings: IntakeSettings, args: argparse.Namespace, lines: list[HistoricalDossier]
) -> tuple[list[str], list[Rejection]]:
    runtime = build_runtime(settings)
    try:
        intake = build_service(settings, runtime)

        def progress(done: int, total: int) -> None:
            if done == total or done % 10 == 0:
                print(f"imported {done}/{total}", flush=True)

        result = await import_dossiers(
            intake, list(lines), source=Path(args.file).name, progress=progress
        )
        await _await_publication(runtime.db[DOSSIERS], result.written, args.wait)
        return result.written, result.rejected
    finally:
        await runtime.client.close()


async def _await_publication(
    dossiers: AsyncCollection[dict[str, Any]], codes: list[str], wait: float
) -> None:
    """Show the service's relay publishing the imported dossiers' events, a chunk of codes at a
    time: the relay publishes in about the order of the import. While the relay has not reached
    the end of the first chunk with dossiers still pending, a round asks about that one dossier
    only; asking about the whole chunk every round had the local database read and decode 500
    dossiers twice a second, most of its CPU, and slowed the relay it waited for."""
    deadline = time.monotonic() + wait
    pending = list(codes)
    shown = -1
    while pending:
        if time.monotonic() >= deadline:
            left = await _still_pending(dossiers, pending)
            print(
                f"{len(left)} dossiers wait for publication: they leave when the intake "
                "service runs (its outbox relay publishes them)",
                flush=True,
            )
            return
        chunk = pending[:_PUBLICATION_CHUNK]
        if await _still_pending(dossiers, chunk[-1:]):
            await asyncio.sleep(0.5)
            continue
        still = await _still_pending(dossiers, chunk)
        pending = still + pending[len(chunk) :]
        if len(pending) != shown:
            # A lower bound: the codes of later chunks are counted as pending until asked about.
            print(f"published {len(codes) - len(pending)}/{len(codes)}", flush=True)
            shown = len(pending)
        if still:  # the relay has passed the chunk's last dossier but not all of the chunk
            await asyncio.sleep(0.5)


async def _still_pending(dossiers: AsyncCollection[dict[str, Any]], codes: list[str]) -> list[str]:
    """Those of ``codes`` whose events are not all published, asked a chunk at a time."""
    still: list[str] = []
    for start in range(0, len(codes), _PUBLICATION_CHUNK):
        chunk = codes[start : start + _PUBLICATION_CHUNK]
        found = dossiers.find({"_id": {"$in": chunk}, "outbox_pending": True}, {"_id": 1})
        still += [doc["_id"] async for doc in found]
    return still


def _report_rejections(rejections: Iterable[Rejection]) -> None:
    for rejection in rejections:
        print(f"rejected {rejection.describe()}")


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
    procedures = commands.add_parser(
        "catalogue-import",
        help="import a province's catalogue from the national procedure database's export",
    )
    procedures.add_argument("file", help="the export (CSV or XLSX)")
    procedures.add_argument(
        "--effective",
        type=date.fromisoformat,
        required=True,
        help="the day the export's rules take effect (YYYY-MM-DD)",
    )
    procedures.add_argument("--confidence", choices=("H", "M", "L"), default="M")
    procedures.add_argument("--catalogue", help="the catalogue to compare with (JSON)")
    procedures.add_argument("--out", help="where to write the updated catalogue")
    procedures.add_argument("--apply", action="store_true", help="write the changes")
    procedures.set_defaults(run=catalogue_import)
    history = commands.add_parser(
        "history-import",
        help="import a unit's earlier dossiers from its tracking book (Mẫu 07, CSV or XLSX)",
    )
    history.add_argument("file", help="the tracking book (CSV or XLSX)")
    history.add_argument("--unit", required=True, help="agency code of the unit that kept it")
    history.add_argument("--apply", action="store_true", help="import the lines that pass")
    history.add_argument(
        "--wait",
        type=float,
        default=120.0,
        help="seconds to show the publication of the imported events (default 120)",
    )
    history.set_defaults(run=history_import)
    return root


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args, IntakeSettings()))
