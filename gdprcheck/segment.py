"""Cut normalised contract text into clauses that carry a citable reference.

A reference is the path of headings above the clause: `2. Traitement des données › ARTICLE 8`,
`ARTICLE 16 – PROTECTION DES DONNÉES › 16.7`. A part title that is followed by its own ARTICLE
numbering stays in the path, so that a second part restarting at ARTICLE 1 is distinguishable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gdprcheck.models import Clause
from gdprcheck.numbering import (
    ANNEX_LABEL,
    ARTICLE_HEADING,
    LETTER_TITLE,
    LIST_ITEM,
    MARKDOWN_HEADING,
    NUMBERED_TITLE,
    SUBCLAUSE_NUMBER,
    TABLE_ROW,
)

_MAX_HEADING_CHARS = 140
_REF_LABEL_CHARS = 60
_SUBCLAUSE_OPENS_TEXT = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})+\.?(?:\s+[A-ZÀ-ÖØ-Þ(«\"“]|\s*$)")
# A clause this long was not cut by any numbered heading: the document's titles may be plain lines
# ("Termination", "Sub-processors") whose numbers were lost when a web page or PDF was copied.
_PLAIN_TITLES_ABOVE_WORDS = 600
_PLAIN_TITLE_MAX_WORDS = 9
_PLAIN_TITLE = re.compile(r"^\s*[A-ZÀ-ÖØ-Þ][^\n]{1,78}$")


@dataclass
class _Heading:
    level: float  # parts 0-0.9, articles 1, numbered sub-clauses 2+
    label: str
    title_only: bool  # the line is a title, its text is not part of the clause body
    article: bool = False  # an "ARTICLE n"-style heading (not a numbered title)
    annex: bool = False  # an "Annex n"-style heading


def _label(line: str) -> str:
    line = re.sub(r"^\s*#+\s*|\*\*", "", line).strip()
    return line if len(line) <= _REF_LABEL_CHARS else line[: _REF_LABEL_CHARS - 1].rstrip() + "…"


def _title_only_number(line: str) -> str | None:
    """The number of a short numbered title line ("2. Traitement des données", "1.1. CONDITIONS")."""
    stripped = line.strip()
    # a line ending in ":" leads into what follows ("4.1 Soorten persoonsgegevens:"): no title
    if len(stripped) > _MAX_HEADING_CHARS or stripped.endswith((".", ";", ",", ":")):
        return None
    numbered = NUMBERED_TITLE.match(line)
    if numbered:
        return numbered.group("num")
    sub = SUBCLAUSE_NUMBER.match(line)
    # an all-capitals line is a title however many words it has ("1.2. HARDWARE ET LOGICIELS STANDARDS NON
    # DEVELOPPES PAR EASI" has 9 and was taken for sub-clause 1.2 of the article before it)
    if sub and _SUBCLAUSE_OPENS_TEXT.match(line) and (len(stripped.split()) <= 8 or stripped.isupper()):
        return sub.group("num")
    return None


def _opens_part(lines: list[str], index: int) -> bool:
    """A numbered title is a part when ARTICLE headings follow it (possibly under sub-part titles)."""
    for following in range(index + 1, len(lines)):
        line = lines[following]
        if not line.strip():
            continue
        if ARTICLE_HEADING.match(line):
            return True
        return _title_only_number(line) is not None and _opens_part(lines, following)
    return False


def _plain_title(lines: list[str], index: int) -> bool:
    """A short capitalised line standing alone between blank lines, with no sentence punctuation
    and no list marker: a title whose number is gone ("Limitation of Liability")."""
    line = lines[index]
    stripped = line.strip()
    if not _PLAIN_TITLE.match(line) or stripped.endswith((".", ";", ",", ":", "!", "?")):
        return False
    if len(stripped.split()) > _PLAIN_TITLE_MAX_WORDS or LIST_ITEM.match(line) or TABLE_ROW.search(line):
        return False
    before = lines[index - 1].strip() if index > 0 else ""
    after = lines[index + 1].strip() if index + 1 < len(lines) else ""
    following = next((l for l in lines[index + 1 :] if l.strip()), "")
    # a title opens a paragraph of prose, not another short line
    return not before and not after and len(following.split()) > _PLAIN_TITLE_MAX_WORDS


def _classify(lines: list[str], index: int, inside_article: bool, plain_titles: bool = False) -> _Heading | None:
    line = lines[index]
    stripped = line.strip()
    if not stripped:
        return None
    short = len(stripped) <= _MAX_HEADING_CHARS and not stripped.endswith((";", ","))
    markdown = MARKDOWN_HEADING.match(line)
    article = ARTICLE_HEADING.match(line)
    if short and article and not stripped.endswith("."):
        return _Heading(1, _label(line), True, article=True, annex=bool(ANNEX_LABEL.match(article.group("label"))))
    if markdown:
        return _Heading(min(len(markdown.group("hashes")), 3), _label(line), True)
    part_number = _title_only_number(line)
    if part_number and _opens_part(lines, index):
        return _Heading(part_number.count(".") / 10, _label(line), True)  # a part whose articles follow
    if short and NUMBERED_TITLE.match(line) and not stripped.endswith((".", ":")):
        return _Heading(2 if inside_article else 1, _label(line), True)
    if short and LETTER_TITLE.match(line) and not stripped.endswith((".", ":")):
        return _Heading(2 if inside_article else 1, _label(line), True)
    sub = SUBCLAUSE_NUMBER.match(line)
    if sub and _SUBCLAUSE_OPENS_TEXT.match(line):
        depth = sub.group("num").count(".")
        title_only = short and len(stripped.split()) <= 8 and not stripped.endswith((".", ":"))
        return _Heading(1 + depth, sub.group("num"), title_only)
    if plain_titles and _plain_title(lines, index):
        return _Heading(2 if inside_article else 1, _label(line), True)
    return None


def segment(text: str) -> list[Clause]:
    """Clauses in reading order; text before the first heading forms a preamble clause. When the
    numbered headings leave a clause of more than 600 words, plain title lines cut clauses too."""
    clauses = _segment(text, plain_titles=False)
    if max((len(clause.text.split()) for clause in clauses), default=0) > _PLAIN_TITLES_ABOVE_WORDS:
        with_titles = _segment(text, plain_titles=True)
        if len(with_titles) > len(clauses):
            return with_titles
    return clauses


def _segment(text: str, plain_titles: bool) -> list[Clause]:
    lines = text.split("\n")
    clauses: list[Clause] = []
    stack: list[_Heading] = []
    body_start = 0
    current_ref = "Preamble"
    current_section = "Preamble"
    in_annex = False
    offset = 0
    line_starts = []
    for line in lines:
        line_starts.append(offset)
        offset += len(line) + 1

    titles: list[tuple[int, int, str]] = []  # title lines not yet given to a clause

    def close(end: int) -> None:
        body = text[body_start:end]
        if body.strip():
            lead = len(body) - len(body.lstrip())
            clauses.append(
                Clause(
                    ref=current_ref,
                    text=body.strip(),
                    start=body_start + lead,
                    end=body_start + lead + len(body.strip()),
                    in_annex=in_annex,
                    section=current_section,
                    titles=list(titles),
                )
            )
            titles.clear()

    for index, line in enumerate(lines):
        heading = _classify(lines, index, inside_article=any(h.article for h in stack), plain_titles=plain_titles)
        if heading is None:
            continue
        close(line_starts[index])
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        stack.append(heading)
        current_ref = " › ".join(h.label for h in stack)
        in_annex = any(h.annex for h in stack)
        current_section = " › ".join(h.label for h in stack if h.level <= 1) or current_ref
        body_start = line_starts[index] + (len(line) + 1 if heading.title_only else 0)
        if heading.title_only:
            # a sub-clause title keeps the title of its article when that article had no body; any
            # other title starts afresh (the titles of an empty article are not the next one's)
            under_its_article = heading.level > 1 and any(h.level <= 1 for h in stack[:-1])
            if not under_its_article:
                titles.clear()
            lead = len(line) - len(line.lstrip())
            titles.append((line_starts[index] + lead, line_starts[index] + len(line.rstrip()), line.strip()))
    close(len(text))
    if len(clauses) > 3 and len({c.section for c in clauses}) == 1:
        # one heading over everything is the document's title, not an article: the next level
        # down groups the sub-clauses
        for clause in clauses:
            clause.section = " › ".join(clause.ref.split(" › ")[:2])
    return clauses
