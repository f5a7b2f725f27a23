"""Read the sub-processors a contract names off its clauses: from tables (pipe, tab- or space-aligned,
"Name – service – country" lines under a header), from bullet lists under a lead-in about
sub-processors, and from prose ("hébergé chez OVH SAS (France)"). Deterministic regular expressions
over the clauses the pipeline already cut, compiled once per vocabulary: no model, no second pass.

Not sub-processors: a company named as an example ("such as Microsoft, etc."), the parties (a name
the contract's opening lines use), unnamed categories ("our hosting provider": no name at all).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from gdprcheck.models import Clause, LocatedDocument, SubProcessor
from gdprcheck.subprocessors.names import NameIndex
from gdprcheck.subprocessors.vocabulary import ISO_CODES, Vocabulary
from gdprcheck.values import _country_names

_COUNTRY_LANGUAGES = ("en", "fr", "nl", "de")  # pycountry's names are read in all four, whatever the text's language
_PREAMBLE_CHARS = 600  # the parties are named in a contract's opening lines
_NAME_REACH = 240  # characters a company's name may take before and after its legal form
_BULLET = re.compile(r"^\s*(?:[-•*·▪◦–—]|\(?[a-z0-9]{1,2}[.)])\s+")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}")
_CELL_NOISE = re.compile(r"^[\s*_#`:]+|[\s*_`:]+$")
_PLACEHOLDER = re.compile(r"^[\s_.…\-–—\[\]()xX]*$|^\[.*\]$")
_DASH_SPLIT = re.compile(r"\s+[–—]\s+")
_ALIGNED_SPLIT = re.compile(r"\t+|\s{3,}")
_NAME_TOKEN = r"[A-ZÀ-ÖØ-Þ0-9][\w'’.&/+-]*"
# a name may start in lower case when a digit or a capital follows ("n8n GmbH", "eBay GmbH")
_FIRST_TOKEN = r"(?:[A-ZÀ-ÖØ-Þ][\w'’.&/+-]*|\d+[&\w][\w'’&/+-]*|[a-z]+[0-9A-Z][\w'’.&/+-]*)"
_NAME_JOINER = r"(?:&|de|du|von|van|of)"
# "Provider: Hetzner Online GmbH (...)": one field of a record written one field a line
_FIELD = re.compile(r"^\s*(?:[-•*·▪◦]\s+|\(?[a-z0-9]{1,2}[.)]\s+)?([^:|\t]{2,40}?)\s*:\s+(\S.*)$")


def _alternation(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns) or r"(?!x)x"


def _literal_trie(words: list[str]) -> str:
    """A regular expression for any of `words` (literal), as a trie: Python's re tries an
    alternation's branches one by one at every position, a trie only the branch of the next
    character (measured: a quarter of the time over pycountry's 1,000 country names). Longest first."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie) or r"(?!x)x"


def _suffix_regex(suffix: str) -> str:
    return re.escape(suffix.rstrip(".")) + (r"\.?" if suffix.endswith(".") else "")


@dataclass
class _Mention:
    name: str
    start: int
    end: int
    legal: bool  # written with its legal form


@dataclass
class _Found:
    record: SubProcessor
    rank: int  # 0 table, 1 list, 2 prose: a table states a sub-processor most plainly
    key: str
    legal: bool
    countries: list[str] = field(default_factory=list)


class SubprocessorFinder:
    """Compiled once per vocabulary; `find` reads one located contract."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.names = NameIndex(vocabulary)
        self._eea = vocabulary.eea_members
        words = vocabulary.languages.values()
        flags = re.IGNORECASE
        self._sub_word = re.compile(rf"(?<!\w)(?:{_alternation([p for w in words for p in w.sub_processor])})(?!\w)", flags)
        self._hosting = re.compile(rf"(?<!\w)(?:{_alternation([p for w in words for p in w.hosting])})(?!\w)", flags)
        self._example = re.compile(rf"(?<!\w)(?:{_alternation([p for w in words for p in w.example])})(?!\w)", flags)
        self._enumeration_end = re.compile(
            rf"(?<!\w)(?:{_alternation([p for w in words for p in w.enumeration_end])})(?!\w)", flags
        )
        self._negated = re.compile(
            rf"(?<!\w)(?:{_alternation([p for w in words for p in w.not_sub_processor])})(?!\w)", flags
        )
        self._columns: list[tuple[str, re.Pattern[str]]] = []
        for column in ("location", "seat", "mechanism", "name", "service"):  # the most specific first
            patterns = [p for w in words for p in w.columns.get(column, [])]
            if patterns:
                self._columns.append((column, re.compile(rf"(?:{_alternation(patterns)})", flags)))
        suffixes = sorted(vocabulary.legal_suffixes, key=len, reverse=True)
        suffix = _alternation([_suffix_regex(s) for s in suffixes])
        # a run of capitalised words ending in a legal form (and what may follow it: "GmbH & Co. KG")
        self._company = re.compile(
            rf"(?<![\w.])(?:{_FIRST_TOKEN})(?:(?:[ ]+(?:{_NAME_TOKEN}|{_NAME_JOINER})){{0,5}}?[ ]+(?:{_NAME_TOKEN}))?,?[ ]+"
            rf"(?:{suffix})(?:[ ]*(?:&[ ]*)?(?:{suffix}))*(?![\w])"
        )
        self._suffix_only = re.compile(rf"^(?:{suffix})$")
        self._suffix_anywhere = re.compile(rf"(?:{suffix})(?![\w])")
        common = set(vocabulary.common_words)
        spellings = sorted(
            {s for a in vocabulary.aliases for s in [a.name, *a.spellings] if s not in common}, key=len, reverse=True
        )
        self._alias = re.compile(rf"(?<![\w.@/-]){_literal_trie(spellings)}(?![\w@-]|\.\w)")
        self._abbreviation_end = re.compile(rf"(?:{_alternation(vocabulary.abbreviations)})\.$")
        self._not_start = re.compile(rf"^(?:{_alternation(vocabulary.not_name_start)})$")
        roles = [role for words in vocabulary.languages.values() for role in words.party_roles]
        self._party_line = re.compile(
            rf"^[ \t]*(?:{_alternation(roles)})[ \t]*:[ \t]*(?P<named>\S.*)$" if roles else r"(?!x)x", re.IGNORECASE | re.MULTILINE
        )
        self._document_part = re.compile(rf"^(?:{_alternation(vocabulary.document_parts)})\s+[\dIVXLivx]+[a-z]?\b", re.IGNORECASE)
        self._joiner = re.compile(rf"\s*(?:{_alternation(vocabulary.name_joiners)})\s*")
        self._places = self._place_patterns()
        self._place_any = self._place_regex()
        self._mechanisms = [
            (name, re.compile(rf"(?<!\w)(?:{_alternation(patterns)})(?!\w)"))
            for name, patterns in vocabulary.mechanisms.items()
            if patterns
        ]

    # --- places and mechanisms ------------------------------------------------------------------

    def _place_patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        """The adjectives of each place before or after a data-centre word ("deutschen und finnischen
        Rechenzentren", "serveurs français"), one pattern a place (read alone in a table's description)."""
        facility = _alternation(self.vocabulary.facilities)
        joiner = r"(?:[\s,/]+(?:und|and|et|en|or|oder|ou|of)?)"
        patterns = []
        for code, adjectives in self.vocabulary.adjectives.items():
            adjective = _alternation(adjectives)
            patterns.append(
                (
                    code,
                    rf"(?i:(?<!\w)(?:{adjective})(?=(?:{joiner}\s*\S+){{0,3}}?\s+(?:{facility}))"
                    rf"|(?<=\s)(?:{facility})\s+(?:{adjective})(?!\w))",
                )
            )
        return [(code, re.compile(pattern)) for code, pattern in patterns]

    def _place_regex(self) -> re.Pattern[str]:
        """Every place in one pattern, read in one pass (one search per place and country name took a
        third of the audit's time): the vocabulary's places, then the adjectives, then pycountry's
        names in the four languages, the longest first, so "Papua New Guinea" is not Guinea too."""
        groups: list[str] = []
        self._group_codes: dict[str, str] = {}
        for number, (code, words) in enumerate(self.vocabulary.places.items()):
            groups.append(rf"(?P<p{number}>(?<![\w-])(?:{_alternation(words)})(?![\w]|-(?!regio|Region)))")
            self._group_codes[f"p{number}"] = code
        for number, (code, pattern) in enumerate(self._places):
            groups.append(f"(?P<a{number}>{pattern.pattern})")
            self._group_codes[f"a{number}"] = code
        self._country_codes: dict[str, str] = {}
        for language in _COUNTRY_LANGUAGES:
            for name, code in _country_names(language):
                self._country_codes.setdefault(name, code)
        names = sorted(self._country_codes, key=len, reverse=True)
        groups.append(rf"(?P<country>(?<!\w){_literal_trie(names)}(?!\w))")
        return re.compile("|".join(groups))

    def countries(self, text: str, codes: bool = False) -> list[str]:
        """Places the text names, in order; EU/EEA dropped when a member state is named too ("Ierland (EU)")."""
        found: dict[str, int] = {}
        for match in self._place_any.finditer(text):
            group = match.lastgroup
            code = self._country_codes[match.group()] if group == "country" else self._group_codes[group]
            found.setdefault(code, match.start())
        if codes:  # a location column may hold ISO codes ("DE, NL")
            for match in re.finditer(r"(?<![\w-])([A-Z]{2})(?![\w-])", text):
                if match.group(1) in ISO_CODES:
                    found.setdefault(match.group(1), match.start())
        ordered = [code for code, _ in sorted(found.items(), key=lambda kv: kv[1])]
        return _without_redundant_regions(ordered, self._eea)

    def mechanisms(self, text: str) -> str:
        return ";".join(name for name, pattern in self._mechanisms if pattern.search(text))

    # --- names ----------------------------------------------------------------------------------

    def _trimmed(self, name: str, start: int) -> tuple[str, int]:
        """Leading words that never begin a company name dropped ("Der Zahlungsdienstleister ...")."""
        while True:
            head, _, rest = name.partition(" ")
            if not rest or not self._not_start.match(head.rstrip(":,")) or self._suffix_only.match(rest.strip(" ,")):
                return name, start
            start += len(head) + 1
            name = rest.lstrip()

    def mentions(self, text: str, offset: int = 0) -> list[_Mention]:
        """Company names in running text: a name with its legal form, or a known alias."""
        found: list[_Mention] = []
        for match in self._company.finditer(text):
            name, start = self._trimmed(match.group(0), match.start())
            found.append(_Mention(name, offset + start, offset + match.end(), True))
        for match in self._alias.finditer(text):
            if not any(m.start <= offset + match.start() < m.end for m in found):
                found.append(_Mention(match.group(0), offset + match.start(), offset + match.end(), False))
        return sorted(found, key=lambda m: m.start)

    def cell_name(self, cell: str) -> str:
        """The company in a table's or list's name cell: the legal entity in brackets where the
        cell gives a trade name first ("Exact Online (Exact Holding B.V.)"), without the address
        that follows it ("Hetzner Online GmbH, Industriestr. 25, ...")."""
        cell = _CELL_NOISE.sub("", cell)
        head = re.split(r"\s*\(", cell, maxsplit=1)[0]
        legal = self._company.match(head)
        if legal is None:
            for inner in re.findall(r"\(([^()]*)\)", cell):
                inner_legal = self._company.match(inner.strip())
                if inner_legal:
                    return inner_legal.group(0)
        if legal:
            return legal.group(0)
        return re.split(r",\s|\s[–—-]\s|:\s", head, maxsplit=1)[0].strip()

    def cell_names(self, cell: str) -> list[str]:
        """Every company a name cell holds: "Neon, Inc. und Amazon Web Services (im Auftrag von Koyeb)"
        is two, and so is "OpenRouter, Inc. (relayant vers Google Gemini)" (the bracket names another
        entity than the one before it); "Brevo (Sendinblue SAS)" is one (the legal entity of a trade name)."""
        first = self.cell_name(cell)
        outside = re.sub(r"\([^()]*\)", " ", _CELL_NOISE.sub("", cell))
        parts = [part.strip(" ,") for part in self._joiner.split(outside) if part.strip(" ,")]
        names = [first]
        if len(parts) >= 2:
            named = [self.cell_name(p) for p in parts if self._company.match(p.strip()) or self.names.is_alias(p.strip())]
            if len(named) >= 2:
                names = named
        keys = {self.names.key(name) for name in names}
        for inner in re.findall(r"\(([^()]*)\)", cell):
            for mention in self.mentions(inner):
                key = self.names.key(mention.name)
                if key and key not in keys and not self._is_example(inner, mention.start, mention.end):
                    keys.add(key)
                    names.append(mention.name)
        return names

    def _is_name(self, name: str) -> bool:
        if not name or len(name) > 80 or _PLACEHOLDER.match(name) or not re.match(r"[A-ZÀ-ÖØ-Þ0-9]|[a-z]+[0-9A-Z]", name):
            return False
        if self._document_part.match(name):  # "Module 2", "Clause 13": a part of the contract
            return False
        return len(name.split()) <= 7 and not self._sub_word.fullmatch(name)

    # --- the document ---------------------------------------------------------------------------

    def find(self, located: LocatedDocument) -> list[SubProcessor]:
        """Tables and lists are read off the text as it was written (the normalised text joins a
        table's lines into one paragraph); each row cites the clause its name sits in."""
        text = self._text = located.text
        parties = self._party_words(text[:_PREAMBLE_CHARS]) | self._defined_parties(located.document.text)
        found: dict[str, _Found] = {}
        locator = _ClauseLocator(located)
        locator.sub_word = self._sub_word
        lines = _source_lines(located.document.text)
        rows_read: list[str] = []
        readers = (self._tables, self._stacked, self._fields, self._lists)
        rows = [entry for reader in readers for entry in reader(lines, locator)]
        for record, legal, rank in rows:
            rows_read.append(_squeeze(record.evidence)[:40])
            self._keep(found, record, rank, legal, parties)
        sentences = located.sentences
        named = self._sentences_naming(text, sentences)
        for index, sentence in enumerate(sentences):
            if index not in named or " | " in sentence.text:
                continue
            if rows_read and any(row and row in _squeeze(sentence.text) for row in rows_read):
                continue
            if self._negated.search(sentence.text):
                continue
            clause = located.clauses[sentence.clause_index]
            following = sentences[index + 1] if index + 1 < len(sentences) else None
            after = following.text if following is not None and following.clause_index == sentence.clause_index else ""
            for record, legal in self._prose(sentence.text, sentence.start, clause, locator.about(clause), after):
                self._keep(found, record, 2, legal, parties)
        return [entry.record for entry in found.values()]

    def _sentences_naming(self, text: str, sentences) -> set[int]:
        """The sentences a company name (with its legal form, or an alias) overlaps: the names are
        looked for once in the whole text, and only those sentences are read again one by one."""
        starts = [sentence.start for sentence in sentences]
        named: set[int] = set()
        for match in self._company_matches(text):
            first = max(0, bisect_right(starts, match.start()) - 1)
            last = max(0, bisect_right(starts, match.end() - 1) - 1)
            named.update(range(first, last + 1))
        for pattern in (self._alias,):
            for match in pattern.finditer(text):
                first = max(0, bisect_right(starts, match.start()) - 1)
                last = max(0, bisect_right(starts, match.end() - 1) - 1)
                named.update(range(first, last + 1))
        return named

    def _company_matches(self, text: str):
        """The names with a legal form in the whole text, as `self._company.finditer(text)` gives them,
        the long pattern tried only before a legal form (looking for it everywhere took a tenth of the
        audit's time): a name is a few words, so a window of _NAME_REACH characters before it holds it."""
        end = 0
        for suffix in self._suffix_anywhere.finditer(text):
            if suffix.end() <= end:
                continue
            window = self._company.finditer(text, max(end, suffix.start() - _NAME_REACH), suffix.end() + _NAME_REACH)
            # the name this legal form ends (or one that goes on to a second form: "GmbH & Co. KG")
            match = next((m for m in window if m.end() >= suffix.end()), None)
            if match is not None and match.start() <= suffix.start():
                yield match
                end = match.end()

    def _defined_parties(self, text: str) -> set[str]:
        """The words of the companies a definition line names as a party ("Le Prestataire : La SA
        ACME, dont le siège ..."), anywhere in the text (a definitions article is often past the
        opening lines), compared case-blind: "ACME" there is "Acme" in a later clause."""
        words: set[str] = set()
        for line in self._party_line.finditer(text):
            named = line.group("named")[:120]
            words |= {self.names.comparable(word) for word in re.findall(r"[A-ZÀ-ÖØ-Þ][\w-]{2,}", named)}
        return {word for word in words if word}

    def _party_words(self, preamble: str) -> set[str]:
        return {self.names.comparable(word) for word in re.findall(r"[A-ZÀ-ÖØ-Þ][\w-]{2,}", preamble)}

    def _keep(self, found: dict[str, _Found], record: SubProcessor, rank: int, legal: bool, parties: set[str]) -> None:
        key = self.names.key(record.name)
        if not key:
            return
        words = record.name.split()
        while words and self._not_start.match(words[0]):
            words = words[1:]
        if self.names.only_legal_form(" ".join(words)):
            return  # "La SA", "Die GmbH": an article and a legal form, the start of a name cut off
        first_word = self.names.comparable(record.name).split(" ")[0]
        if rank > 0 and (first_word in parties or key.split(" ")[0] in parties):
            return  # a party to the contract, not a third party (an affiliate in the list of sub-processors is one)
        record.entity = self.names.entity(record.name)
        words = record.name.split()
        if rank == 2 and any(self.names.key(" ".join(words[i:])) in found for i in range(1, len(words))):
            return  # "Rechtsgrundlage Hetzner Online GmbH": a name already read, with a word before it
        known = found.get(key)
        if known is None or rank < known.rank:
            found[key] = _Found(record, rank, key, legal, list(record.countries))
            return
        if rank == known.rank:
            countries = _without_redundant_regions(list(dict.fromkeys(known.record.countries + record.countries)), self._eea)
            mechanism = ";".join(dict.fromkeys(m for m in (known.record.mechanism + ";" + record.mechanism).split(";") if m))
            update = {"countries": countries, "mechanism": mechanism}
            if legal and not known.legal:  # the legal entity's name rather than the trade name
                update |= {"name": record.name}
                known.legal = True
            known.record = known.record.model_copy(update=update)

    # --- tables ---------------------------------------------------------------------------------

    def _header(self, cells: list[str]) -> list[str | None] | None:
        kinds: list[str | None] = []
        for cell in cells:
            cell = _CELL_NOISE.sub("", re.sub(r"\s*\([^()]*\)\s*$", "", cell))
            kinds.append(next((kind for kind, pattern in self._columns if pattern.fullmatch(cell)), None))
        if "name" not in kinds or sum(kind is not None for kind in kinds) < 2:
            return None
        return kinds

    def _tables(self, lines: list[tuple[int, str]], locator: _ClauseLocator):
        for rows, lead_in in _row_groups(lines):
            kinds = self._header(rows[0][1])
            body = rows[1:] if kinds else rows
            if kinds is None:
                kinds = ["name"] + [None] * (max(len(cells) for _, cells, _ in rows) - 1)
            for _, cells, line in body:
                name_cell = cells[kinds.index("name")] if "name" in kinds and kinds.index("name") < len(cells) else cells[0]
                clause = locator.clause_of(self.cell_name(name_cell))
                if kinds[1:].count(None) == len(kinds) - 1 and not (
                    self._sub_word.search(lead_in) or (clause is not None and locator.about(clause))
                ):
                    continue  # no header, and nothing says these are sub-processors
                yield from self._records(cells, kinds, line, clause)

    def _stacked(self, lines: list[tuple[int, str]], locator: _ClauseLocator):
        """A table copied cell by cell (from a web page, a PDF): the header's cells one a line
        ("Name of the Sub-processor", "Activity", "Nature"), then each row as a block of as many
        lines, the blocks apart by blank lines."""
        blocks: list[list[str]] = [[]]
        for _, line in lines:
            if line.strip():
                blocks[-1].append(line.strip())
            elif blocks[-1]:
                blocks.append([])
        kinds: list[str | None] | None = None
        for block in blocks:
            if kinds is not None and len(block) == len(kinds):
                clause = locator.clause_of(self.cell_name(block[kinds.index("name")]))
                yield from self._records(block, kinds, " ".join(block), clause)
                continue
            kinds = self._header(block) if 2 <= len(block) <= 8 else None

    def _fields(self, lines: list[tuple[int, str]], locator: _ClauseLocator):
        """A record written one field a line, under a heading about sub-processors:
        "* Purpose: To host ...", "* Provider: Hetzner Online GmbH (...)", "* Location: EU/EEA."."""
        record: list[tuple[str, str, str]] = []  # (kind, value, line)
        before: list[str] = []
        lead_in = ""
        for _, line in lines:
            if not line.strip():
                continue
            field = _FIELD.match(line)
            kind = None
            if field:
                label = _CELL_NOISE.sub("", field.group(1))
                kind = next((k for k, pattern in self._columns if pattern.fullmatch(label)), None)
            if kind is None or any(k == kind for k, _, _ in record):
                yield from self._field_record(record, lead_in, locator)
                record = []
            if kind is None:
                before = (before + [line])[-3:]
                continue
            if not record:
                lead_in = " ".join(before)
            record.append((kind, field.group(2), line))
        yield from self._field_record(record, lead_in, locator)

    def _field_record(self, record: list[tuple[str, str, str]], lead_in: str, locator: _ClauseLocator):
        kinds: list[str | None] = [kind for kind, _, _ in record]
        if kinds.count("name") != 1 or len(record) < 2:
            return
        cells = [value.rstrip(" .;") for _, value, _ in record]
        name_cell = cells[kinds.index("name")]
        names = self.cell_names(name_cell)
        if not names[0]:  # "(a) For residents in the EEA: OpenAI Ireland Limited, ... (b) ...: OpenAI OpCo, LLC"
            names = [mention.name for mention in self.mentions(name_cell) if mention.legal]
        if not names:
            return
        clause = locator.clause_of(names[0])
        if not (self._sub_word.search(lead_in) or (clause is not None and locator.about(clause))):
            return
        evidence = " ".join(line.strip() for _, _, line in record)
        for name in names:
            found = self._row(cells, kinds, evidence, clause, name)
            if found is not None:
                yield found[0].model_copy(update={"found_in": "list"}), found[1], 0

    def _records(self, cells: list[str], kinds: list[str | None], line: str, clause: Clause | None):
        """One record per company the row's name cell holds, each with the row's service and place."""
        position = kinds.index("name") if "name" in kinds and kinds.index("name") < len(cells) else 0
        names = self.cell_names(cells[position]) if len(cells) >= 2 else []
        for name in names:
            record = self._row(cells, kinds, line, clause, name)
            if record is not None:
                yield record[0], record[1], 0

    def _row(self, cells: list[str], kinds: list[str | None], line: str, clause: Clause | None, name: str | None = None):
        if len(cells) < 2:
            return None
        by_kind: dict[str, list[str]] = {}
        for position, cell in enumerate(cells):
            kind = kinds[position] if position < len(kinds) else None
            if kind is None:
                kind = "location" if len(cell.split()) <= 4 and self.countries(cell) else "service"
            by_kind.setdefault(kind, []).append(cell)
        name_cell = by_kind.get("name", [""])[0]
        name = name if name is not None else self.cell_name(name_cell)
        legal = bool(self._company.match(name)) or self.names.is_alias(name)
        if not self._is_name(name) or (kinds[1:] == [None] * (len(kinds) - 1) and not legal):
            return None
        countries: list[str] = []
        for kind in ("location", "seat"):
            for cell in by_kind.get(kind, []):
                countries += self.countries(cell)
                if kind == "location":  # ISO codes too, outside brackets ("DE, NL", "Frankfurt, DE (EU)")
                    countries += self.countries(re.sub(r"\([^()]*\)", " ", cell), codes=True)
            if countries:
                break
        if not countries:  # the address after the name in its cell ("..., Dublin 2, Irland, Stripe DPA")
            at = name_cell.find(name)
            countries = self.countries(name_cell[at + len(name) :] if at >= 0 else name_cell[len(name) :])
        # a place stated in the description ("Servern in deutschen und finnischen Rechenzentren")
        for cell in by_kind.get("service", []):
            countries += [c for c in self._facility_places(cell) if c not in countries]
        service = "; ".join(_CELL_NOISE.sub("", c) for c in by_kind.get("service", []) if c.strip())
        record = SubProcessor(
            name=name,
            service=service,
            countries=_without_redundant_regions(countries, self._eea),
            mechanism=self.mechanisms(" ".join(by_kind.get("mechanism", [])) or line),
            evidence=line.strip(),
            clause=clause.ref if clause is not None else "",
            found_in="table",
        )
        return record, legal

    def _facility_places(self, text: str) -> list[str]:
        return [code for code, pattern in self._places if pattern.search(text)]

    # --- bullet lists ---------------------------------------------------------------------------

    def _lists(self, lines: list[tuple[int, str]], locator: _ClauseLocator):
        lead_in = ""
        for _, line in lines:
            if not line.strip():
                continue
            bullet = _BULLET.match(line)
            if not bullet:
                lead_in = line
                continue
            body = line[bullet.end() :].strip()
            name = self.cell_name(body)
            if not body.startswith(name.split(" ")[0]) or not self._is_name(name):
                continue
            clause = locator.clause_of(name)
            if not (self._sub_word.search(lead_in) or (clause is not None and locator.about(clause))):
                continue
            legal = bool(self._company.match(name)) or self.names.is_alias(name)
            rest = body[len(name) :]
            # a name the list gives without legal form: "Replit (hosting, Noord-Amerika) — ..."
            free_name = (
                lead_in.rstrip().endswith(":")
                and bool(self._sub_word.search(lead_in))
                and len(name.split()) <= 4
                and all(word[:1].isupper() or word[:1].isdigit() for word in name.split())
                and bool(re.match(r"\s*(?:\(|[–—-]\s|,\s|:\s)", rest))
            )
            if not (legal or free_name) or self._is_example(body, 0, len(name)) or self._negated.search(body):
                continue
            service = re.sub(r"^[\s,:;–—-]+|[\s;.]+$", "", re.sub(r"\s*\(([^()]*)\)", r" \1", rest, count=1))
            record = SubProcessor(
                name=name,
                service=service,
                countries=self.countries(rest),
                mechanism=self.mechanisms(rest),
                evidence=body,
                clause=clause.ref if clause is not None else "",
                found_in="list",
            )
            yield record, legal, 1

    # --- prose ----------------------------------------------------------------------------------

    def _is_example(self, text: str, start: int, end: int) -> bool:
        """A name after "such as" / "z. B." in its part of the sentence, or in a list that ends "etc."."""
        before = text[:start]
        cut = max(before.rfind(mark) for mark in (".", ";", ":", "(")) if before else -1
        if self._example.search(before[cut + 1 :]):
            return True
        if cut >= 0 and before[cut] == ":" and self._example.search(before[max(0, cut - 60) : cut + 1]):
            return True  # "exemple sans limitation : Microsoft, Google": the examples after the colon
        after = text[end:]
        stop = min([i for i in (after.find(")"), after.find(";"), after.find(". ")) if i >= 0] or [len(after)])
        # a list that trails off ("Microsoft, Google, Amazon…") is a list of examples too
        return bool(self._enumeration_end.search(after[:stop])) or after[:stop].rstrip().endswith(("…", "..."))

    def _next_sentence(self, end: int) -> str:
        """The text after a sentence cut at an abbreviation ("Industriestr. 25, ..., Deutschland")."""
        text = self._text
        stop = text.find("\n", end + 1)
        return text[end : stop if stop > 0 else len(text)][:200]

    def _prose(self, sentence: str, offset: int, clause: Clause, about: bool, next_sentence: str = ""):
        mentions = self.mentions(sentence, offset)
        if not mentions or _mostly_capitals(sentence):  # a heading or a disclaimer in capitals
            return
        if not (about or self._hosting.search(sentence) or self._sub_word.search(sentence)):
            return
        for position, mention in enumerate(mentions):
            start, end = mention.start - offset, mention.end - offset
            if self._is_example(sentence, start, end):
                continue
            following = mentions[position + 1].start - offset if position + 1 < len(mentions) else len(sentence)
            after = sentence[end:following]
            # inside brackets after the place it explains: "Verarbeitungsort ist Deutschland (Hetzner ...)"
            if position + 1 == len(mentions) and self._abbreviation_end.search(sentence):
                after += " " + self._next_sentence(offset + len(sentence))
            countries = self.countries(after.split(";")[0])
            if not countries and sentence[:start].rstrip().endswith("("):
                previous = mentions[position - 1].end - offset if position else 0
                countries = self.countries(re.split(r"[;:]", sentence[previous:start])[-1])
            if not countries and len(mentions) == 1:  # one company, one place: "servers in Nederland, operated by X"
                countries = self.countries(sentence)
            # the place in the next sentence, about hosting and naming no company: "...: OVH. Les données
            # sont hébergées en Europe."
            if not countries and len(mentions) == 1 and next_sentence and self._hosting.search(next_sentence):
                if not self.mentions(next_sentence):
                    countries = self.countries(next_sentence)
            service = ""
            yield (
                SubProcessor(
                    name=mention.name,
                    service=service,
                    countries=countries,
                    mechanism=self.mechanisms(after),
                    evidence=sentence.strip(),
                    clause=clause.ref,
                    found_in="prose",
                ),
                mention.legal,
            )


def _source_lines(text: str) -> list[tuple[int, str]]:
    lines, position = [], 0
    for line in text.splitlines():
        lines.append((position, line))
        position += len(line) + 1
    return lines


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def _mostly_capitals(text: str) -> bool:
    letters = sum(map(str.isalpha, text))
    return letters > 20 and sum(map(str.isupper, text)) > 0.7 * letters


class _ClauseLocator:
    """The clause of the normalised text where a name written in the source sits: names are
    searched in reading order, so a name met twice is placed at its next occurrence."""

    def __init__(self, located: LocatedDocument):
        self.located = located
        self._cursor = 0
        self._starts = [clause.start for clause in located.clauses]
        self._about: dict[int, bool] = {}
        self.sub_word: re.Pattern[str] | None = None

    def clause_of(self, name: str) -> Clause | None:
        if not name:
            return None
        text = self.located.text
        position = text.find(name, self._cursor)
        if position < 0:
            position = text.find(name)
        if position < 0:
            return None
        self._cursor = position + len(name)
        index = max(0, bisect_right(self._starts, position) - 1)
        return self.located.clauses[index]

    def about(self, clause: Clause) -> bool:
        """Whether the clause is about sub-processors: its heading, titles or opening line say so."""
        key = clause.start
        if key not in self._about:
            first_line = clause.text.strip().split("\n", 1)[0]
            heading = " ".join([clause.ref, *(t for _, _, t in clause.titles)])
            if len(first_line.split()) <= 12:
                heading += " " + first_line
            self._about[key] = bool(self.sub_word.search(heading)) if self.sub_word else False
        return self._about[key]


def _cells(line: str) -> list[str] | None:
    if not ("|" in line or "\t" in line or "   " in line or " – " in line or " — " in line):
        return None  # no cell boundary of any kind: most lines of a contract
    if " | " in line or line.strip().startswith("|"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        return cells if len(cells) >= 2 else None
    for splitter in (_ALIGNED_SPLIT, _DASH_SPLIT):
        cells = [c.strip() for c in splitter.split(line.strip())]
        if len(cells) >= 2 and all(cells):
            return cells
    return None


def _row_groups(lines: list[tuple[int, str]]):
    """Runs of consecutive lines that split into cells the same way (blank lines between rows are
    allowed), each with the lines above it (what introduces the table)."""
    group: list[tuple[int, list[str], str]] = []
    before: list[str] = []
    lead_in = ""
    for start, line in lines:
        if not line.strip():
            continue
        if _PIPE_SEPARATOR.match(line) and group:
            continue
        cells = _cells(line)
        if cells is None or (group and not _same_shape(group[-1][2], line)):
            if len(group) >= 2:
                yield group, lead_in
            group = []
            if cells is None:
                before = (before + [line])[-3:]
                continue
        if not group:
            lead_in = " ".join(before)
        group.append((start, cells, line))
    if len(group) >= 2:
        yield group, lead_in


def _same_shape(previous: str, line: str) -> bool:
    def kind(text: str) -> str:
        return "pipe" if (" | " in text or text.strip().startswith("|")) else "tab" if "\t" in text else "dash" if _DASH_SPLIT.search(text) else "space"

    return kind(previous) == kind(line)


def _without_redundant_regions(codes: list[str], eea: frozenset[str]) -> list[str]:
    """"Ireland (EU)" is Ireland: EU and EEA add nothing beside a member state, and "EU/EEA" is the
    EEA (which holds the EU); each place once."""
    codes = list(dict.fromkeys(codes))
    if any(code in eea for code in codes):
        return [code for code in codes if code not in ("EU", "EEA")]
    if "EEA" in codes:
        return [code for code in codes if code != "EU"]
    return codes


