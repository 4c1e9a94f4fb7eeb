"""The feedback domain, pure: no I/O, no framework. The rules of đánh giá mức độ hài lòng
(TT 01/2018, QĐ 766 group 6) and of phản ánh, kiến nghị live here, with golden tests.

- :mod:`.rating` — ``DossierRecord``: a returned dossier's rating request and its one rating.
- :mod:`.complaint` — ``Complaint``: a PAKN with its 15-working-day answer deadline.
- :mod:`.figures` — satisfaction rate, 18-point score, QĐ 766 indicators 5.3 and 5.4.
- :mod:`.tt01` — the nine TT 01/2018 indicators and their scores.
- :mod:`.kiosk_session`, :mod:`.rating_token` — the proofs a kiosk device, a kiosk rating or an
  online rating carries.
"""

from motcua_feedback.domain.complaint import ComplainantContact, Complaint
from motcua_feedback.domain.errors import (
    AlreadyAnswered,
    AlreadyRated,
    AnswerAlreadyRated,
    FeedbackError,
    InvalidComplaint,
    InvalidKioskDevice,
    InvalidRating,
    InvalidToken,
    KioskDeviceRequired,
    KioskNotAllowed,
    NotAnswered,
    NotRateable,
    ScoreOutOfRange,
    TokenAlreadyUsed,
    UnknownIndicator,
)
from motcua_feedback.domain.figures import (
    ComplaintSummary,
    DossierSatisfaction,
    RatingSummary,
    complaint_summary,
    dossier_satisfaction,
    rating_summary,
)
from motcua_feedback.domain.kiosk_session import (
    counter_unit,
    issue_kiosk_session,
    kiosk_device_token,
    require_kiosk_device,
    verify_kiosk_device,
    verify_kiosk_session,
)
from motcua_feedback.domain.rating import DossierRecord, Rating, TokenSource, hash_token
from motcua_feedback.domain.rating_token import DerivedTokens, rating_token
from motcua_feedback.domain.scope import Scope, unit_covers

__all__ = [
    "AlreadyAnswered",
    "AlreadyRated",
    "AnswerAlreadyRated",
    "ComplainantContact",
    "Complaint",
    "ComplaintSummary",
    "DerivedTokens",
    "DossierRecord",
    "DossierSatisfaction",
    "FeedbackError",
    "InvalidComplaint",
    "InvalidKioskDevice",
    "InvalidRating",
    "InvalidToken",
    "KioskDeviceRequired",
    "KioskNotAllowed",
    "NotAnswered",
    "NotRateable",
    "Rating",
    "RatingSummary",
    "Scope",
    "ScoreOutOfRange",
    "TokenAlreadyUsed",
    "TokenSource",
    "UnknownIndicator",
    "complaint_summary",
    "counter_unit",
    "dossier_satisfaction",
    "hash_token",
    "issue_kiosk_session",
    "kiosk_device_token",
    "rating_summary",
    "rating_token",
    "require_kiosk_device",
    "unit_covers",
    "verify_kiosk_device",
    "verify_kiosk_session",
]
