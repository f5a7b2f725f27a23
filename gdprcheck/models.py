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


class SubProcessor(BaseModel):
    """A third party the contract names as processing the data (issue 13: the sub-processor register)."""

    name: str  # as written, the legal entity where the text gives one
    entity: str = ""  # the register's name for it (aliases applied): "AWS" -> Amazon Web Services
    service: str = ""  # in the contract's words
    countries: list[str] = Field(default_factory=list)  # ISO 3166 alpha-2, EU or EEA, as the text states them
    mechanism: str = ""  # transfer mechanisms stated: adequacy, SCCs, DPF, BCRs joined by ';'
    evidence: str = ""
    clause: str = ""
    found_in: str = ""  # table, list or prose: how the contract names it
    # what the DPO's approved list says of it (subprocessors/approved.py): set after the audit, never cached
    findings: list[str] = Field(default_factory=list)


class DocumentAudit(BaseModel):
    document: str
    sha256: str
    language: str
    results: list[ItemResult]
    # default: a result cached before the register existed still loads (the cache key changed anyway)
    subprocessors: list[SubProcessor] = Field(default_factory=list)

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
