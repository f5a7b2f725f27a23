"""Concept patterns, the checklist's regular expressions, found in a text in one pass.

Pure `re`: scanning a clause needs no spaCy, so a run that only reads cached results or a line that
is one sentence never imports it (0.4-0.7 s of start-up).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

try:  # the parser of the re module (Python 3.11+), to find where a pattern can start
    from re import _constants, _parser
except ImportError:  # Python 3.10
    import sre_constants as _constants  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

CONCEPTS_KEY = "gdprcheck_concepts"  # the Doc.spans group the concept component fills
FORMAT = 2  # of the shapes kept between runs (2: with the pairs of first characters)


class ConceptScanner:
    """Finds every concept's matches in a text, exactly as running each concept's expression with
    `finditer` would (a match starts where no word character precedes it; one concept's matches do
    not overlap), in one pass: each concept is tried only at the positions whose character can
    begin it. That is several times faster than a pass per concept, and the concepts are many."""

    def __init__(self, concepts: dict[str, list[Any]]):
        # per first character, each concept with only those of its patterns that can begin with it
        # (the others cannot match there, and leaving them out keeps each expression small); a
        # concept whose every pattern's first two characters are known is keyed by those two
        # instead: at a word start, only the concepts that can begin with its first two letters are
        # tried ("da" of "data" does not try "de", "des", "dans")
        by_first: dict[str, list[tuple[str, str, int]]] = {}  # character -> (concept, source, groups)
        self._by_pair: dict[str, list[tuple[str, str]]] = {}  # two characters -> (concept, source)
        self._paired_by_first: dict[str, list[tuple[str, str]]] = {}  # for a text character that lower-cases to two
        self._everywhere: list[tuple[str, re.Pattern[str]]] = []  # first character not known
        for name, patterns in concepts.items():
            regexes = [p for p in patterns if isinstance(p, str)]
            if not regexes:
                continue
            analysed = [_analyse(pattern) for pattern in regexes]
            if any(firsts is None for firsts, _ in analysed):
                self._everywhere.append((name, re.compile(rf"(?<!\w)(?:{'|'.join(regexes)})", re.IGNORECASE)))
                continue
            pairs = [_pairs(pattern) if groups == 0 else None for pattern, (_, groups) in zip(regexes, analysed, strict=True)]
            if all(pair is not None for pair in pairs):
                for key in sorted(set().union(*pairs)):
                    chosen = [p for p, pair in zip(regexes, pairs, strict=True) if key in pair]
                    self._by_pair.setdefault(key, []).append((name, "|".join(_narrowed(p, key[0]) for p in chosen)))
                for character in sorted({key[0] for pair in pairs for key in pair}):
                    chosen = [p for p, pair in zip(regexes, pairs, strict=True) if any(key[0] == character for key in pair)]
                    self._paired_by_first.setdefault(character, []).append((name, "|".join(chosen)))
                continue
            for character in sorted(set().union(*(firsts for firsts, _ in analysed))):
                chosen = [(p, groups) for p, (firsts, groups) in zip(regexes, analysed, strict=True) if character in firsts]
                source = "|".join(_narrowed(p, character) if groups == 0 else p for p, groups in chosen)
                by_first.setdefault(character, []).append((name, source, sum(groups for _, groups in chosen)))
        characters = "".join(sorted(set(by_first) | {key[0] for key in self._by_pair}))
        self._starts = re.compile(rf"(?<!\w)[{re.escape(characters)}]", re.IGNORECASE) if characters else None
        # per first character, the concepts that can begin with it tried in one call: a lookahead
        # each, capturing where that concept's match ends (patterns with groups of their own are
        # tried one by one, their group numbers would shift)
        self._tries: dict[str, tuple[re.Pattern[str] | None, list[tuple[int, str]], list[tuple[str, re.Pattern[str]]]]] = {}
        for character, entries in by_first.items():
            plain = [(name, source) for name, source, groups in entries if groups == 0]
            alone = [(name, re.compile(f"(?:{source})", re.IGNORECASE)) for name, source, groups in entries if groups > 0]
            self._tries[character] = (_lookaheads(plain), [(number + 1, name) for number, (name, _) in enumerate(plain)], alone)
        # the pairs' expressions are compiled when first met: most of the hundreds of pairs never
        # occur in a given contract, and compiling them all would cost every start-up
        self._pair_tries: dict[str, tuple[re.Pattern[str] | None, list[tuple[int, str]]]] = {}

    def _pair_try(self, key: str, table: dict[str, list[tuple[str, str]]]) -> tuple[re.Pattern[str] | None, list[tuple[int, str]]]:
        cache_key = key if table is self._by_pair else f"\0{key}"
        known = self._pair_tries.get(cache_key)
        if known is None:
            entries = table.get(key, [])
            known = (_lookaheads(entries), [(number + 1, name) for number, (name, _) in enumerate(entries)])
            self._pair_tries[cache_key] = known
        return known

    def scan(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, concept) of every match, sorted."""
        found: list[tuple[int, int, str]] = []
        if self._starts is not None:
            free_from: dict[str, int] = {}
            tries = self._tries.get
            by_pair, pair_try, length = self._by_pair, self._pair_try, len(text)
            for start in self._starts.finditer(text):
                position = start.start()
                lowered = text[position].lower()
                first = lowered[0]  # "İ" lower-cases to "i" and a combining dot: the engine takes it for "i"
                combined, groups, alone = tries(first, (None, (), ()))
                ends: list[tuple[int, str]] = []
                if combined is not None:
                    match = combined.match(text, position)
                    if match.lastindex is not None:
                        ends += [(match.end(group), name) for group, name in groups]
                for name, regex in alone:
                    match = regex.match(text, position)
                    if match:
                        ends.append((match.end(), name))
                if position + 1 < length:
                    second = text[position + 1].lower()
                    if len(lowered) == 1 and len(second) == 1:
                        key = first + second
                        paired, names = pair_try(key, by_pair) if key in by_pair else (None, ())
                    else:  # a character that lower-cases to two ("İ"): the concepts by first character
                        paired, names = pair_try(first, self._paired_by_first)
                    if paired is not None:
                        match = paired.match(text, position)
                        if match.lastindex is not None:
                            ends += [(match.end(group), name) for group, name in names]
                for end, name in ends:
                    if end < 0 or position < free_from.get(name, 0):
                        continue  # no match, or inside this concept's previous match
                    found.append((position, end, name))
                    free_from[name] = end if end > position else position + 1
        for name, regex in self._everywhere:
            found.extend((match.start(), match.end(), name) for match in regex.finditer(text))
        found.sort()
        return found


