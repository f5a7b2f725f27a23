"""Decide each checklist item from the located sentences: the first outcome of the item (met before
partial) whose concepts co-occur in its scope, and whose value condition holds, decides the status;
the sentence that carries it is the evidence. Every result says which rule decided and why."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gdprcheck.checklist import Checklist, Item, Outcome, ValueRule
from gdprcheck.models import Clause, Evidence, ItemResult, LocatedDocument, Sentence, Status
from gdprcheck.numbering import CITABLE_LIST_MARKER, TABLE_ROW
from gdprcheck.values import ValueReader, parse_duration_spec, reader_for

_MAX_QUOTE_CHARS = 700
_TITLE_MAX_WORDS = 12
# a blank left in a template: "[SPECIFY TIME PERIOD]", "[ZEITRAUM ANGEBEN]", "____", "…"
_BULLET = re.compile(r"^\s*[•●▪◦·\-–—*]\s+")
_TEMPLATE_BLANK = re.compile(r"\[[^\]\n]{2,60}\]|_{3,}|\.{3,}|…")


@dataclass(frozen=True)
class _Candidate:
    sentence: Sentence
    matched: frozenset[str]


class Scorer:
    def __init__(self, checklist: Checklist):
        self.checklist = checklist
        self._readers = {code: reader_for(data) for code, data in checklist.languages.items()}
        self._topics = {item.id: self._topic(item) for item in checklist.items}

    def score(self, located: LocatedDocument) -> list[ItemResult]:
        view = _DocumentView(located, frozenset(self.checklist.evidence_context), frozenset(self.checklist.not_evidence))
        results = []
        quoted_clause: dict[str, int] = {}  # item ID -> index of the clause its evidence comes from
        for item in self.checklist.items:
            near = quoted_clause.get(item.evidence_near) if item.evidence_near else None
            result, clause = self._score_item(item, view, located, near)
            if clause is not None:
                quoted_clause[item.id] = clause
            results.append(result)
        return results

    def _topic(self, item: Item) -> frozenset[str]:
        """Concepts of the item's family ("subprocessing.*"): a clause rich in them is the clause
        dedicated to the topic, and the best place to quote from."""
        family = item.id.split(".")[0]
        related = [i for i in self.checklist.items if i.id.split(".")[0] == family]
        return frozenset().union(*(o.concepts for i in related for o in i.outcomes))

    def _score_item(
        self, item: Item, view: _DocumentView, located: LocatedDocument, near: int | None
    ) -> tuple[ItemResult, int | None]:
        """The item's result, and the index of the clause its evidence was taken from."""
        name = located.document.source.name
        topic = self._topics[item.id]
        for group in _same_status_groups(item.outcomes):
            # outcomes of one status are alternative routes to it: their candidates compete on rank
            # (a body clause reached by the second rule beats an annex reached by the first)
            annex_matters = item.annex_evidence == "avoid"
            entries = []
            for position, outcome in enumerate(group):
                for rank, candidate in view.candidates(outcome, topic, near, item.evidence_quote == "list"):
                    clause = located.clauses[candidate.sentence.clause_index]
                    reader = self._readers.get(clause.language) or self._readers[located.language]
                    value = _extract_value(item, candidate.sentence, view, reader)
                    # for an item with a value, the sentence that states it ("within 72 hours")
                    # before one that only speaks of the subject ("notifications will describe")
                    vague = item.value is not None and value in ("", "unspecified")
                    key = rank[:2] + (rank[2] and annex_matters, rank[3], vague, position) + rank[4:]
                    entries.append((key, candidate, outcome, clause, value))
            for _, candidate, outcome, clause, value in sorted(entries, key=lambda entry: entry[0]):
                if outcome.value is not None and not _value_passes(value, outcome.value):
                    continue
                result = ItemResult(
                    document=name,
                    item=item.id,
                    title=item.title,
                    status=Status(outcome.status),
                    value=value,
                    evidence=_evidence(candidate.sentence, clause, view, whole_list=item.evidence_quote == "list"),
                    language=clause.language,
                    rationale=_rationale(outcome, candidate, value),
                    matched=sorted(candidate.matched),
                    is_red_flag=item.is_red_flag,
                )
                return result, candidate.sentence.clause_index
        missing = ItemResult(
            document=name,
            item=item.id,
            title=item.title,
            status=Status.MISSING,
            language=located.language,
            rationale=item.missing_rationale or f"No clause of the contract addresses: {item.description}",
            is_red_flag=item.is_red_flag,
        )
        return missing, None


