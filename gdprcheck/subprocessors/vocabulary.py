"""The sub-processor vocabulary (checklists/subprocessors.yaml): column headers, the words for
"sub-processor", hosting and examples per language, legal-form suffixes, aliases, extra place names.
Validated with pydantic; a mistake is reported with the file, the field and the line, like the
checklist's."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gdprcheck.checklist import ChecklistError, _describe, _load_yaml


def _iso_codes() -> frozenset[str]:
    import pycountry

    return frozenset(country.alpha_2 for country in pycountry.countries)


ISO_CODES = _iso_codes()  # every ISO 3166 alpha-2 code

VOCABULARY_NAME = "subprocessors.yaml"
_PACKAGED = Path(__file__).resolve().parent.parent / "checklists" / VOCABULARY_NAME  # installed copy
_REPOSITORY = Path(__file__).resolve().parent.parent.parent / "checklists" / VOCABULARY_NAME

Column = Literal["name", "service", "location", "seat", "mechanism"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _compiles(patterns: list[str], what: str) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{what}: {pattern!r} is not a valid regular expression ({exc})") from None
    return patterns


class Alias(_Strict):
    """One entity of the register and the spellings contracts use for it."""

    name: str = Field(min_length=1)
    spellings: list[str] = Field(min_length=1)


class LanguageWords(_Strict):
    sub_processor: list[str] = Field(min_length=1)
    # "is therefore not a sub-processor": a company the sentence says is none
    not_sub_processor: list[str] = Field(default_factory=list)
    columns: dict[Column, list[str]]
    hosting: list[str] = Field(default_factory=list)
    example: list[str] = Field(default_factory=list)
    enumeration_end: list[str] = Field(default_factory=list)
    # the roles the parties are defined by ("Le Prestataire : La SA ACME", "Provider: Acme Ltd"): a
    # company named on such a line is a party wherever it appears, never a sub-processor
    party_roles: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _patterns(self) -> LanguageWords:
        for field in ("sub_processor", "not_sub_processor", "hosting", "example", "enumeration_end"):
            _compiles(getattr(self, field), field)
        for column, words in self.columns.items():
            _compiles(words, f"column '{column}'")
        if "name" not in self.columns:
            raise ValueError("columns: the words of the 'name' column are required")
        return self


class Vocabulary(_Strict):
    version: int
    legal_suffixes: list[str] = Field(min_length=1)
    name_noise: list[str] = Field(default_factory=list)
    aliases: list[Alias] = Field(default_factory=list)
    common_words: list[str] = Field(default_factory=list)
    not_name_start: list[str] = Field(default_factory=list)
    # abbreviations a sentence may end on wrongly ("Industriestr. 25"): the address goes on after them
    abbreviations: list[str] = Field(default_factory=list)
    # words that, with a number, name a part of the contract ("Module 2", "Clause 13"), never a company
    document_parts: list[str] = Field(default_factory=list)
    # what joins two companies in one table cell ("Neon, Inc. und Amazon Web Services", "X; Y")
    name_joiners: list[str] = Field(default_factory=list)
    places: dict[str, list[str]] = Field(default_factory=dict)
    adjectives: dict[str, list[str]] = Field(default_factory=dict)
    facilities: list[str] = Field(default_factory=list)
    mechanisms: dict[Literal["adequacy", "SCCs", "DPF", "BCRs"], list[str]] = Field(default_factory=dict)
    # the member states, ISO codes: of the EU, and of the EEA beyond it (a place within them is no transfer)
    eu_members: list[str] = Field(default_factory=list)
    eea_members_outside_eu: list[str] = Field(default_factory=list)
    languages: dict[str, LanguageWords] = Field(min_length=1)
    source: str = ""
    sha256: str = ""

    @field_validator("eu_members", "eea_members_outside_eu")
    @classmethod
    def _member_codes(cls, codes: list[str]) -> list[str]:
        unknown = [code for code in codes if code not in ISO_CODES]
        if unknown:
            raise ValueError(f"not ISO 3166 alpha-2 codes: {', '.join(unknown)}")
        return codes

    @property
    def eea_members(self) -> frozenset[str]:
        return frozenset(self.eu_members) | frozenset(self.eea_members_outside_eu)

    @field_validator("places", "adjectives")
    @classmethod
    def _place_codes(cls, places: dict[str, list[str]]) -> dict[str, list[str]]:
        for code, patterns in places.items():
            if not re.fullmatch(r"[A-Z]{2}|EU|EEA", code):
                raise ValueError(f"place '{code}': an ISO 3166 alpha-2 code, EU or EEA is required")
            _compiles(patterns, f"place '{code}'")
        return places

    @field_validator("document_parts", "name_joiners")
    @classmethod
    def _word_patterns(cls, patterns: list[str]) -> list[str]:
        return _compiles(patterns, "pattern")

    @field_validator("facilities")
    @classmethod
    def _facilities(cls, patterns: list[str]) -> list[str]:
        return _compiles(patterns, "facility")

    @field_validator("mechanisms")
    @classmethod
    def _mechanisms(cls, mechanisms: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, patterns in mechanisms.items():
            _compiles(patterns, f"mechanism '{name}'")
        return mechanisms

    @model_validator(mode="after")
    def _aliases_apart(self) -> Vocabulary:
        from gdprcheck.subprocessors.names import comparable

        owner: dict[str, str] = {}
        names = [alias.name for alias in self.aliases]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"aliases: entities listed twice: {', '.join(twice)}")
        for alias in self.aliases:
            for spelling in [alias.name, *alias.spellings]:
                key = comparable(spelling, self.legal_suffixes, self.name_noise)
                if not key:
                    raise ValueError(f"aliases: '{spelling}' is nothing but a legal form")
                if owner.setdefault(key, alias.name) != alias.name:
                    raise ValueError(f"aliases: '{spelling}' is a spelling of both '{owner[key]}' and '{alias.name}'")
        return self


def beside_checklist(name: str, checklist_source: str | Path | None = None) -> Path:
    """A data file of the register: the one beside the checklist in use (a DPO's working copy), else
    ./checklists/, else the repository's, else the shipped one."""
    packaged = _PACKAGED.parent / name
    candidates = [Path(checklist_source).parent / name] if checklist_source else []
    for candidate in [*candidates, Path.cwd() / "checklists" / name, _REPOSITORY.parent / name, packaged]:
        if candidate.is_file():
            return candidate
    return packaged


def default_vocabulary_path(checklist_source: str | Path | None = None) -> Path:
    return beside_checklist(VOCABULARY_NAME, checklist_source)


@cache
def _load(model: type[BaseModel], path: Path, stamp: tuple[int, int], what: str) -> BaseModel:
    file = _load_yaml(path)
    if not isinstance(file.data, dict):
        raise ChecklistError(f"{path}: the {what} must be a mapping")
    try:
        return model.model_validate(
            {**file.data, "source": str(path), "sha256": hashlib.sha256(file.text.encode("utf-8")).hexdigest()}
        )
    except ValidationError as errors:
        raise ChecklistError(_describe(errors, file)) from None


def load_data_file(model: type[BaseModel], path: Path, what: str) -> BaseModel:
    """Load and validate a YAML data file with `model` (once per file version; `source` and `sha256`
    filled in); ChecklistError names the file and the line."""
    try:
        stat = path.stat()
    except OSError:
        raise ChecklistError(f"{path}: {what} not found") from None
    return _load(model, path.resolve(), (stat.st_mtime_ns, stat.st_size), what)


def load_vocabulary(path: Path | str | None = None, checklist_source: str | Path | None = None) -> Vocabulary:
    """Load and validate the vocabulary (once per file version); ChecklistError names file and line."""
    path = Path(path) if path is not None else default_vocabulary_path(checklist_source)
    return load_data_file(Vocabulary, path, "sub-processor vocabulary")
