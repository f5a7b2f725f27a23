"""The DPO's approved list of sub-processors (checklists/approved-subprocessors.yaml): entities with
their aliases, the places each may process the data in, and notes. Validated with pydantic; a mistake
is reported with the file, the field and the line, like the checklist's.

Findings per (contract, sub-processor), put on SubProcessor.findings: a sub-processor not on the
list; a place the list does not allow for it; a place outside the EU/EEA, without an adequacy
decision, for which the contract states no transfer mechanism (Art. 44-46 GDPR)."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gdprcheck.models import BatchResult, SubProcessor
from gdprcheck.subprocessors.names import NameIndex
from gdprcheck.subprocessors.vocabulary import ISO_CODES, Vocabulary, beside_checklist, load_data_file

APPROVED_NAME = "approved-subprocessors.yaml"

NOT_ON_LIST = "not on the approved list"
PLACE_NOT_APPROVED = "place not approved for it: {places} (approved: {allowed})"
NO_MECHANISM = "outside the EU/EEA without a stated transfer mechanism: {places}"


def _place(code: str) -> str:
    if code not in ("EU", "EEA") and code not in ISO_CODES:
        raise ValueError(f"place '{code}': an ISO 3166 alpha-2 code (DE, US), EU or EEA is required")
    return code


class ApprovedEntity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)  # empty: any place the contract states
    notes: str = ""

    @field_validator("places")
    @classmethod
    def _places(cls, places: list[str]) -> list[str]:
        return [_place(code) for code in places]


class ApprovedList(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    # third countries with an adequacy decision of the Commission (Art. 45): no mechanism needed there
    adequacy: list[str] = Field(default_factory=list)
    entities: list[ApprovedEntity] = Field(default_factory=list)
    source: str = ""
    sha256: str = ""

    @field_validator("adequacy")
    @classmethod
    def _adequacy(cls, places: list[str]) -> list[str]:
        return [_place(code) for code in places]

    @model_validator(mode="after")
    def _entities_apart(self) -> ApprovedList:
        names = [entity.name for entity in self.entities]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"entities listed twice: {', '.join(twice)}")
        return self


def default_approved_path(checklist_source: str | Path | None = None) -> Path:
    return beside_checklist(APPROVED_NAME, checklist_source)


def load_approved(path: Path | str | None = None, checklist_source: str | Path | None = None) -> ApprovedList:
    """Load and validate the approved list (once per file version); ChecklistError names file and line."""
    path = Path(path) if path is not None else default_approved_path(checklist_source)
    return load_data_file(ApprovedList, path, "approved list of sub-processors")


def _within(code: str, allowed: list[str], vocabulary: Vocabulary) -> bool:
    """Whether a place stated is one the list allows: a member state is within 'EEA' (and 'EU')."""
    if code in allowed:
        return True
    if "EEA" in allowed and (code in vocabulary.eea_members or code == "EU"):
        return True
    return "EU" in allowed and code in vocabulary.eu_members


class ApprovalCheck:
    """The approved list compiled against the vocabulary's names (aliases of both apply)."""

    def __init__(self, approved: ApprovedList, vocabulary: Vocabulary):
        self.approved = approved
        self.vocabulary = vocabulary
        self.names = names = NameIndex(vocabulary)
        self._entities: dict[str, ApprovedEntity] = {}
        for entity in approved.entities:
            for spelling in [entity.name, *entity.aliases]:
                key = names.key(spelling)
                if key:
                    self._entities.setdefault(key, entity)
        self._adequate = set(approved.adequacy)

    def entity(self, found: SubProcessor) -> ApprovedEntity | None:
        return self._entities.get(self.names.key(found.name)) or self._entities.get(self.names.key(found.entity or found.name))

    def findings(self, found: SubProcessor) -> list[str]:
        findings: list[str] = []
        entity = self.entity(found)
        if entity is None:
            findings.append(NOT_ON_LIST)
        elif entity.places:
            outside = [code for code in found.countries if not _within(code, entity.places, self.vocabulary)]
            if outside:
                findings.append(PLACE_NOT_APPROVED.format(places=", ".join(outside), allowed=", ".join(entity.places)))
        third = [c for c in found.countries if c not in ("EU", "EEA") and c not in self.vocabulary.eea_members and c not in self._adequate]
        if third and not re.search(r"\w", found.mechanism):
            findings.append(NO_MECHANISM.format(places=", ".join(third)))
        return findings

    def apply(self, batch: BatchResult) -> None:
        """Set the findings of every sub-processor of the batch (in place)."""
        for audit in batch.audits:
            audit.subprocessors = [found.model_copy(update={"findings": self.findings(found)}) for found in audit.subprocessors]
