"""Records that flow between the stages: file -> text -> clauses -> findings -> item results.

Each stage takes the previous stage's records and returns its own; nothing reaches back.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class Status(str, Enum):
    MET = "met"
    PARTIAL = "partial"
    MISSING = "missing"
    FLAGGED = "flagged"

    @property
    def is_gap(self) -> bool:
        return self in (Status.PARTIAL, Status.MISSING)


class Document(BaseModel):
    """The text of one contract file, as read, before any normalisation."""

    source: Path
    text: str
    sha256: str
    file_format: str
    notes: list[str] = Field(default_factory=list)


class Clause(BaseModel):
    """A numbered or headed part of a contract, the unit a finding cites."""

    ref: str
    text: str
    start: int
    end: int
    language: str = ""
    in_annex: bool = False  # under an "Annex"/"Anhang"/"Bijlage" heading
    section: str = ""  # reference of the enclosing article: its sub-clauses share it
    # title lines above the body (its own heading, and an article heading with no body of its own),
    # as (start, end, text) in the text: "Art der Daten, betroffene Personen, Zweck" names what follows
    titles: list[tuple[int, int, str]] = []


class Sentence(BaseModel):
    """One sentence (or list item) of a clause with the concepts the pipeline found in it."""

    model_config = ConfigDict(frozen=True)

    text: str
    start: int
    end: int
    clause_index: int
    concepts: frozenset[str]
    lead_in: int | None = None  # index of the sentence a list item depends on ("s'engage à :")


class LocatedDocument(BaseModel):
    """A contract after normalisation, segmentation, language detection and concept location."""

    document: Document
    text: str
    language: str
    clauses: list[Clause]
    sentences: list[Sentence]


class Evidence(BaseModel):
    quote: str
    clause: str
    start: int
    end: int


class ItemResult(BaseModel):
    """The decision on one checklist item (or red flag) for one contract, with its explanation."""

    document: str
    item: str
    title: str
    status: Status
    value: str = ""
    evidence: Evidence | None = None
    language: str = ""
    rationale: str = ""
    matched: list[str] = Field(default_factory=list)
    is_red_flag: bool = False


class DocumentAudit(BaseModel):
    document: str
    sha256: str
    language: str
    results: list[ItemResult]

    @property
    def items(self) -> list[ItemResult]:
        return [r for r in self.results if not r.is_red_flag]

    @property
    def red_flags(self) -> list[ItemResult]:
        return [r for r in self.results if r.is_red_flag]

    @property
    def score(self) -> float:
        """Share of items met, partial counting half: a rough ranking of vendors, not a verdict."""
        items = self.items
        if not items:
            return 0.0
        points = sum(1.0 if r.status is Status.MET else 0.5 if r.status is Status.PARTIAL else 0.0 for r in items)
        return round(points / len(items), 3)


class FileError(BaseModel):
    """A file the batch could not audit, and why, in words a DPO can act on."""

    document: str
    problem: str


class BatchResult(BaseModel):
    audits: list[DocumentAudit] = Field(default_factory=list)
    errors: list[FileError] = Field(default_factory=list)
    checklist_path: str = ""