class _DocumentView:
    """Concept sets per sentence (with the lead-in of list items), per clause and per document."""

    def __init__(self, located: LocatedDocument, context: frozenset[str], not_evidence: frozenset[str] = frozenset()):
        self.text = located.text
        self.sentences = located.sentences
        self._index = {id(sentence): i for i, sentence in enumerate(located.sentences)}
        # a definition is no obligation, and neither is an item of a list of definitions ("... on
        # entend par : - Sous-traitant ultérieur : tiers mandaté ...")
        defines = [bool(s.concepts & not_evidence) for s in located.sentences]
        self.title_like = [_title_like(s.text) for s in located.sentences]
        self.sentence_concepts = [
            frozenset()
            if defines[i] or (s.lead_in is not None and defines[s.lead_in])
            else s.concepts | (located.sentences[s.lead_in].concepts if s.lead_in is not None else frozenset())
            for i, s in enumerate(located.sentences)
        ]
        self.clause_sentences: dict[int, list[int]] = {}
        for index, sentence in enumerate(located.sentences):
            self.clause_sentences.setdefault(sentence.clause_index, []).append(index)
        self.clause_concepts = {
            clause: frozenset().union(*(self.sentence_concepts[i] for i in indices))
            for clause, indices in self.clause_sentences.items()
        }
        self.document_concepts = frozenset().union(*self.sentence_concepts) if self.sentence_concepts else frozenset()
        self.by_concept: dict[str, list[int]] = {}  # concept -> sentences holding it, in order
        for index, concepts in enumerate(self.sentence_concepts):
            for concept in concepts:
                self.by_concept.setdefault(concept, []).append(index)
        # sentences that are list items or introduce them
        self.in_lists = {i for i, s in enumerate(located.sentences) if s.lead_in is not None} | {
            s.lead_in for s in located.sentences if s.lead_in is not None
        }
        self.in_context = {clause: bool(concepts & context) or not context for clause, concepts in self.clause_concepts.items()}
        self.in_annex = [clause.in_annex for clause in located.clauses]
        self.article_sentences: dict[str, list[int]] = {}
        for index, sentence in enumerate(located.sentences):
            self.article_sentences.setdefault(located.clauses[sentence.clause_index].section, []).append(index)
        self.sections = [clause.section for clause in located.clauses]
        self.article_concepts = {
            section: frozenset().union(*(self.sentence_concepts[i] for i in indices))
            for section, indices in self.article_sentences.items()
        }

    def _holding(self, outcome: Outcome) -> list[int]:
        """Sentences that can satisfy the outcome: those holding its rarest required concept, or
        any of its alternatives (all sentences when it requires nothing)."""
        if outcome.all:
            return min((self.by_concept.get(c, []) for c in outcome.all), key=len)
        if outcome.any:
            return sorted(set().union(*(self.by_concept.get(c, []) for c in outcome.any)))
        return list(range(len(self.sentences)))

    def index_of(self, sentence: Sentence) -> int:
        return self._index[id(sentence)]

    def lead_in_text(self, sentence: Sentence) -> str:
        return self.sentences[sentence.lead_in].text if sentence.lead_in is not None else ""

    def candidates(
        self, outcome: Outcome, topic: frozenset[str] = frozenset(), near: int | None = None, prefer_lists: bool = False
    ) -> list[tuple[tuple, _Candidate]]:
        """Sentences that can carry the outcome, each with its rank: clauses about personal data
        first, then the body before annexes, then the clause `near` (where a related item was
        found), then the article and then the clause richest in the item's topic, then document
        order. For wider scopes: the sentence of each qualifying clause, or of the document, that
        holds most of the outcome's concepts (with `prefer_lists`, a list item or lead-in wins a tie)."""
        if any(c in self.document_concepts for c in outcome.none_in_document):
            return []
        wanted = set(outcome.all) | set(outcome.any)
        if outcome.scope == "sentence":
            passing = [i for i in self._holding(outcome) if _satisfies(self.sentence_concepts[i], outcome)]
            # a list item that passes with its lead-in is better evidence than the lead-in alone
            superseded = {self.sentences[i].lead_in for i in passing}
            chosen = [(i, self.sentence_concepts[i] & wanted) for i in passing if i not in superseded]
        else:
            if outcome.scope == "clause":
                groups = [ix for clause, ix in self.clause_sentences.items() if _satisfies(self.clause_concepts[clause], outcome)]
            elif outcome.scope == "article":
                groups = [
                    ix for section, ix in self.article_sentences.items() if _satisfies(self.article_concepts[section], outcome)
                ]
            else:
                groups = [list(range(len(self.sentences)))] if _satisfies(self.document_concepts, outcome) else []
            chosen = []
            for indices in groups:
                union = frozenset().union(*(self.sentence_concepts[i] for i in indices))
                if outcome.quote_has or outcome.quote_none:
                    indices = [
                        i
                        for i in indices
                        if self.sentence_concepts[i].issuperset(outcome.quote_has)
                        and not self.sentence_concepts[i].intersection(outcome.quote_none)
                    ]
                    if not indices:
                        continue
                # a sentence before a heading (a heading that names the subjects is no description
                # of them); then the sentence that says most by itself; when the evidence is a list,
                # a list item or lead-in before other sentences; concepts inherited from a lead-in
                # break the ties
                best = max(
                    indices,
                    key=lambda i: (
                        not self.title_like[i] and bool(self.sentences[i].concepts & wanted),
                        len(self.sentences[i].concepts & wanted),
                        prefer_lists and i in self.in_lists,
                        len(self.sentence_concepts[i] & wanted),
                        -i,
                    ),
                )
                chosen.append((best, union & wanted))
        ranked = []
        for index, matched in chosen:
            clause = self.sentences[index].clause_index
            rank = (
                self.title_like[index],  # a heading names a subject, a sentence states the duty
                not self.in_context[clause],
                self.in_annex[clause],
                clause != near,
                -len(self.article_concepts[self.sections[clause]] & topic),  # the article given to the topic
                -len(self.clause_concepts[clause] & topic),
                index,
            )
            ranked.append((rank, _Candidate(self.sentences[index], frozenset(matched))))
        return ranked


