"""Run each clause through the spaCy pipeline of its language and keep, per sentence, the set of
checklist concepts found in it. Docs are dropped as soon as their sentences are recorded."""

from __future__ import annotations

import importlib.util
import re
from collections import defaultdict

import spacy
from spacy.language import Language

from gdprcheck.checklist import Checklist, LanguageData
from gdprcheck.locate import components  # noqa: F401  (registers the factories)
from gdprcheck.locate.components import CONCEPTS_KEY
from gdprcheck.models import Clause, Sentence
from gdprcheck.numbering import LIST_ITEM

# Components of trained pipelines that no rule here reads: skipping them saves most of the time.
_UNUSED_COMPONENTS = ["ner"]


def build_pipeline(language: LanguageData, prefer_trained: bool = True) -> Language:
    """The first installed trained pipeline named by the language file, else a blank pipeline with
    a sentencizer and lookup lemmas. Nothing is ever downloaded."""
    nlp = None
    if prefer_trained:
        for model in language.models:
            if importlib.util.find_spec(model) is not None:
                nlp = spacy.load(model, exclude=_UNUSED_COMPONENTS)
                break
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


class Locator:
    """Holds one pipeline per language (built on first use) and turns clauses into Sentences."""

    def __init__(self, checklist: Checklist, prefer_trained: bool = True):
        self.checklist = checklist
        self.prefer_trained = prefer_trained
        self._pipelines: dict[str, Language] = {}

    def pipeline(self, language: str) -> Language:
        if language not in self._pipelines:
            self._pipelines[language] = build_pipeline(self.checklist.languages[language], self.prefer_trained)
        return self._pipelines[language]

    def pipeline_name(self, language: str) -> str:
        nlp = self.pipeline(language)
        return f"{nlp.meta.get('name', 'blank')}" if nlp.meta.get("name") not in (None, "pipeline") else f"blank:{language}"

    def locate(self, clauses: list[Clause]) -> list[Sentence]:
        by_language: dict[str, list[int]] = defaultdict(list)
        for index, clause in enumerate(clauses):
            by_language[clause.language].append(index)
        per_clause: dict[int, list[tuple[str, int, int, frozenset[str]]]] = {}
        for language, indices in by_language.items():
            nlp = self.pipeline(language)
            for index, doc in zip(indices, nlp.pipe((clauses[i].text for i in indices), batch_size=64), strict=True):
                per_clause[index] = _sentences(doc, clauses[index].start)
        sentences: list[Sentence] = []
        for index in range(len(clauses)):
            lead_in: int | None = None
            previous_end = ""
            for text, start, end, concepts in per_clause[index]:
                # an item: a list marker, or (in lists without markers) a sentence that follows ":"
                # or another item's ";"
                is_item = bool(LIST_ITEM.match(text)) or (lead_in is not None and previous_end in (":", ";"))
                previous_end = text.rstrip()[-1:]
                if not is_item:
                    lead_in = None
                sentences.append(
                    Sentence(
                        text=text,
                        start=start,
                        end=end,
                        clause_index=index,
                        concepts=concepts,
                        lead_in=lead_in if is_item else None,
                    )
                )
                if text.rstrip().endswith(":"):
                    lead_in = len(sentences) - 1
        return sentences


# A sentence that ends on one of these did not end: "Interxion Belgium S.A. situé à Zaventem".
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:[A-Z]\.){1,4}|\b(?:n°|nr|no|art|artt|al|cf|etc|e\.g|i\.e|p\.ex|z\.B|d\.h|u\.a|bzw|ca|vgl|Abs|ff|Ziff|Buchst|Unterabs|Abschn|Inc|Ltd|Co|St|resp|incl|o\.a|m\.b\.t|t\.a\.v|zgl|sq)\.)$",
    re.IGNORECASE,
)
_MARKER_ONLY = re.compile(r"^\s*(?:\(?(?:[ivxlc]{1,6}|[a-z]|\d{1,2})\)|[•●▪◦·\-–—*]|\d{1,2}(?:\.\d{1,2})*\.?|\(?[a-z]\.?)\s*$")


def _sentences(doc, offset: int) -> list[tuple[str, int, int, frozenset[str]]]:
    """Sentences of a clause Doc, with the pipeline's splits undone where they cut an obligation in
    two: after an abbreviation, after a bare list marker, or inside a line with no end punctuation
    (a parser may start a sentence at any capitalised company name)."""
    spans: list[list[int]] = []
    text_of_doc = doc.text  # a property that joins every token: read it once
    for sent in doc.sents:
        text = sent.text.strip()
        if not text:
            continue
        start = sent.start_char + len(sent.text) - len(sent.text.lstrip())
        end = start + len(text)
        if spans:
            previous = text_of_doc[spans[-1][0] : spans[-1][1]]
            same_line = "\n" not in text_of_doc[spans[-1][1] : start]
            unfinished = not previous.rstrip("»\"”’')]").endswith((".", "!", "?", ";", ":", "…"))
            if _MARKER_ONLY.match(previous) or (
                same_line and (unfinished or _ABBREVIATION_END.search(previous) or text[0].islower())
            ):
                spans[-1][1] = end
                continue
        spans.append([start, end])
    concept_starts = [(span.start_char, span.label_) for span in doc.spans[CONCEPTS_KEY]]
    out = []
    for start, end in spans:
        concepts = frozenset(label for position, label in concept_starts if start <= position < end)
        out.append((text_of_doc[start:end], offset + start, offset + end, concepts))
    return out
