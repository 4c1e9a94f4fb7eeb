"""The counter kiosk (máy tính bảng đánh giá tại quầy): a self-contained touch page.

``GET /kiosk/{counter}`` serves :func:`render_kiosk_page`; the page then talks to two JSON
endpoints only (``GET /kiosk/{counter}/current`` and ``POST /ratings``), see :mod:`.page`.
"""

from motcua_feedback.kiosk.page import render_kiosk_page

__all__ = ["render_kiosk_page"]
