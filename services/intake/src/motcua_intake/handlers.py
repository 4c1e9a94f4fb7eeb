"""One function per intake command: load → decide (the pure domain) → save state and events in
one write. HTTP and Kafka stay outside; the caller resolves the command's instant and the
official who issues it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from motcua_intake.adapters.uploads import OwnerKind
from motcua_intake.commands import (
    AcceptDossier,
    ApplicantIn,
    DocumentIn,
    HandInSupplement,
    RefuseDossier,
    RequestSupplement,
    SubmitDossier,
    WithdrawDossier,
)
from motcua_intake.context import IntakeContext
from motcua_intake.domain.citizens import prefill
from motcua_intake.domain.documents import Document
from motcua_intake.domain.dossier import Dossier
from motcua_intake.domain.dossier_code import format_dossier_code
from motcua_intake.domain.errors import DomainError
from motcua_intake.domain.lookup_secret import new_lookup_secret
from motcua_intake.domain.units import choose_competent_unit
from motcua_platform.auth import Principal
from motcua_platform.calendar import VN_TZ
from motcua_platform.personal_id import parse_personal_id, pseudonymous_key
from motcua_platform.retries import load_decide_save

# Who may act on a dossier: intake decisions belong to the unit that received it; papers and
# withdrawal requests may also be handed in where it is decided.
Scope = Literal["receiving", "either"]


def official_name(official: Principal) -> str:
    return official.name or official.subject


def require_scope(official: Principal, dossier: Dossier, scope: Scope = "either") -> None:
    units = [dossier.receiving_unit]
    if scope == "either":
        units.append(dossier.competent_unit)
    if not any(official.can_access(unit) for unit in units):
        official.require_unit(dossier.receiving_unit, "dossier")


@dataclass(frozen=True)
class Applicant:
    """The applicant of a new dossier, completed from data already held."""

    key: str  # pseudonymous: what events carry instead of the personal ID number
    data: dict[str, Any]
    prefilled: list[str]
    in_registry: bool


async def complete_applicant(
    intake: IntakeContext, typed: ApplicantIn, day: date, official: Principal
) -> Applicant:
    """Công dân không viết: fill what the official did not type from the population registry,
    then from the citizen's earlier dossiers; the read is logged."""
    personal_id = parse_personal_id(typed.personal_id, today=day, field="applicant.personal_id")
    key = pseudonymous_key(personal_id.value, intake.pseudonym_secret)
    record = await intake.registry.find(personal_id.value)
    earlier = await intake.history.latest(key)
    await intake.access_log.record(
        official, purpose="prefill", applicant_key=key, found=bool(record or earlier)
    )
    data, prefilled = prefill(typed.typed(), record, earlier, today=day)
    return Applicant(key=key, data=data, prefilled=prefilled, in_registry=record is not None)


async def with_files(
    intake: IntakeContext,
    documents: list[DocumentIn],
    official: Principal,
    file_owner: tuple[OwnerKind, str] | None,
    earlier_files: Iterable[str] = (),
) -> list[Document]:
    """The documents of a command, each with the stored file it names (the caller's own)."""
    plain = [d.to_document() for d in documents]
    keys = [d.file_key for d in documents]
    if not any(keys):
        return plain
    if intake.files is None:
        raise DomainError(
            "files_unavailable", "object storage is not configured", field="documents"
        )
    owner = file_owner or ("unit", official.unit)
    return await intake.files.attach(plain, keys, owners=[owner], earlier_files=earlier_files)


async def submit(
    intake: IntakeContext,
    command: SubmitDossier,
    *,
    at: datetime,
    official: Principal,
    file_owner: tuple[OwnerKind, str] | None = None,
    earlier_files: Iterable[str] = (),
) -> Dossier:
    """Nộp hồ sơ through any channel; the counter (and an opened postal parcel) may accept in
    the same call."""
    official.require_unit(command.receiving_unit, "receiving unit")
    day = at.astimezone(VN_TZ).date()
    procedure = intake.catalogue.get(command.procedure_code)
    receiving = intake.unit(command.receiving_unit, "receiving_unit")
    if command.resolve_on_the_spot and not command.accept:
        raise DomainError(
            "on_the_spot_needs_acceptance",
            "a dossier is resolved on the spot only when it is accepted in the same call",
            field="resolve_on_the_spot",
        )
    applicant = await complete_applicant(intake, command.applicant, day, official)
    submission: dict[str, Any] = {
        "procedure": procedure,
        "version": procedure.version_at(day),
        "channel": command.channel,
        "receiving_unit": receiving.code,
        "competent_unit": choose_competent_unit(
            intake.units,
            procedure,
            receiving,
            command.competent_unit,
            applicant.data.get("residence_unit"),
        ),
        "applicant": applicant.data,
        "applicant_key": applicant.key,
        "at": at,
        "prefilled_fields": applicant.prefilled,
        "applicant_in_registry": applicant.in_registry,
        "documents": await with_files(
            intake, command.documents, official, file_owner, earlier_files
        ),
        "received_at": command.received_at,
        "result_delivery": command.result_delivery,
        "lookup_secret": new_lookup_secret(),
    }
    competent = submission["competent_unit"]
    acceptance: dict[str, Any] = {
        "calendar": intake.calendar_for(receiving.code),
        "unit_names": {u: intake.dated_name(u, day) for u in (receiving.code, competent)},
        "resolve_on_the_spot": command.resolve_on_the_spot,
        "fee_exemptions": command.fee_exemptions,
        "fee_quantity": command.fee_quantity,
        "return_counter": command.return_counter
        or intake.return_counter(receiving.code, procedure.code),
        "received_by": official_name(official),
        "received_by_subject": official.subject,
    }

    def decide(code: str) -> Dossier:
        if command.accept:
            return Dossier.submit_and_accept(code=code, **acceptance, **submission)
        return Dossier.submit(code=code, **submission)

    # Every rule is checked on a provisional code first, so a refused submission takes no number
    # (the decision does not depend on the number).
    decide(format_dossier_code(receiving.code, day, 1))

    async def store_under(code: str) -> Dossier:
        dossier = decide(code)
        intake.metrics.count(dossier, await intake.store.create(dossier, at))
        return dossier

    dossier = await intake.codes.issue(receiving.code, day, store_under)
    await intake.history.remember(applicant.key, applicant.data, dossier.code, at)
    return dossier


