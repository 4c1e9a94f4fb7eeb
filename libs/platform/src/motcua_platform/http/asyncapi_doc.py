"""The AsyncAPI document with one typed message per event type.

FastStream documents a channel by its subscriber's or publisher's Python signature, which is the
generic envelope (``data`` is any object). Integrators need each event's data, so every channel on
a Motcua topic gets one message per event type published there: the envelope with ``type`` fixed
to the event type and ``data`` the event's own schema (the pydantic models of
``contracts.events``), and the operations on the channel name them all.
"""

from __future__ import annotations

import copy
from typing import Any

from motcua_platform.contracts import EVENT_TYPES
from motcua_platform.contracts.envelope import Envelope
from motcua_platform.contracts.topics import FEEDBACK_TOPIC, INTAKE_TOPIC, WORKFLOW_TOPIC

REF = "#/components/schemas/{model}"
# Which topic carries an event type: each service publishes its own aggregate's events.
PUBLISHED_ON = {"dossier": INTAKE_TOPIC, "case": WORKFLOW_TOPIC}
PUBLISHED_ON |= {"rating": FEEDBACK_TOPIC, "complaint": FEEDBACK_TOPIC}


def topic_of(event_type: str) -> str:
    return PUBLISHED_ON[event_type.split(".", 1)[0]]


def typed(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of FastStream's AsyncAPI 3 ``document`` with typed messages on the Motcua topics."""
    doc = copy.deepcopy(document)
    components = doc.setdefault("components", {})
    schemas, messages = components.setdefault("schemas", {}), components.setdefault("messages", {})
    envelope = Envelope.model_json_schema(ref_template=REF, by_alias=True)
    for name, channel in doc.get("channels", {}).items():
        topic = _motcua_topic(channel.get("address", ""))
        if topic is None:
            continue
        for old in channel.get("messages", {}).values():
            messages.pop(old["$ref"].rsplit("/", 1)[-1], None)
        channel["messages"] = {}
        for event_type, model in sorted(EVENT_TYPES.items()):
            if topic_of(event_type) != topic:
                continue
            data = model.model_json_schema(ref_template=REF)
            schemas.update(data.pop("$defs", {}))
            schemas[model.__name__] = data
            payload = copy.deepcopy(envelope)
            payload.pop("$defs", None)
            payload["title"] = f"{model.__name__}Event"
            payload["properties"]["type"] = {"const": event_type, "type": "string"}
            payload["properties"]["data"] = {"$ref": REF.format(model=model.__name__)}
            key = f"{name}:{event_type}"
            messages[key] = {
                "name": event_type,
                "title": event_type,
                "summary": (model.__doc__ or "").strip().split("\n")[0],
                "contentType": "application/json",
                "payload": payload,
            }
            channel["messages"][event_type] = {"$ref": f"#/components/messages/{key}"}
        for operation in doc.get("operations", {}).values():
            if operation.get("channel", {}).get("$ref") == f"#/channels/{name}":
                operation["messages"] = [
                    {"$ref": f"#/channels/{name}/messages/{event_type}"}
                    for event_type in channel["messages"]
                ]
    used = {m["payload"].get("$ref", "").rsplit("/", 1)[-1] for m in messages.values()}
    for generic in ("Envelope", "EmptyPayload"):
        if generic not in used:
            schemas.pop(generic, None)
    return doc


def _motcua_topic(address: str) -> str | None:
    """The Motcua topic of a channel address (test runs prefix a namespace); None for a DLQ."""
    for topic in (INTAKE_TOPIC, WORKFLOW_TOPIC, FEEDBACK_TOPIC):
        if address.endswith(topic):
            return topic
    return None
