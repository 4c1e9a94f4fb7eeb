"""Motcua workflow: the processing case of every accepted dossier — steps and hand-overs,
legal deadlines, supplements, the one extension, stop, decision and return, deadline warnings,
work queues and QĐ 766 reports. ``python -m motcua_workflow`` serves it."""