async def accept(
    intake: IntakeContext, code: str, command: AcceptDossier, *, at: datetime, official: Principal
) -> Dossier:
    """Tiếp nhận a complete dossier (online review, or after a supplement at intake)."""

    def act(dossier: Dossier) -> None:
        dossier.accept(
            at=at,
            calendar=intake.calendar_for(dossier.receiving_unit),
            resolve_on_the_spot=command.resolve_on_the_spot,
            fee_exemptions=command.fee_exemptions,
            fee_quantity=command.fee_quantity,
            return_counter=command.return_counter
            or intake.return_counter(dossier.receiving_unit, dossier.procedure_code),
            received_by=official_name(official),
            received_by_subject=official.subject,
            unit_names=dossier_unit_names(intake, dossier),
        )

    return await _change(intake, code, official, "receiving", at, act)


def dossier_unit_names(intake: IntakeContext, dossier: Dossier) -> dict[str, str]:
    """The names of the dossier's units on the day it was received."""
    assert dossier.submitted_at is not None
    day = dossier.submitted_at.astimezone(VN_TZ).date()
    return {u: intake.dated_name(u, day) for u in (dossier.receiving_unit, dossier.competent_unit)}


async def request_supplement(
    intake: IntakeContext,
    code: str,
    command: RequestSupplement,
    *,
    at: datetime,
    official: Principal,
) -> Dossier:
    """Mẫu 02 before acceptance; no clock runs."""

    def act(dossier: Dossier) -> None:
        dossier.request_supplement(
            at=at,
            reasons=command.reasons,
            missing_components=command.missing_components,
            guided_by=official_name(official),
        )

    return await _change(intake, code, official, "receiving", at, act)


async def refuse(
    intake: IntakeContext, code: str, command: RefuseDossier, *, at: datetime, official: Principal
) -> Dossier:
    """Mẫu 03, with the reasons the law requires."""

    def act(dossier: Dossier) -> None:
        dossier.refuse(at=at, reasons=command.all_reasons(), refused_by=official_name(official))

    return await _change(intake, code, official, "receiving", at, act)


async def hand_in_supplement(
    intake: IntakeContext,
    code: str,
    command: HandInSupplement,
    *,
    at: datetime,
    official: Principal,
    file_owner: tuple[OwnerKind, str] | None = None,
) -> Dossier:
    """Papers answering a supplement request, at intake or during processing."""
    documents = await with_files(intake, command.documents, official, file_owner)

    def act(dossier: Dossier) -> None:
        dossier.submit_supplement(at=at, documents=documents)

    return await _change(intake, code, official, "either", at, act)


async def withdraw(
    intake: IntakeContext, code: str, command: WithdrawDossier, *, at: datetime, official: Principal
) -> Dossier:
    """The citizen asks to withdraw; the workflow then stops the case (Mẫu 05)."""

    def act(dossier: Dossier) -> None:
        dossier.withdraw(at=at, reason=command.reason)

    return await _change(intake, code, official, "either", at, act)


async def _change(
    intake: IntakeContext,
    code: str,
    official: Principal,
    scope: Scope,
    at: datetime,
    act: Callable[[Dossier], None],
) -> Dossier:
    async def attempt() -> Dossier:
        dossier, loaded = await intake.store.load(code)
        require_scope(official, dossier, scope)
        act(dossier)
        events = await intake.store.save(dossier, loaded, at)
        intake.metrics.count(dossier, events)
        return dossier

    return await load_decide_save(attempt, what="dossier", key=code)
