"""The QR code printed on the chip-based citizen identity card (thẻ Căn cước / CCCD gắn chip).

Scanners type its text as one line, fields separated by ``|``:
``số định danh|số CMND cũ|họ tên|ngày sinh ddmmyyyy|giới tính|nơi thường trú|ngày cấp ddmmyyyy``.
Only the personal ID number is used: everything else is read from the population registry, the
State's own data, not from what a card says.
"""

from __future__ import annotations

import re
import unicodedata

_DIGITS = re.compile(r"\d{12}")


def personal_id_from_input(text: str) -> str | None:
    """The 12-digit personal ID in what the official typed or scanned: the number itself, or the
    card's QR text. ``None`` when there is no such number."""
    cleaned = unicodedata.normalize("NFC", text).strip()
    first = cleaned.split("|", 1)[0].strip().replace(" ", "")
    return first if _DIGITS.fullmatch(first) else None
