"""The checklist: items, their rules and the per-language vocabulary, loaded from YAML and validated.

All legal knowledge lives in the YAML files: which concepts make a sentence evidence for an item,
what distinguishes `met` from `partial`, thresholds, and the words of each language. A malformed
file is reported with the file, the item, the field and the line; never with a traceback.
"""

from __future__ import annotations

import hashlib
import re
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gdprcheck.values import Duration, parse_duration_spec

_PACKAGED_CHECKLIST = Path(__file__).resolve().parent / "checklists" / "art28.yaml"  # installed copy
_REPOSITORY_CHECKLIST = Path(__file__).resolve().parent.parent / "checklists" / "art28.yaml"


def default_checklist_path() -> Path:
    """The DPO's working copy (./checklists/art28.yaml) when there is one, else the shipped one."""
    for candidate in (Path.cwd() / "checklists" / "art28.yaml", _REPOSITORY_CHECKLIST, _PACKAGED_CHECKLIST):
        if candidate.is_file():
            return candidate
    return _PACKAGED_CHECKLIST


DEFAULT_CHECKLIST = default_checklist_path()

Pattern = str | list[dict[str, Any]]  # a regular expression, or a spaCy Matcher token pattern


class ChecklistError(Exception):
    """The checklist cannot be used; the message says where and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ValueRule(_Strict):
    """A condition on the extracted value: a duration at most `max`, or one of `keywords`."""

    max: str | None = None
    keywords: list[str] = Field(default_factory=list)

    @field_validator("max")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration_spec(value)
        return value

    @property
    def max_duration(self) -> Duration | None:
        return parse_duration_spec(self.max) if self.max else None


class Outcome(_Strict):
    """One way an item can be decided: the concepts that must (all/any) or must not (none) co-occur
    within the scope, and an optional condition on the value."""

    status: Literal["met", "partial", "flagged"]
    # sentence; clause (a numbered sub-clause or paragraph block); article (an article with all its
    # sub-clauses: "7.3 notice" and "7.4 objection" together); document
    scope: Literal["sentence", "clause", "article", "document"] = "sentence"
    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)
    none: list[str] = Field(default_factory=list)
    # concepts that must appear nowhere in the contract: an obligation weakened elsewhere
    # ("best efforts", "the client alone is responsible for security") is not met
    none_in_document: list[str] = Field(default_factory=list)
    # for a clause, article or document scope: concepts the quoted sentence must itself hold (the
    # list of a breach notice's contents, not the sentence that only names the breach)
    quote_has: list[str] = Field(default_factory=list)
    # ... and concepts it must not hold: the help with requests, not the sentence that only forwards them
    quote_none: list[str] = Field(default_factory=list)
    value: ValueRule | None = None
    rationale: str

    @model_validator(mode="after")
    def _has_condition(self) -> Outcome:
        if not self.all and not self.any:
            raise ValueError("an outcome needs at least one concept in 'all' or 'any'")
        return self

    @property
    def concepts(self) -> set[str]:
        return (
            set(self.all)
            | set(self.any)
            | set(self.none)
            | set(self.none_in_document)
            | set(self.quote_has)
            | set(self.quote_none)
        )


class Item(_Strict):
    id: str
    title: str
    gdpr: str
    description: str
    recommendation: str = ""
    value: Literal["duration", "breach_timing", "countries"] | None = None
    # where the value may be read beyond the quoted sentence: its clause, or its whole article (a
    # notice period in 12.2 for the audit right of 12.1); only sentences on the item's subject count
    value_scope: Literal["sentence", "clause", "article"] = "sentence"
    outcomes: list[Outcome] = Field(min_length=1)
    missing_rationale: str = ""
    # evidence in the body is preferred to an annex (templates, descriptions), unless the item is
    # one that annexes are meant to hold, such as the description of the processing
    annex_evidence: Literal["avoid", "equal"] = "avoid"
    # evidence is looked for first in the clause quoted for an earlier item: the content of a breach
    # notification belongs with the processor's duty to notify, not with its help to the controller
    evidence_near: str | None = None
    # "list": a list item is quoted with its lead-in and the whole list (the list is the evidence,
    # such as the elements a breach notification contains); "sentence": the item and its lead-in
    evidence_quote: Literal["sentence", "list"] = "sentence"

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", value):
            raise ValueError("item IDs are lower-case words joined by '.', '-' or '_' (e.g. 'breach.notification')")
        return value

    @property
    def is_red_flag(self) -> bool:
        return self.id.startswith("redflag.")

    @model_validator(mode="after")
    def _statuses_fit_kind(self) -> Item:
        flagged = {o.status == "flagged" for o in self.outcomes}
        if self.is_red_flag and flagged != {True}:
            raise ValueError("outcomes of a red flag ('redflag.*') must have status 'flagged'")
        if not self.is_red_flag and True in flagged:
            raise ValueError("status 'flagged' is only for red flags (IDs starting with 'redflag.')")
        return self


class DurationWords(_Strict):
    units: dict[Literal["hours", "days", "business days", "weeks", "months", "years"], list[str]]
    one: list[str] = Field(default_factory=list)  # words that mean 1 before a unit: "un", "one", "een", "ein"


class LanguageData(_Strict):
    """Everything one language contributes: concept patterns and the words values are written in."""

    language: str
    models: list[str] = Field(default_factory=list)  # trained spaCy pipelines to use when installed
    concepts: dict[str, list[Pattern]]
    durations: DurationWords
    keywords: dict[Literal["immediate", "undue_delay", "unspecified"], list[str]]
    places: dict[str, list[str]] = Field(default_factory=dict)
    # words any contract in this language uses (regular expressions, from a word start): a text
    # with too few of them is not audited (see Checklist.min_contract_terms)
    contract_words: list[str] = Field(default_factory=list)

    @field_validator("contract_words")
    @classmethod
    def _words_compile(cls, words: list[str]) -> list[str]:
        for word in words:
            try:
                re.compile(word)
            except re.error as exc:
                raise ValueError(f"contract word {word!r} is not a valid regular expression ({exc})") from None
        return words

    @field_validator("concepts")
    @classmethod
    def _patterns_compile(cls, concepts: dict[str, list[Pattern]]) -> dict[str, list[Pattern]]:
        # checked the way the concept scanner compiles them; what the check learns of each pattern
        # serves the scanner's own build (one parse of each pattern, not two)
        from gdprcheck.locate.scanner import check_pattern

        for name, patterns in concepts.items():
            for pattern in patterns:
                if isinstance(pattern, str):
                    try:
                        check_pattern(pattern)
                    except re.error as exc:
                        raise ValueError(
                            f"concept '{name}': pattern {pattern!r} is not a valid regular expression ({exc})"
                        ) from None
        return concepts


class Checklist(_Strict):
    name: str
    version: str
    languages: dict[str, LanguageData]
    # concepts that mark a clause as being about personal data: evidence found there is preferred
    # to the same words in, say, a general confidentiality clause about business secrets
    evidence_context: list[str] = Field(default_factory=list)
    # concepts that disqualify a sentence as evidence for anything: a definition of "processor"
    # says nothing about who the processor is or what it must do
    not_evidence: list[str] = Field(default_factory=list)
    # a text that uses fewer distinct contract words (the languages' contract_words) than this is no
    # contract (a letter, minutes, a price list): scored, it would come out "all missing" and make
    # its vendor look like the worst in the batch, so it is reported as an error instead
    min_contract_terms: int = Field(default=3, ge=0)
    items: list[Item]
    source: str = ""
    sha256: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Checklist:
        ids = [item.id for item in self.items]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate item IDs: {', '.join(duplicates)}")
        known = set().union(*(set(lang.concepts) for lang in self.languages.values())) if self.languages else set()
        for field in ("evidence_context", "not_evidence"):
            unknown_context = sorted(set(getattr(self, field)) - known)
            if unknown_context:
                raise ValueError(f"{field}: concept(s) {', '.join(unknown_context)} are defined in no language file")
        for position, item in enumerate(self.items):
            if item.evidence_near is not None and item.evidence_near not in ids[:position]:
                raise ValueError(
                    f"item '{item.id}': evidence_near '{item.evidence_near}' is not the ID of an item listed before it"
                )
            for outcome in item.outcomes:
                unknown = sorted(outcome.concepts - known)
                if unknown:
                    raise ValueError(f"item '{item.id}': concept(s) {', '.join(unknown)} are defined in no language file")
        return self

    @property
    def checklist_items(self) -> list[Item]:
        return [item for item in self.items if not item.is_red_flag]

    @property
    def red_flags(self) -> list[Item]:
        return [item for item in self.items if item.is_red_flag]


# --- loading -------------------------------------------------------------------------------------


# libyaml's parser when PyYAML has it: the same data, read about 30 times faster than by the pure
# Python one (0.4 s of every start-up for the four language files, measured)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _YamlFile:
    """A YAML file's data, and its node tree for the line numbers of error messages. The tree is
    composed only when a message needs it: composing parses the whole file a second time."""

    def __init__(self, path: Path, text: str, data: Any):
        self.path, self.text, self.data = path, text, data

    @cached_property
    def tree(self) -> yaml.Node | None:
        return yaml.compose(self.text, Loader=_YAML_LOADER)

    def line_of(self, location: tuple[Any, ...]) -> int | None:
        """Line (1-based) of the node at a pydantic error location, or of its nearest parent."""
        node = self.tree
        line = node.start_mark.line + 1 if node is not None else None
        for key in location:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                match = node.value[key]
            else:
                match = None
            if match is None:
                break
            node = match
            line = node.start_mark.line + 1
        return line


def _load_yaml(path: Path) -> _YamlFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ChecklistError(f"{path}: checklist file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecklistError(f"{path}: cannot be read ({exc})") from None
    try:
        return _YamlFile(path, text, yaml.load(text, Loader=_YAML_LOADER))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ChecklistError(f"{path}:{where} invalid YAML: {getattr(exc, 'problem', exc)}") from None


def _describe(errors: ValidationError, file: _YamlFile) -> str:
    messages = []
    for error in errors.errors():
        location = tuple(error["loc"])
        parts = []
        if location[:1] == ("items",) and len(location) > 1 and isinstance(file.data, dict):
            try:
                item_id = file.data["items"][location[1]].get("id", f"#{location[1] + 1}")
            except (IndexError, AttributeError, TypeError):
                item_id = f"#{location[1] + 1}"
            parts.append(f"item '{item_id}'")
            field = ".".join(str(p) for p in location[2:])
        else:
            field = ".".join(str(p) for p in location)
        if field:
            parts.append(f"field '{field}'")
        line = file.line_of(location)
        where = f"{file.path}" + (f", line {line}" if line else "")
        message = error["msg"].removeprefix("Value error, ")
        messages.append(f"{where}: {', '.join(parts) or 'checklist'}: {message}")
    return "\n".join(messages)


def load_language(path: Path, shapes: Path | None = None) -> LanguageData:
    """Load and validate a language file. With `shapes`, a folder, what checking its patterns learnt
    is kept there for the next run, and taken from there when the file has not changed since."""
    file = _load_yaml(path)
    if not isinstance(file.data, dict):
        raise ChecklistError(f"{path}: a language file must be a mapping with 'language', 'concepts', ...")
    recalled, key, patterns = False, "", []
    if shapes is not None:
        from gdprcheck.locate import scanner

        key, patterns = scanner.shapes_key(file.text), _string_patterns(file.data)
        recalled = patterns is not None and scanner.recall_shapes(shapes, key, patterns)
    try:
        language = LanguageData.model_validate(file.data)
    except ValidationError as errors:
        raise ChecklistError(_describe(errors, file)) from None
    if shapes is not None and not recalled:
        scanner.remember_shapes(shapes, key, [p for ps in language.concepts.values() for p in ps if isinstance(p, str)])
    return language


def _string_patterns(data: dict) -> list[str] | None:
    """The regular expressions of a language file's concepts as validation will see them, in order;
    None when the file is not shaped for that (validation then says what is wrong)."""
    concepts = data.get("concepts")
    if not isinstance(concepts, dict):
        return None
    patterns = []
    for values in concepts.values():
        if not isinstance(values, list):
            return None
        patterns += [value for value in values if isinstance(value, str)]
    return patterns


def load_checklist(path: Path | str = DEFAULT_CHECKLIST, shapes: Path | None = None) -> Checklist:
    """Load and validate a checklist and the language files it names (paths relative to it); see
    load_language for `shapes`."""
    path = Path(path)
    file = _load_yaml(path)
    data = file.data
    if not isinstance(data, dict):
        raise ChecklistError(f"{path}: a checklist must be a mapping with 'name', 'version', 'languages', 'items'")
    language_files = data.get("languages")
    if not isinstance(language_files, list) or not all(isinstance(f, str) for f in language_files):
        line = file.line_of(("languages",))
        raise ChecklistError(f"{path}, line {line}: field 'languages': a list of language file paths is required")
    languages = {}
    for name in language_files:
        language = load_language(path.parent / name, shapes)
        languages[language.language] = language
    try:
        checklist = Checklist.model_validate(
            {
                **data,
                "languages": languages,
                "source": str(path),
                "sha256": _hash_files(path, [path.parent / f for f in language_files]),
            }
        )
    except ValidationError as errors:
        raise ChecklistError(_describe(errors, file)) from None
    return checklist


def _hash_files(main: Path, others: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in [main, *others]:
        digest.update(file.read_bytes())
    return digest.hexdigest()
