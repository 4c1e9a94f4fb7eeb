"""Packaged data files: the procedure catalogue, agency codes, the demo province and citizens."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def load_json(name: str) -> Any:
    """Parse one packaged data file by name (e.g. ``"procedures.json"``)."""
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


def read_text(name: str) -> str:
    """One packaged data file as text (e.g. ``"units.csv"``)."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
