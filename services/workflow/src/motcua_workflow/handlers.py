"""One function per command on a case: load → decide (the aggregate) → save state and events in
one version-guarded write → wake the relay. A concurrent writer (a replica, the scanner) makes the
save fail; the command is then decided again on the fresh state.

A refused command raises a :class:`DomainError` before anything is written, so it changes
nothing. ``guard`` runs on the loaded case before the command — the routes use it to check the
caller's unit scope.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from motcua_platform.contracts.events import Channel
from motcua_platform.errors import Conflict, NotFound
from motcua_platform.retries import load_decide_save
from motcua_workflow.context import WorkflowContext
from motcua_workflow.domain import Actor, Case
from motcua_workflow.domain.known import KnownDossier

Guard = Callable[[Case | KnownDossier], None]
Decide = Callable[[Case], object]


async def load(ctx: WorkflowContext, code: str) -> Case | KnownDossier:
    subject = ctx.store.decode(await ctx.store.load(code))
    if subject is None:
        raise NotFound("dossier", code)
    return subject


async def execute(
    ctx: WorkflowContext, code: str, at: datetime, decide: Decide, guard: Guard | None = None
) -> Case:
    """Run ``decide`` on the current case and save what it recorded."""

    async def attempt() -> Case:
        loaded = await ctx.store.load(code)
        subject = ctx.store.decode(loaded)
        if subject is None:
            raise NotFound("dossier", code)
        if guard is not None:
            guard(subject)
        if isinstance(subject, KnownDossier):
            raise Conflict(
                "not_accepted",
                f"dossier {code} is '{subject.status.label}': it has no processing case",
                {"field": "code", "reason": "the dossier has not been accepted"},
            )
        was_finished = subject.finished_at is not None
        decide(subject)
        events = subject.pull_events()
        version = await ctx.store.save(loaded, subject, events, at)
        await ctx.changed(subject, events, version, was_finished=was_finished)
        return subject

    return await load_decide_save(attempt, what="dossier", key=code)


async def assign(
    ctx: WorkflowContext,
    code: str,
    step: int,
    assignee: str,
    by: Actor,
    at: datetime,
    guard: Guard | None = None,
) -> Case:
    return await execute(ctx, code, at, lambda c: c.assign(step, assignee, by, at), guard)


async def complete_step(
    ctx: WorkflowContext,
    code: str,
    actor: Actor,
    at: datetime,
    handed_to: str | None = None,
    guard: Guard | None = None,
) -> Case:
    return await execute(ctx, code, at, lambda c: c.complete_step(actor, at, handed_to), guard)


async def request_supplement(
    ctx: WorkflowContext,
    code: str,
    reason: str,
    at: datetime,
    missing_components: Sequence[str] = (),
    guard: Guard | None = None,
) -> Case:
    return await execute(
        ctx,
        code,
        at,
        lambda c: c.request_supplement(reason, at, missing_components=missing_components),
        guard,
    )


async def resume(ctx: WorkflowContext, code: str, at: datetime, guard: Guard | None = None) -> Case:
    return await execute(ctx, code, at, lambda c: c.resume(at), guard)


async def await_payment(
    ctx: WorkflowContext,
    code: str,
    at: datetime,
    amount: int | None = None,
    note: str = "",
    guard: Guard | None = None,
) -> Case:
    return await execute(
        ctx, code, at, lambda c: c.await_payment(at, amount=amount, note=note), guard
    )


async def payment_received(
    ctx: WorkflowContext, code: str, at: datetime, guard: Guard | None = None
) -> Case:
    return await execute(ctx, code, at, lambda c: c.payment_received(at), guard)


async def extend(
    ctx: WorkflowContext,
    code: str,
    reason: str,
    new_due_at: datetime,
    at: datetime,
    by: str | None = None,
    guard: Guard | None = None,
) -> Case:
    return await execute(ctx, code, at, lambda c: c.extend(reason, new_due_at, at, by=by), guard)


async def resolve(
    ctx: WorkflowContext,
    code: str,
    outcome: str,
    at: datetime,
    result_reference: str | None = None,
    electronic_result: bool = False,
    by: str | None = None,
    guard: Guard | None = None,
) -> Case:
    return await execute(
        ctx,
        code,
        at,
        lambda c: c.resolve(outcome, at, result_reference, electronic_result, by=by),  # type: ignore[arg-type]
        guard,
    )


async def return_result(
    ctx: WorkflowContext,
    code: str,
    channel: Channel | str,
    at: datetime,
    counter: str | None = None,
    by: str | None = None,
    guard: Guard | None = None,
) -> Case:
    return await execute(
        ctx, code, at, lambda c: c.return_result(channel, at, counter, by=by), guard
    )


async def stop(
    ctx: WorkflowContext,
    code: str,
    reason: str,
    at: datetime,
    fee_settlement: str | None = None,
    by: str | None = None,
    guard: Guard | None = None,
) -> Case:
    return await execute(ctx, code, at, lambda c: c.stop(reason, at, fee_settlement, by=by), guard)
