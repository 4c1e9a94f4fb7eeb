"""Workflow events in: each ``case.*`` event brings a ``DossierRecord`` up to date, exactly once and
in order. A returned case opens its rating request (with the derived one-time token).

Every event of a subject goes through ``apply_to_aggregate``, the ignored ones too: the record
stores the last applied workflow ``seq``, and skipping one would make the next look like a gap.
"""

from __future__ import annotations

from motcua_feedback.context import FeedbackContext
from motcua_feedback.domain import DerivedTokens, FeedbackError
from motcua_feedback.store import dossier_state, record_of
from motcua_platform.contracts import EVENT_TYPES, WORKFLOW_TOPIC, Envelope, EventData
from motcua_platform.messaging.consumer import Handler
from motcua_platform.messaging.inbox import Decision, Outcome, Rejected, apply_to_aggregate
from motcua_platform.mongo import Loaded
from motcua_platform.runtime import Subscription

CASE_EVENTS = tuple(t for t in EVENT_TYPES if t.startswith("case."))


def on_case_event(ctx: FeedbackContext) -> Handler:
    async def handle(envelope: Envelope, payload: EventData) -> Outcome:
        tokens = DerivedTokens(ctx.rating_token_key, envelope.subject)

        def decide(loaded: Loaded | None) -> Decision:
            record = record_of(loaded.state if loaded else None, envelope.subject)
            try:
                record.apply_workflow(envelope.type, envelope.data, tokens=tokens)
            except (FeedbackError, ValueError) as exc:
                raise Rejected(
                    f"{envelope.type} does not apply to {envelope.subject}: {exc}"
                ) from exc
            return Decision(state=dossier_state(record))

        return await apply_to_aggregate(ctx.store.dossiers, envelope.subject, envelope, decide)

    return handle


def on_ignored(ctx: FeedbackContext) -> Handler:
    """Types feedback has no use for: only their ``seq`` is recorded."""

    async def handle(envelope: Envelope, payload: EventData) -> Outcome:
        return await apply_to_aggregate(
            ctx.store.dossiers, envelope.subject, envelope, lambda _: None
        )

    return handle


def workflow_subscription(ctx: FeedbackContext) -> Subscription:
    case_event = on_case_event(ctx)
    return Subscription(
        # The runtime subscribes to the name it is given: the test namespace is added here.
        WORKFLOW_TOPIC,
        dict.fromkeys(CASE_EVENTS, case_event),
        fallback=on_ignored(ctx),
    )
