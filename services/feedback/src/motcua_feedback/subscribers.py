"""Workflow events in: each ``case.*`` event brings a ``DossierRecord`` up to date, exactly once and
in order. A returned case opens its rating request (with the derived one-time token).

Every event of a subject is applied, the ignored ones too (events of one subject that arrive
together, in one write): the record stores the last applied workflow ``seq``, and skipping one
would make the next look like a gap.
"""

from __future__ import annotations

from motcua_feedback.context import FeedbackContext
from motcua_feedback.domain import DerivedTokens, FeedbackError
from motcua_feedback.store import dossier_state, record_of
from motcua_platform.contracts import EVENT_TYPES, WORKFLOW_TOPIC, Envelope, EventData
from motcua_platform.messaging.inbox import Decide, Decision, Fold, Rejected
from motcua_platform.mongo import Loaded
from motcua_platform.runtime import Subscription

CASE_EVENTS = tuple(t for t in EVENT_TYPES if t.startswith("case."))


def on_case_event(ctx: FeedbackContext) -> Fold:
    def decide_for(envelope: Envelope, payload: EventData) -> Decide:
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

        return decide

    return Fold(ctx.store.dossiers, decide_for)


def on_ignored(ctx: FeedbackContext) -> Fold:
    """Types feedback has no use for: only their ``seq`` is recorded."""

    def decide_for(envelope: Envelope, payload: EventData) -> Decide:
        return lambda _: None

    return Fold(ctx.store.dossiers, decide_for)


def workflow_subscription(ctx: FeedbackContext) -> Subscription:
    case_event = on_case_event(ctx)
    return Subscription(
        # The runtime subscribes to the name it is given: the test namespace is added here.
        WORKFLOW_TOPIC,
        dict.fromkeys(CASE_EVENTS, case_event),
        fallback=on_ignored(ctx),
    )
