"""Locate the elements of checklist items in clauses with spaCy pipelines (one per language)."""

from gdprcheck.locate.locator import Locator

__all__ = ["Locator"]
