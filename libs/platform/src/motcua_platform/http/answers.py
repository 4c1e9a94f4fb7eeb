"""What the routes answer, typed: the base of every response body and the value types they share.

The views build plain JSON values (instants already written as ISO 8601 with their offset, so an
``Idempotency-Key`` answer can be stored and replayed as it was); the response models describe
those values for the OpenAPI documents and check them on the way out. Instants therefore stay
strings here, declared with the ``date-time`` format: parsing and re-serialising them would turn
``+00:00`` into ``Z`` and change the answer integrators already read.
"""

from __future__ import annotations

import os
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from motcua_platform.http.pagination import NEXT_CURSOR_DOC

InstantText = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
"""An instant as ISO 8601 with its offset (Vietnam time unless said otherwise)."""

DateText = Annotated[str, Field(json_schema_extra={"format": "date"})]
"""A calendar day, YYYY-MM-DD."""


# ``make test`` sets MOTCUA_STRICT_ANSWERS=1: a key a view returns and its model does not name is
# then an error the suite sees, where in service it is left out of the answer (never a 500).
_EXTRA: Literal["forbid", "ignore"] = (
    "forbid" if os.environ.get("MOTCUA_STRICT_ANSWERS") == "1" else "ignore"
)


class ResponseBody(BaseModel):
    """Base of the typed answers. A key a view returns and the model does not name is left out
    of the answer (never a 500); test runs make it an error instead, so the gap is found."""

    model_config = ConfigDict(extra=_EXTRA, populate_by_name=True)


class Page(ResponseBody):
    """A page of a list endpoint (see :mod:`motcua_platform.http.pagination`); subclasses
    declare ``items``."""

    next_cursor: str | None = Field(description=NEXT_CURSOR_DOC)
