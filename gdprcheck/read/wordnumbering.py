"""The numbers Word draws in front of numbered paragraphs ("1.", "1.1", "a)", "Article 3", bullets).

They are not in the paragraph's text: Word computes them from numbering.xml when it shows the page. Without them a
heading numbered by Word reads "Protection des données" instead of "16. Protection des données", and segmentation
can neither cut a clause there nor cite it. This module replays Word's counters in document order for the usual
cases: decimal, zero-padded, letters, roman numerals, bullets, multi-level texts ("%1.%2."), levels restarting under
their parent, start overrides (a list that restarts at 1), numbering inherited from a paragraph style, list styles
(w:numStyleLink) and "legal" numbering (w:isLgl). Formats spelt in words ("first", "un") are shown as digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docx.oxml.ns import qn

_PLACEHOLDER = re.compile(r"%([1-9])")
# Bullets are drawn from symbol fonts whose characters sit in the private use area; shown as what they look like.
_BULLETS = {"o": "◦", "§": "▪"}  # Courier New "o" and Wingdings "§" as drawn
_MAX_LEVELS = 9


def _val(element, tag: str) -> str | None:
    if element is None:
        return None
    child = element.find(qn(tag))
    return None if child is None else child.get(qn("w:val"))


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # None: restart after any shallower level; 0: never
    legal: bool = False
    suffix: str = "\t"
    style: str | None = None  # the paragraph style bound to this level (heading styles)

    @classmethod
    def parse(cls, element) -> Level:
        level = cls()
        level.start = _int(_val(element, "w:start"), 1)
        level.fmt = _val(element, "w:numFmt") or "decimal"
        text = element.find(qn("w:lvlText"))
        level.text = "" if text is None else text.get(qn("w:val"), "")
        level.restart = _int(_val(element, "w:lvlRestart"))
        legal = element.find(qn("w:isLgl"))
        level.legal = legal is not None and legal.get(qn("w:val"), "true") not in ("0", "false", "off")
        level.suffix = {"space": " ", "nothing": ""}.get(_val(element, "w:suff") or "tab", "\t")
        level.style = _val(element, "w:pStyle")
        return level


@dataclass
class _Instance:
    """A w:num: the abstract list it shows, and the levels it restarts or redefines."""

    abstract: str
    starts: dict[int, int] = field(default_factory=dict)
    levels: dict[int, Level] = field(default_factory=dict)


def _letters(number: int) -> str:
    # Word goes a..z, then aa..zz, then aaa..: the letter repeated, not a base-26 count
    if number < 1:
        return str(number)
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def _roman(number: int) -> str:
    if not 0 < number < 4000:
        return str(number)
    out = []
    for value, digits in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        count, number = divmod(number, value)
        out.append(digits * count)
    return "".join(out)


def format_number(number: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(number)
    if fmt == "upperLetter":
        return _letters(number).upper()
    if fmt == "lowerRoman":
        return _roman(number)
    if fmt == "upperRoman":
        return _roman(number).upper()
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt == "decimalEnclosedParen":
        return f"({number})"
    if fmt == "none":
        return ""
    return str(number)  # decimal, and the formats in words or in other scripts, shown as digits


class WordNumbering:
    """Replays the list counters of one document; call label() on each paragraph in reading order."""

    def __init__(self, numbering, styles):
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.links: dict[str, str] = {}  # abstract list -> list style it takes its definition from
        self.instances: dict[str, _Instance] = {}
        self.styles: dict[str, object] = {}
        if styles is not None:
            for style in styles.iterchildren(qn("w:style")):
                self.styles[style.get(qn("w:styleId"), "")] = style
        if numbering is not None:
            for abstract in numbering.iterchildren(qn("w:abstractNum")):
                key = abstract.get(qn("w:abstractNumId"), "")
                self.abstracts[key] = {
                    _int(lvl.get(qn("w:ilvl")), 0): Level.parse(lvl) for lvl in abstract.iterchildren(qn("w:lvl"))
                }
                link = _val(abstract, "w:numStyleLink")
                if link:
                    self.links[key] = link
            for num in numbering.iterchildren(qn("w:num")):
                instance = _Instance(abstract=_val(num, "w:abstractNumId") or "")
                for override in num.iterchildren(qn("w:lvlOverride")):
                    ilvl = _int(override.get(qn("w:ilvl")), 0)
                    start = _int(_val(override, "w:startOverride"))
                    if start is not None:
                        instance.starts[ilvl] = start
                    redefined = override.find(qn("w:lvl"))
                    if redefined is not None:
                        instance.levels[ilvl] = Level.parse(redefined)
                self.instances[num.get(qn("w:numId"), "")] = instance
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()

    def _levels(self, instance: _Instance) -> tuple[str, dict[int, Level]]:
        """The abstract list of an instance, following a list-style link to the list that defines it."""
        abstract = instance.abstract
        for _ in range(4):  # a link points to a style whose numbering points to the defining list
            link = self.links.get(abstract)
            style_num = self._style_numbering(link)[0] if link else None
            target = self.instances.get(style_num or "")
            if target is None or target.abstract == abstract:
                break
            abstract = target.abstract
        return abstract, {**self.abstracts.get(abstract, {}), **instance.levels}

    def _style_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """numId and ilvl a paragraph style gives, through its basedOn chain."""
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                break
            num_pr = style.find(qn("w:pPr") + "/" + qn("w:numPr"))
            if num_pr is not None:
                return _val(num_pr, "w:numId"), _int(_val(num_pr, "w:ilvl"))
            style_id = _val(style, "w:basedOn")
        return None, None

    def label(self, paragraph) -> str:
        """The number or bullet Word shows before this paragraph, with its separator; '' if none."""
        properties = paragraph.find(qn("w:pPr"))
        if properties is None and not self.styles:
            return ""
        style_id = _val(properties, "w:pStyle")
        num_pr = None if properties is None else properties.find(qn("w:numPr"))
        num_id, ilvl = self._style_numbering(style_id)
        if num_pr is not None:
            num_id = _val(num_pr, "w:numId") or num_id
            ilvl = _int(_val(num_pr, "w:ilvl"), ilvl)
        if not num_id or num_id == "0" or num_id not in self.instances:
            return ""
        instance = self.instances[num_id]
        abstract, levels = self._levels(instance)
        if ilvl is None:  # numbering from a style: the level bound to that style, else the first
            ilvl = next((i for i, level in levels.items() if style_id and level.style == style_id), 0)
        ilvl = min(max(ilvl, 0), _MAX_LEVELS - 1)
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract, [None] * _MAX_LEVELS)
        if num_id not in self.started:
            # a list instance with a start override restarts its levels the first time it is used
            self.started.add(num_id)
            for overridden in instance.starts:
                if 0 <= overridden < _MAX_LEVELS:
                    counters[overridden] = None
        starts = {i: instance.starts.get(i, level.start) for i, level in levels.items()}
        counters[ilvl] = starts[ilvl] if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, _MAX_LEVELS):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                counters[deeper] = None
        level = levels[ilvl]
        if level.fmt == "bullet":
            text = level.text.strip()
            mark = _BULLETS.get(text, text) if text else ""
            if mark and "\ue000" <= mark[0] <= "\uf8ff":
                mark = "•"
            return mark + (level.suffix or " ") if mark else ""

        def number(match: re.Match) -> str:
            shown = int(match.group(1)) - 1
            value = counters[shown] if counters[shown] is not None else starts.get(shown, 1)
            fmt = levels[shown].fmt if shown in levels else "decimal"
            if level.legal and fmt != "none":
                fmt = "decimal"
            return format_number(value, fmt)

        text = _PLACEHOLDER.sub(number, level.text)
        return text + level.suffix if text.strip() else ""