def _lookaheads(entries: list[tuple[str, str]]) -> re.Pattern[str] | None:
    """One expression trying each (concept, source) at a position: a lookahead each, capturing where
    that concept's match ends (-1 when it does not match there)."""
    if not entries:
        return None
    return re.compile("".join(f"(?=((?:{source}))|)" for _, source in entries), re.IGNORECASE)


def _narrowed(pattern: str, character: str) -> str:
    """`pattern` as tried where the text's next character is `character`: the alternatives of its
    leading group (and of theirs, and so on) that cannot begin with it are left out. A match there
    is the same match, found without trying a long list of alternatives one by one at every word
    start (a list of countries, of verbs): the regex engine does not skip them by itself."""
    opening, alternatives, rest = _leading_group(pattern)
    if opening is None:
        return pattern
    kept = []
    for alternative in alternatives:
        firsts, groups = _analyse(alternative)
        if firsts is None or groups:
            return pattern  # may match nothing, or a construct not analysed: leave the group whole
        if character in firsts:
            kept.append(_narrowed(alternative, character))
    if not kept or len(kept) == len(alternatives) and all(k == a for k, a in zip(kept, alternatives, strict=True)):
        return pattern
    return f"{opening}{'|'.join(kept)}){rest}"


def _leading_group(pattern: str) -> tuple[str | None, list[str], str]:
    """(opening, alternatives, rest) when `pattern` begins with a non-capturing group, `(?:` or
    one with scoped flags such as `(?-i:`, that has alternatives and no quantifier after it;
    (None, [], pattern) otherwise. Reads escapes and character classes so that a `|` or `)` in
    them is not taken for the group's."""
    match = re.match(r"\(\?[a-zA-Z]*(?:-[a-zA-Z]+)?:", pattern)
    if match is None:
        return None, [], pattern
    depth, position, start = 1, match.end(), match.end()
    alternatives: list[str] = []
    length = len(pattern)
    while position < length:
        character = pattern[position]
        if character == "\\":
            position += 2
            continue
        if character == "[":
            position += 1
            if position < length and pattern[position] == "^":
                position += 1
            if position < length and pattern[position] == "]":
                position += 1
            while position < length and pattern[position] != "]":
                position += 2 if pattern[position] == "\\" else 1
            position += 1
            continue
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
            if depth == 0:
                alternatives.append(pattern[start:position])
                rest = pattern[position + 1 :]
                if len(alternatives) < 2 or rest[:1] in ("?", "*", "+", "{"):
                    return None, [], pattern
                return match.group(), alternatives, rest
        elif character == "|" and depth == 1:
            alternatives.append(pattern[start:position])
            start = position + 1
        position += 1
    return None, [], pattern


