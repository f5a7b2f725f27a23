"""spaCy components registered with spaCy's factories: line-aware sentence starts and concept spans.

Concept patterns come from the checklist's language files: a string is a regular expression
matched case-insensitively from a word start; a list is a spaCy Matcher token pattern (for lemmas
and parts of speech when a trained pipeline is installed).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, SpanGroup

from gdprcheck.locate.scanner import CONCEPTS_KEY, ConceptScanner


@Language.component("gdprcheck_line_starts")
def line_starts(doc: Doc) -> Doc:
    """A line of normalised text (paragraph, list item, heading) always starts a sentence; a
    sentence never runs on across a line break. Runs before the parser or sentencizer."""
    for token in doc[:-1]:
        if "\n" in token.text or "\n" in token.whitespace_:
            following = doc[token.i + 1]
            if not following.is_space:
                following.is_sent_start = True
    return doc


class ConceptMatcher:
    def __init__(self, nlp: Language, concepts: dict[str, list[Any]]):
        self.scanner = ConceptScanner(concepts)
        self.matcher = Matcher(nlp.vocab)
        for name, patterns in concepts.items():
            token_patterns = [p for p in patterns if isinstance(p, list)]
            if token_patterns:
                self.matcher.add(name, token_patterns)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        if len(doc):
            # token boundaries once per Doc; Doc.char_span per match is far slower on long clauses
            starts = [token.idx for token in doc]
            ends = [token.idx + len(token) for token in doc]
            text = doc.text  # a property that joins every token: read it once
            for start, end, name in self.scanner.scan(text):
                first = max(bisect_right(starts, start) - 1, 0)
                last = min(bisect_left(ends, max(end, start + 1)), len(doc) - 1)
                spans.append(Span(doc, first, max(last, first) + 1, label=name))
        if len(self.matcher):
            for match_id, start, end in self.matcher(doc):
                spans.append(Span(doc, start, end, label=match_id))
        doc.spans[CONCEPTS_KEY] = SpanGroup(doc, name=CONCEPTS_KEY, spans=spans)
        return doc


@Language.factory("gdprcheck_concepts", default_config={"concepts": {}})
def make_concept_matcher(nlp: Language, name: str, concepts: dict[str, list[Any]]) -> ConceptMatcher:
    return ConceptMatcher(nlp, concepts)