def _title_like(text: str) -> bool:
    """A short line without sentence punctuation: a heading or a table label, not an obligation."""
    stripped = text.strip()
    if TABLE_ROW.search(stripped):
        return False  # a table row ("Hosting | OVH | Roubaix, France") states facts, as a sentence does
    return len(stripped.split()) <= _TITLE_MAX_WORDS and not stripped.endswith((".", ";", ":", "!", "?", ")", "»", '"', "”"))


def _same_status_groups(outcomes: list[Outcome]) -> list[list[Outcome]]:
    groups: list[list[Outcome]] = []
    for outcome in outcomes:
        if groups and groups[-1][0].status == outcome.status:
            groups[-1].append(outcome)
        else:
            groups.append([outcome])
    return groups


def _satisfies(concepts: frozenset[str], outcome: Outcome) -> bool:
    return (
        all(c in concepts for c in outcome.all)
        and (not outcome.any or any(c in concepts for c in outcome.any))
        and not any(c in concepts for c in outcome.none)
    )


def _extract_value(item: Item, sentence: Sentence, view: _DocumentView, reader: ValueReader) -> str:
    if item.value is None:
        return ""
    texts = [sentence.text + " " + view.lead_in_text(sentence)]
    if item.value_scope in ("clause", "article"):
        # other sentences of the clause (then of the article), but only those on the item's subject:
        # a deadline for something else in the same clause is not the item's value
        subject = frozenset().union(*(set(o.all) | set(o.any) for o in item.outcomes))
        nearby = list(view.clause_sentences[sentence.clause_index])
        if item.value_scope == "article":
            section = view.sections[sentence.clause_index]
            nearby += [i for i in view.article_sentences[section] if view.sentences[i].clause_index != sentence.clause_index]
        texts += [view.sentences[i].text for i in nearby if view.sentences[i] != sentence and view.sentence_concepts[i] & subject]
    if item.value == "countries":
        for text in texts:
            places = reader.places(text)
            if places:
                return ";".join(p.text for p in places)
        return ""
    for text in texts:
        durations = reader.durations(text)
        if durations:
            if item.value == "breach_timing":
                # "without undue delay and at the latest within 48 hours": the stated deadline wins
                return str(min((parse_duration_spec(d.text) for d in durations), key=lambda d: d.hours))
            return durations[0].text
        if item.value == "breach_timing":
            keywords = reader.keywords(text)
            if keywords:
                return min(keywords, key=lambda k: ("immediate", "undue_delay", "unspecified").index(k.text)).text
    if item.value == "breach_timing" or any(_TEMPLATE_BLANK.search(text) for text in texts[:1]):
        return "unspecified"  # no timing stated, or a template's blank left unfilled
    return ""