# pattern -> (first characters, groups), filled by `check_pattern` when the checklist is validated
# and read when a scanner is built: each pattern is parsed once per process, not twice
_SHAPES: dict[str, tuple[set[str] | None, int]] = {}
# pattern -> the lower-cased pairs of characters a match can begin with (None: not known, or a match
# may be shorter than two characters), filled with _SHAPES
_TWOS: dict[str, frozenset[str] | None] = {}


def check_pattern(pattern: str) -> None:
    """Raise re.error when `pattern` cannot be compiled the way the scanner compiles it (ignoring
    case). Parsing finds every error but one, for half the time of compiling; a look-behind that
    is not of fixed width is refused by the compiler alone, so a pattern with one is compiled too."""
    if pattern in _SHAPES:
        return  # checked already, in this process or by the run that saved the shapes recalled
    parsed = _parser.parse(pattern, re.IGNORECASE)
    if "(?<" in pattern:
        re.compile(pattern, re.IGNORECASE)
    _SHAPES[pattern] = _shape(parsed)
    _TWOS[pattern] = _two_letters(parsed)


# --- what validation learnt of a language file's patterns, kept for the next run -------------------
# Parsing the patterns is most of loading a checklist (0.6-0.8 s for the four languages); a file that
# has not changed since the last run, read by the same Python and this same module, parses the same.


