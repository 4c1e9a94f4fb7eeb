"""Structured JSON logs. Personal ID numbers never reach a log line: any run of 12 digits (the
length of a số định danh cá nhân) is masked before the record is written. The last group of a UUID
(event and request ids) is twelve hex digits that are sometimes all decimal: it is not an ID."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

_UUID_HEAD = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
_PERSONAL_ID = re.compile(rf"(?<!\d)(?<!{_UUID_HEAD})\d{{12}}(?!\d)")


def redact(text: str) -> str:
    return _PERSONAL_ID.sub(lambda m: m.group(0)[:3] + "*" * 7 + m.group(0)[-2:], text)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            entry.update({k: redact(str(v)) for k, v in extra.items()})
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "pymongo", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
