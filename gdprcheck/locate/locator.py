"""Find, per sentence of each clause, the set of checklist concepts in it.

Two passes, so that the statistical pipeline only sees the text where its output can matter:

1. The cheap matchers, over every clause: the concepts' regular expressions on the clause text.
2. Sentence boundaries, line by line (a line of normalised text always starts a sentence and a
   sentence never runs on across a line break):
   - a line with no sentence end inside it is one sentence, whatever a pipeline would say (a split
     a pipeline makes inside it is undone by the merge below), so no pipeline runs on it;
   - a line with several sentences goes to the language's statistical pipeline when a concept that
     some rule reads starts in it (a candidate), else to the fast pipeline (blank tokenizer and
     sentencizer). The statistical pipeline is the trained one when installed, with every
     component excluded but the one that gives sentence boundaries (the only thing a rule reads):
     its sentence recogniser (`senter`), else its parser.

A language whose concepts use spaCy Matcher token patterns (lemmas, parts of speech) needs tokens
everywhere: its clauses go whole through the trained pipeline with the concept component.
No Doc outlives the clause it was made for.
"""

from __future__ import annotations

import importlib.util
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from functools import cache

from gdprcheck.checklist import Checklist, LanguageData
from gdprcheck.locate.scanner import CONCEPTS_KEY, ConceptScanner
from gdprcheck.models import Clause, Sentence
from gdprcheck.numbering import LIST_ITEM

# Components of trained pipelines that no rule here reads (for the token-pattern path).
_UNUSED_COMPONENTS = ["ner"]
_BATCH_SIZE = 256

# a sentence end followed by more text on the same line: only such a line can hold two sentences
_SENTENCE_END_INSIDE = re.compile(r"[.!?;:…][»\"”’')\]]*\s+\S")
_LINE = re.compile(r"[^\n]+")


def has_token_patterns(concepts: dict[str, list]) -> bool:
    """Whether a language's concepts hold spaCy Matcher token patterns, which need tokens everywhere."""
    return any(isinstance(p, list) for patterns in concepts.values() for p in patterns)


def installed_model(language: LanguageData, prefer_trained: bool = True) -> str | None:
    """The first trained pipeline named by the language file that is installed, if wanted."""
    if prefer_trained:
        for model in language.models:
            if importlib.util.find_spec(model) is not None:
                return model
    return None