def shapes_key(text: str) -> str:
    """The name the shapes of a language file with this text are kept under."""
    digest = hashlib.sha256(f"{FORMAT}|{sys.version}|".encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def recall_shapes(folder: Path, key: str, patterns: list[str]) -> bool:
    """Take the shapes kept under `key` for exactly these patterns; False (nothing taken) when there
    are none, or they are damaged or of other patterns: the patterns are then checked afresh."""
    try:
        entries = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        if [entry[0] for entry in entries] != patterns:
            return False
        shapes = {pattern: (None if firsts is None else set(firsts), int(groups)) for pattern, firsts, groups, _ in entries}
        twos = {pattern: None if pairs is None else frozenset(pairs) for pattern, _, _, pairs in entries}
    except (OSError, ValueError, TypeError):
        return False
    _SHAPES.update(shapes)
    _TWOS.update(twos)
    return True


def remember_shapes(folder: Path, key: str, patterns: list[str]) -> None:
    """Keep the shapes of `patterns`, all checked, under `key`. A folder that cannot be written only
    costs the next run the parse."""
    entries = []
    for pattern in patterns:
        firsts, groups = _SHAPES[pattern]
        pairs = _TWOS.get(pattern)
        entries.append([pattern, None if firsts is None else sorted(firsts), groups, None if pairs is None else sorted(pairs)])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".shapes.", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(entries, out, ensure_ascii=False)
        os.replace(temporary, folder / f"{key}.json")
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def _analyse(pattern: str) -> tuple[set[str] | None, int]:
    """The lower-cased characters a case-insensitive match of `pattern` can begin with (None when
    that is not known: a class such as \\w, a wildcard, a pattern that may match nothing), and
    how many groups it has."""
    if pattern in _SHAPES:
        return _SHAPES[pattern]
    try:
        parsed = _parser.parse(pattern, re.IGNORECASE)
    except Exception:  # an analysis this module does not cover: scan everywhere instead
        shape: tuple[set[str] | None, int] = (None, re.compile(pattern).groups)
    else:
        shape = _shape(parsed)
    _SHAPES[pattern] = shape
    return shape


def _shape(parsed) -> tuple[set[str] | None, int]:
    groups = parsed.state.groups - 1
    try:
        firsts = _first_of_sequence(parsed.data)
    except Exception:  # a construct this module does not cover: scan everywhere instead
        return None, groups
    if firsts is None or "" in firsts:
        return None, groups
    return firsts, groups


_MOST_PAIRS = 400  # beyond that many pairs, the first character alone is as good a key


def _pairs(pattern: str) -> frozenset[str] | None:
    """The pairs of first characters of `pattern` (see _TWOS), from the analysis kept, else parsed."""
    if pattern not in _TWOS:
        try:
            _TWOS[pattern] = _two_letters(_parser.parse(pattern, re.IGNORECASE))
        except Exception:
            _TWOS[pattern] = None
    return _TWOS[pattern]


def _two_letters(parsed) -> frozenset[str] | None:
    try:
        starts = _starts_of_sequence(parsed.data, 2)
    except Exception:  # a construct this module does not cover
        return None
    if starts is None or any(len(start) < 2 for start in starts):
        return None
    return frozenset(starts)


def _join(heads: set[str], tails: set[str], k: int) -> set[str] | None:
    joined = {head if len(head) >= k else (head + tail)[:k] for head in heads for tail in tails}
    return joined if len(joined) <= _MOST_PAIRS else None


def _starts_of_sequence(items, k: int) -> set[str] | None:
    """The strings of (at most) k lower-cased characters a match of the sequence can begin with; a
    shorter one is a match that may end there."""
    result = {""}
    for op, av in items:
        if all(len(start) >= k for start in result):
            return result
        ext = _starts_of_op(op, av, k)
        if ext is None:
            return None
        done = {start for start in result if len(start) >= k}
        joined = _join({start for start in result if len(start) < k}, ext, k)
        if joined is None:
            return None
        result = done | joined
    return result


def _starts_of_op(op, av, k: int) -> set[str] | None:
    c = _constants
    if op is c.LITERAL:
        return _cased(av)
    if op is c.IN:
        return _first_of_op(op, av)
    if op is c.BRANCH:
        out: set[str] = set()
        for alternative in av[1]:
            starts = _starts_of_sequence(alternative.data, k)
            if starts is None:
                return None
            out |= starts
        return out if len(out) <= _MOST_PAIRS else None
    if op is c.SUBPATTERN:
        return _starts_of_sequence(av[-1].data, k)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, high, item = av
        once = _starts_of_sequence(item.data, k)
        if once is None or "" in once:
            return None
        out = {""} if low == 0 else set()
        current = {""}
        for count in range(1, k + 1):
            if count > high:
                break
            current = _join(current, once, k)
            if current is None:
                return None
            if count >= low or all(len(start) >= k for start in current):
                out |= current
        return out
    if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
        return {""}
    return None


def _cased(code: int) -> set[str]:
    character = chr(code)
    return {character.lower(), character.upper().lower(), character.casefold()}


def _first_of_sequence(items) -> set[str] | None:
    out: set[str] = set()
    for op, av in items:
        firsts = _first_of_op(op, av)
        if firsts is None:
            return None
        out |= firsts - {""}
        if "" not in firsts:
            return out
    return out | {""}  # the whole sequence may match nothing


def _first_of_op(op, av) -> set[str] | None:
    c = _constants
    if op is c.LITERAL:
        return _cased(av)
    if op is c.IN:
        out: set[str] = set()
        for kind, value in av:
            if kind is c.LITERAL:
                out |= _cased(value)
            elif kind is c.RANGE and value[1] - value[0] <= 256:
                for code in range(value[0], value[1] + 1):
                    out |= _cased(code)
            else:
                return None
        return out
    if op is c.BRANCH:
        out = set()
        for alternative in av[1]:
            firsts = _first_of_sequence(alternative.data)
            if firsts is None:
                return None
            out |= firsts
        return out
    if op is c.SUBPATTERN:
        return _first_of_sequence(av[-1].data)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, _, item = av
        firsts = _first_of_sequence(item.data)
        if firsts is None:
            return None
        return firsts | ({""} if low == 0 else set())
    if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
        return {""}  # takes no character: what follows decides
    return None
