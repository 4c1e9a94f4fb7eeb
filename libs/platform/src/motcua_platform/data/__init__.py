"""Packaged reference data of the legal rules (official code lists)."""
