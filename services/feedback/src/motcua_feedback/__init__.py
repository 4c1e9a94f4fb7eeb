"""Motcua feedback service: ratings of returned dossiers (kiosk, online, paper), complaints and
suggestions (PAKN) with their 15-working-day deadline, and the satisfaction figures.

- ``domain/``: the rules, pure (TT 01/2018, QĐ 766 5.3/5.4, PAKN deadlines); ``kiosk/``: the page.
- ``subscribers.py``: workflow's ``case.*`` events → ``DossierRecord``.
- ``handlers.py``: commands (rate, file, classify, answer, rate the answer).
- ``store.py``: collections, indexes, queries; ``reports.py``: figures and the PAKN list.
- ``api/``: the HTTP routes; ``metrics.py``; ``settings.py``; ``main.py``: composition root.
"""
