"""The published event contracts: the only code the three services share about each other.

A change inside a topic version is additive only (new optional fields); a breaking change is a new
topic version.
"""

from motcua_platform.contracts.envelope import Envelope, new_event_id
from motcua_platform.contracts.events import EVENT_TYPES, EventData, data_model_for
from motcua_platform.contracts.topics import (
    ALL_TOPICS,
    FEEDBACK_TOPIC,
    INTAKE_TOPIC,
    WORKFLOW_TOPIC,
    dlq_topic,
)

__all__ = [
    "ALL_TOPICS",
    "EVENT_TYPES",
    "FEEDBACK_TOPIC",
    "INTAKE_TOPIC",
    "WORKFLOW_TOPIC",
    "Envelope",
    "EventData",
    "data_model_for",
    "dlq_topic",
    "new_event_id",
]
