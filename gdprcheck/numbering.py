"""How contracts number and head their parts: shared by normalisation (which must not glue a heading
or list item onto the line before it) and segmentation (which cuts clauses at them)."""

from __future__ import annotations

import re

# "ARTICLE 16", "Article 13 :", "Art. 5", "Artikel 3", "Clause 7", "Section 2", "§ 4", "Klausel 8", "Annex I", "Bijlage 2".
# A lowercase word or a comma right after the number makes it a citation in a sentence, not a heading:
# "Article 28 du RGPD prévoit que", "Article 28, paragraphe 3, du RGPD", "Clause 8 of the Agreement".
# Without that guard a sentence wrapped before its full stop became a heading and its body was lost.
ARTICLE_HEADING = re.compile(
    r"^\s*(?:#+\s*)?(?:\*\*)?(?P<label>ARTICLE|Article|ARTIKEL|Artikel|Art\.|CLAUSE|Clause|Klausel|KLAUSEL|Section|SECTION"
    r"|§|Annexe?|ANNEXE?|Anhang|ANHANG|Bijlage|BIJLAGE|Appendix|APPENDIX|Appendice|Aanhangsel|Anlage|Schedule|SCHEDULE"
    r"|Bepaling|BEPALING|Clausule|CLAUSULE)"
    r"\s*(?P<num>\d+(?:\.\d+)*|[IVXLC]+|[A-Z])(?:er|e)?\b\.?"
    r"(?![^\S\n]*(?:[a-zß-öø-ÿ]|,))"
    r"(?P<title>[^\n]{0,120})$",
    re.MULTILINE,
)
# "2. Traitement des données", "1 Conditions générales" (a part or section title: short, no full stop)
NUMBERED_TITLE = re.compile(r"^\s*(?:#+\s*)?(?P<num>\d{1,2})\.?\s+(?P<title>[A-ZÀ-ÖØ-Þ][^\n]{2,90}?)\s*$")
# "16.7 Violation des Données", "2.1. Le Prestataire concède", "5.1 d)"
SUBCLAUSE_NUMBER = re.compile(r"^\s*(?:#+\s*)?(?P<num>\d{1,2}(?:\.\d{1,2})+)\.?(?=\s|$)")
# "A. Protection des données", "B) Sub-processing"
LETTER_TITLE = re.compile(r"^\s*(?P<num>[A-H])[.)]\s+(?P<title>[A-ZÀ-ÖØ-Þ][^\n]{2,90}?)\s*$")
# Markdown headings without numbers: "## Sub-processors"
MARKDOWN_HEADING = re.compile(r"^\s*(?P<hashes>#{1,6})\s+(?P<title>[^\n]{1,120}?)\s*#*\s*$")
# List items: "(ii)", "ii)", "a)", "(a)", "1)", "•", "-", "–", "*", "1. " inside a clause
LIST_ITEM = re.compile(r"^\s*(?:\((?:[ivxlc]{1,6}|[a-z]|\d{1,2})\)|(?:[ivxlc]{1,6}|[a-z]|\d{1,2})\)|[•●▪◦·\-–—*]\s|\d{1,2}\.\s)")
# A list marker at the start of a sentence, to cite "(ii)" after the clause reference
CITABLE_LIST_MARKER = re.compile(r"^\s*(\((?:[ivxlc]{1,6}|[a-z]|\d{1,2})\)|(?:[ivxlc]{1,6}|[a-z])\))")
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$|\s\|\s")


# Headings that open an annex: descriptions and templates that the body's obligations point to
ANNEX_LABEL = re.compile(
    r"^(?:Annexe?|ANNEXE?|Anhang|ANHANG|Anlage|ANLAGE|Bijlage|BIJLAGE|Aanhangsel|AANHANGSEL"
    r"|Appendix|APPENDIX|Appendice|APPENDICE|Schedule|SCHEDULE)$"
)


def starts_structure(line: str) -> bool:
    """True when a line opens a heading, numbered clause, list item or table row."""
    return bool(
        ARTICLE_HEADING.match(line)
        or SUBCLAUSE_NUMBER.match(line)
        or LIST_ITEM.match(line)
        or LETTER_TITLE.match(line)
        or MARKDOWN_HEADING.match(line)
        or TABLE_ROW.search(line)
    )


def is_heading(line: str) -> bool:
    """True when a whole line is a title (it never continues into the next line's sentence)."""
    return bool(
        ARTICLE_HEADING.match(line)
        or MARKDOWN_HEADING.match(line)
        or LETTER_TITLE.match(line)
        or (NUMBERED_TITLE.match(line) and not line.rstrip().endswith((".", ";", ",")))
    )