def model_version(model: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(model)
    except PackageNotFoundError:
        return "unknown"


def _spacy():
    import spacy

    return spacy


def build_pipeline(language: LanguageData, prefer_trained: bool = True):
    """The full pipeline, for languages with token patterns: the first installed trained pipeline
    named by the language file, else a blank pipeline with a sentencizer and lookup lemmas; with
    line-aware sentence starts and the concept component. Nothing is ever downloaded."""
    spacy = _spacy()
    from gdprcheck.locate import components  # noqa: F401  (registers this pipeline's own components)

    model = installed_model(language, prefer_trained)
    nlp = spacy.load(model, exclude=_UNUSED_COMPONENTS) if model else None
    if nlp is None:
        nlp = spacy.blank(language.language)
        nlp.add_pipe("sentencizer")
        if importlib.util.find_spec("spacy_lookups_data") is not None:
            try:
                nlp.add_pipe("lemmatizer", config={"mode": "lookup"}).initialize()
            except (ValueError, OSError):
                nlp.remove_pipe("lemmatizer")
    first = "parser" if "parser" in nlp.pipe_names else "senter" if "senter" in nlp.pipe_names else "sentencizer"
    nlp.add_pipe("gdprcheck_line_starts", before=first)
    if first == "sentencizer":
        # the sentencizer overwrites every boundary: enforce line starts after it instead
        nlp.remove_pipe("gdprcheck_line_starts")
        nlp.add_pipe("gdprcheck_line_starts", after="sentencizer")
    nlp.add_pipe("gdprcheck_concepts", config={"concepts": {k: list(v) for k, v in language.concepts.items()}})
    return nlp


def build_fast_pipeline(code: str, model: str | None = None):
    """A tokenizer and the rule-based sentencizer: the cheap way to split a line. The tokenizer is
    the trained pipeline's when one is installed (see `_trained_tokenizer`), else the blank one."""
    nlp = _behind_trained_tokenizer(model) if model else _spacy().blank(code)
    nlp.add_pipe("sentencizer")
    return nlp


def build_sentence_pipeline(model: str):
    """A trained pipeline reduced to what gives sentence boundaries.

    With a sentence recogniser (`senter`, a self-contained component: its own embeddings, no
    listener), only its weights are loaded, behind the pipeline's tokenizer (`_trained_tokenizer`).
    Without one, the parser and what feeds it, loaded the usual way."""
    spacy = _spacy()
    data = _model_data(model)
    components = spacy.util.load_meta(data / "meta.json").get("components", [])
    if "senter" in components:
        nlp = _behind_trained_tokenizer(model)
        config = dict(spacy.util.load_config(data / "config.cfg", interpolate=True)["components"]["senter"])
        del config["factory"]
        nlp.add_pipe("senter", config=config).from_disk(data / "senter", exclude=["vocab"])
        return nlp
    keep = ["tok2vec", "parser"]
    nlp = spacy.load(model, exclude=[name for name in components if name not in keep])
    for name in keep:
        if name in nlp.component_names and name not in nlp.pipe_names:
            nlp.enable_pipe(name)
    return nlp


def _model_data(model: str):
    """The folder of a pipeline package that holds its config, meta and component data."""
    from spacy.util import get_package_path

    package = get_package_path(model)
    if (package / "config.cfg").exists():
        return package
    for config in sorted(package.glob("*/config.cfg")):
        return config.parent
    raise OSError(f"{model}: no config.cfg in {package}")


@cache
def _trained_tokenizer(model: str):
    """A trained pipeline's tokenizer: its prefix, suffix and infix rules and special cases,
    restored from the package data, without its `token_match`. Loaded once per process (compiling
    its rules takes 0.1 s) and shared by the pipelines built behind it: tokenizing is deterministic,
    and its cache of split words only saves time.

    Why not `spacy.load`: loading a trained pipeline imports its language module, and French's
    builds and compiles a regular expression of hyphenated words at import (2.3 s measured, half of
    the tool's start-up); the tokenizer data hold the same expression, compiled again when loaded.
    That expression only keeps words such as "sous-traitant" whole; sentence boundaries, the one
    output read from these pipelines, are the same on all but 2 of 1,522 lines of the French seed
    and development contracts (the merge rules in `_merge` absorb such differences)."""
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer

    # an empty tokenizer to restore into: the default one would compile rules the data replace
    nlp = Language(create_tokenizer=lambda bare: Tokenizer(bare.vocab))
    nlp.tokenizer.from_disk(_model_data(model) / "tokenizer", exclude=["vocab", "token_match"])
    return nlp.tokenizer


def _behind_trained_tokenizer(model: str):
    """A pipeline without components on a trained pipeline's tokenizer and its vocabulary."""
    from spacy.language import Language

    tokenizer = _trained_tokenizer(model)
    return Language(tokenizer.vocab, create_tokenizer=lambda _: tokenizer)


class Locator:
    """Holds, per language, the compiled concept patterns and the pipelines (each built on first
    use), and turns clauses into Sentences."""

    def __init__(self, checklist: Checklist, prefer_trained: bool = True):
        self.checklist = checklist
        self.prefer_trained = prefer_trained
        # concepts some rule reads at sentence level: a line holding one is a candidate
        self.relevant = frozenset(
            set().union(*(outcome.concepts for item in checklist.items for outcome in item.outcomes))
            | set(checklist.not_evidence)
        )
        self._scanners: dict[str, ConceptScanner] = {}
        self._uses_tokens: dict[str, bool] = {}
        self._full: dict[str, object] = {}
        self._statistical: dict[str, object] = {}
        self._fast: dict[str, object] = {}

    # --- what each language runs on ------------------------------------------------------------

    def mode(self) -> str:
        """What decides the sentences, per language, without loading anything: part of the key of
        cached results (a trained pipeline installed or upgraded changes them; a change of this
        code is covered by the cache's fingerprint of the package source)."""
        parts = ["locate"]
        for code, data in sorted(self.checklist.languages.items()):
            model = installed_model(data, self.prefer_trained)
            parts.append(f"{code}={model}-{model_version(model)}" if model else f"{code}=blank")
        return ";".join(parts)

    def _token_patterns(self, language: str) -> bool:
        if language not in self._uses_tokens:
            self._uses_tokens[language] = has_token_patterns(self.checklist.languages[language].concepts)
        return self._uses_tokens[language]

    def scanner(self, language: str) -> ConceptScanner:
        if language not in self._scanners:
            self._scanners[language] = ConceptScanner(self.checklist.languages[language].concepts)
        return self._scanners[language]

    def pipeline(self, language: str):
        """The full pipeline (token patterns path)."""
        if language not in self._full:
            self._full[language] = build_pipeline(self.checklist.languages[language], self.prefer_trained)
        return self._full[language]

    def fast_pipeline(self, language: str):
        if language not in self._fast:
            data = self.checklist.languages[language]
            self._fast[language] = build_fast_pipeline(data.language, installed_model(data, self.prefer_trained))
        return self._fast[language]

    def statistical_pipeline(self, language: str):
        """The pipeline for candidate lines: the trained one reduced to sentence boundaries, or the
        fast one when no trained pipeline is installed (or --blank-pipelines)."""
        if language not in self._statistical:
            model = installed_model(self.checklist.languages[language], self.prefer_trained)
            self._statistical[language] = build_sentence_pipeline(model) if model else self.fast_pipeline(language)
        return self._statistical[language]

    def pipeline_name(self, language: str) -> str:
        model = installed_model(self.checklist.languages[language], self.prefer_trained)
        return model or f"blank:{language}"

    def load(self, languages: Iterable[str] | None = None) -> None:
        """Build the pipelines up front (the benchmark's start-up; a batch builds them on first use)."""
        for language in languages if languages is not None else self.checklist.languages:
            if self._token_patterns(language):
                self.pipeline(language)
            else:
                self.scanner(language)
                self.fast_pipeline(language)
                self.statistical_pipeline(language)

    # --- locating ------------------------------------------------------------------------------

    def locate(self, clauses: list[Clause]) -> list[Sentence]:
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        concept_starts: dict[int, list[tuple[int, str]]] = {}
        # (pipeline, clause index, offset in the clause, text) to run in batches
        pieces: dict[int, tuple[object, list[tuple[int, int, str]]]] = {}

        def queue(nlp, index: int, offset: int, text: str) -> None:
            # a line of a million characters (a PDF without line breaks, a generated file) is
            # tokenised in pieces: spaCy refuses a text that long, and would hold it all in memory
            for start, piece in _pieces(text, PIECE_CHARACTERS):
                pieces.setdefault(id(nlp), (nlp, []))[1].append((index, offset + start, piece))

        for index, clause in enumerate(clauses):
            language = clause.language
            if self._token_patterns(language):
                queue(self.pipeline(language), index, 0, clause.text)
                continue
            text = clause.text
            found = [(start, name) for start, _, name in self.scanner(language).scan(text)]
            concept_starts[index] = found
            positions = [position for position, _ in found]
            for line in _LINE.finditer(text):
                content = line.group().strip()
                if not content:
                    continue
                if not _SENTENCE_END_INSIDE.search(content):
                    start = line.start() + line.group().index(content[0])
                    spans[index].append((start, start + len(content)))
                    continue
                low, high = bisect_left(positions, line.start()), bisect_left(positions, line.end())
                candidate = any(name in self.relevant for _, name in found[low:high])
                nlp = self.statistical_pipeline(language) if candidate else self.fast_pipeline(language)
                queue(nlp, index, line.start(), line.group())

        for nlp, queued in pieces.values():
            docs = nlp.pipe((text for _, _, text in queued), batch_size=_BATCH_SIZE)
            for (index, offset, _), doc in zip(queued, docs, strict=True):
                spans[index].extend(_sentence_spans(doc, offset))
                if CONCEPTS_KEY in doc.spans:
                    found = [(offset + span.start_char, span.label_) for span in doc.spans[CONCEPTS_KEY]]
                    concept_starts[index] = sorted(concept_starts.get(index, []) + found)

        sentences: list[Sentence] = []
        for index, clause in enumerate(clauses):
            if clause.titles:
                _append_titles(sentences, index, clause, self.scanner(clause.language))
            merged = _merge(sorted(spans[index]), clause.text)
            _append_sentences(sentences, index, clause, merged, concept_starts.get(index, []))
        return sentences


PIECE_CHARACTERS = 100_000  # spaCy's own limit is 1,000,000; a contract's line is rarely over 2,000


def _pieces(text: str, limit: int) -> list[tuple[int, str]]:
    """`text` cut into pieces of at most `limit` characters, each (offset, piece): after the last
    sentence end before the limit, else the last space, else at the limit itself."""
    if len(text) <= limit:
        return [(0, text)]
    pieces, start = [], 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind(". "), window.rfind("; "), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        end = start + (cut + 1 if cut >= limit // 2 else limit)
        pieces.append((start, text[start:end]))
        start = end
    pieces.append((start, text[start:]))
    return pieces


def _append_titles(sentences: list[Sentence], index: int, clause: Clause, scanner: ConceptScanner) -> None:
    """The title lines above a clause, each one sentence of it with the concepts it names: a
    clause-wide rule reads "Sub-processors" or "Art der Daten, betroffene Personen" from its title."""
    for start, end, text in clause.titles:
        concepts = frozenset(name for _, _, name in scanner.scan(text))
        sentences.append(Sentence(text=text, start=start, end=end, clause_index=index, concepts=concepts))


def _sentence_spans(doc, offset: int) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a Doc, whitespace stripped, in clause coordinates."""
    out = []
    for sent in doc.sents:
        raw = sent.text
        text = raw.strip()
        if text:
            start = offset + sent.start_char + len(raw) - len(raw.lstrip())
            out.append((start, start + len(text)))
    return out


# A sentence that ends on one of these did not end: "Interxion Belgium S.A. situé à Zaventem".
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:[A-Z]\.){1,4}|\b(?:n°|nr|no|art|artt|al|cf|etc|e\.g|i\.e|p\.ex|z\.B|d\.h|u\.a|bzw|ca|vgl|Abs|ff|Ziff|Buchst|Unterabs|Abschn|Inc|Ltd|Co|St|resp|incl|o\.a|m\.b\.t|t\.a\.v|zgl|sq)\.)$",
    re.IGNORECASE,
)
# a numbered run-in heading before the clause's first sentence: "6.3 Security. We will use ..."
_RUN_IN_HEADING = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+(?-i:[A-ZÀ-Ý])[^.!?;:\n]{0,60}\.$")
_MARKER_ONLY = re.compile(r"^\s*(?:\(?(?:[ivxlc]{1,6}|[a-z]|\d{1,2})\)|[•●▪◦·\-–—*]|\d{1,2}(?:\.\d{1,2})*\.?|\(?[a-z]\.?)\s*$")


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Undo the splits that cut an obligation in two: after an abbreviation, after a bare list
    marker or a numbered run-in heading ("6.3 Security."), or inside a line with no end
    punctuation (a parser may start a sentence at any capitalised company name)."""
    merged: list[list[int]] = []
    for start, end in spans:
        if merged:
            previous = text[merged[-1][0] : merged[-1][1]]
            same_line = "\n" not in text[merged[-1][1] : start]
            unfinished = not previous.rstrip("»\"”’')]").endswith((".", "!", "?", ";", ":", "…"))
            run_in = same_line and _RUN_IN_HEADING.match(previous) and len(previous.split()) <= 7
            if (
                _MARKER_ONLY.match(previous)
                or run_in
                or (same_line and (unfinished or _ABBREVIATION_END.search(previous) or text[start].islower()))
            ):
                merged[-1][1] = end
                continue
        merged.append([start, end])
    return [(start, end) for start, end in merged]


def _append_sentences(
    sentences: list[Sentence], index: int, clause: Clause, spans: list[tuple[int, int]], found: list[tuple[int, str]]
) -> None:
    """The clause's sentences with their concepts (by where each match starts), and list items
    tied to the sentence they complete."""
    positions = [position for position, _ in found]
    lead_in: int | None = None
    previous_end = ""
    for start, end in spans:
        text = clause.text[start:end]
        concepts = frozenset(name for _, name in found[bisect_left(positions, start) : bisect_left(positions, end)])
        # an item: a list marker, or (in lists without markers) a sentence that follows ":" or
        # another item's ";"
        is_item = bool(LIST_ITEM.match(text)) or (lead_in is not None and previous_end in (":", ";"))
        previous_end = text.rstrip()[-1:]
        if not is_item:
            lead_in = None
        sentences.append(
            Sentence(
                text=text,
                start=clause.start + start,
                end=clause.start + end,
                clause_index=index,
                concepts=concepts,
                lead_in=lead_in if is_item else None,
            )
        )
        if text.rstrip().endswith(":"):
            lead_in = len(sentences) - 1