def _value_passes(value: str, rule: ValueRule) -> bool:
    if value in rule.keywords:
        return True
    if rule.max_duration is not None and value and value[0].isdigit():
        return parse_duration_spec(value).at_most(rule.max_duration)
    return False


def _evidence(sentence: Sentence, clause: Clause, view: _DocumentView, whole_list: bool = False) -> Evidence:
    if whole_list:
        listed = _whole_list(sentence, view)
        if listed is not None:
            return Evidence(quote=listed, clause=clause.ref, start=sentence.start, end=sentence.end)
    marker = CITABLE_LIST_MARKER.match(sentence.text)
    ref = f"{clause.ref} {marker.group(1)}" if marker else clause.ref
    quote = _shorten(sentence.text, _MAX_QUOTE_CHARS)
    if sentence.lead_in is not None:
        # a list item is quoted with the sentence it completes: "The processor shall: (i) ..."
        lead = view.sentences[sentence.lead_in]
        lead_in = _lead_in_quote(lead.text)
        adjacent = not view.text[lead.end : sentence.start].strip()
        quote = f"{lead_in} {quote}" if adjacent else f"{lead_in} … {quote}"
    return Evidence(quote=quote, clause=ref, start=sentence.start, end=sentence.end)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lead_in_quote(text: str) -> str:
    """A lead-in as quoted before its items: its end, when it is long."""
    half = _MAX_QUOTE_CHARS // 2
    return text if len(text) <= half else "…" + text[-half:]


def _whole_list(sentence: Sentence, view: _DocumentView) -> str | None:
    """The lead-in and every item of the list the sentence belongs to (or introduces), in order;
    when too long for a quote, a window of items around the sentence, gaps marked "…"."""
    index = view.index_of(sentence)
    lead = sentence.lead_in if sentence.lead_in is not None else index
    members = [i for i in range(lead + 1, len(view.sentences)) if view.sentences[i].lead_in == lead]
    if not members:
        return None
    lead_quote = _lead_in_quote(view.sentences[lead].text)
    budget = _MAX_QUOTE_CHARS - len(lead_quote)
    low = high = members.index(index) if index in members else 0
    used = min(len(view.sentences[members[low]].text), budget)

    def fits(position: int) -> bool:
        return 0 <= position < len(members) and used + len(view.sentences[members[position]].text) + 1 <= budget

    # widen the window on both sides, the following item first, while the quote stays within bounds
    grown = True
    while grown:
        grown = False
        for step in (1, -1):
            position = high + 1 if step == 1 else low - 1
            if fits(position):
                used += len(view.sentences[members[position]].text) + 1
                high, low = max(high, position), min(low, position)
                grown = True
    parts = [lead_quote]
    previous = lead
    for i in members[low : high + 1]:
        gap = i != previous + 1 or bool(view.text[view.sentences[previous].end : view.sentences[i].start].strip())
        # items run on in the quote: a bare bullet ("-", "•") would read as a dash there
        text = _BULLET.sub("", view.sentences[i].text, count=1)
        parts.append(("… " if gap else "") + _shorten(text, budget))
        previous = i
    if previous != members[-1]:
        parts.append("…")
    return " ".join(parts)


def _rationale(outcome: Outcome, candidate: _Candidate, value: str) -> str:
    parts = [outcome.rationale]
    if candidate.matched:
        parts.append(f"Found: {', '.join(sorted(candidate.matched))}.")
    if value and outcome.value is not None and outcome.value.max and value[0].isdigit():
        parts.append(f"{value} is within the maximum of {outcome.value.max}.")
    return " ".join(parts)
