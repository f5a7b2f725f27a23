"""The reviewer's work: read it back from a previous workbook and place it on the new run's rows.

A review belongs to a (document, item) row. It is matched to the new run by the document's content
hash first (a renamed file keeps its reviews), then by file name (the contract was edited: the review
is kept and marked for a second look). A review that matches no row is never dropped: it goes to
the "Carried-over reviews" sheet with the reason.
"""

from __future__ import annotations

import itertools
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from gdprcheck.models import BatchResult, DocumentAudit
from gdprcheck.report import layout

_HEADER_SEARCH_ROWS = 15


class ReviewError(Exception):
    """A workbook whose reviews cannot be read; the message names the file and the cause."""


@dataclass(frozen=True)
class Review:
    """What a reviewer wrote on one finding row, and which contract version it was written on."""

    document: str
    sha256: str
    item: str
    title: str = ""
    tool_status: str = ""
    status: object = None
    comment: object = None
    by: object = None
    date: object = None
    note: object = None
    source: str = ""  # where it was read: "old.xlsx, sheet 'acme', row 7"
    reason: str = ""  # why it is (or was) in the Carried-over reviews sheet

    @property
    def values(self) -> tuple[object, ...]:
        return (self.status, self.comment, self.by, self.date, self.note)

    @property
    def is_empty(self) -> bool:
        return all(v is None for v in self.values)

    @property
    def reviewer_status(self) -> str:
        return str(self.status).strip().lower() if self.status is not None else ""


@dataclass(frozen=True)
class FindingRow:
    """One row of a contract sheet as the workbook holds it now (the tool's columns and the review)."""

    document: str
    sha256: str
    item: str
    status: str
    value: str
    evidence: str
    review: Review
    where: str


@dataclass
class Placement:
    """Where each review goes in the new workbook."""

    on_rows: dict[tuple[str, str], Review] = field(default_factory=dict)
    carried: list[Review] = field(default_factory=list)

    @property
    def marked(self) -> int:
        return sum(1 for review in self.on_rows.values() if review.note is not None)


# --- reading -------------------------------------------------------------------------------------

# Excel writes a character XML cannot carry as _xHHHH_ (a carriage return is _x000D_) and a literal
# "_x" sequence as _x005F_x...; openpyxl hands both back undecoded, so they are decoded here, as Excel
# and LibreOffice do. Our workbooks hold inline text, which openpyxl leaves alone; in the shared
# strings of a workbook Excel saved, openpyxl has already dropped "x005F_", so text a reviewer typed
# as a literal "_x0041_" would read as "A": the price of reading carriage returns right.
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def decode_text(text: str) -> str:
    """Text as Excel and LibreOffice show it: _xHHHH_ escapes decoded."""
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), text) if "_x" in text else text


def _cell(value: object) -> object:
    """A cell's value as the reader uses it: text decoded, blank text as no value."""
    if isinstance(value, str):
        value = decode_text(value)
        return value if value.strip() else None
    return value


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _with_extras(comment: object, extras: list[tuple[str, object]]) -> object:
    """Text typed in columns the tool does not know is kept, appended to the comment."""
    if not extras:
        return comment
    parts = [_text(comment)] if comment is not None else []
    parts += [f"[{header or 'column without a header'}] {_text(value)}" for header, value in extras]
    return "\n".join(parts)


def _unreadable(path: Path, exc: BaseException) -> ReviewError:
    return ReviewError(f"{path}: not an xlsx workbook that can be read ({exc.__class__.__name__}: {exc})")


# what a damaged or foreign file raises while it is opened or, in read-only mode, while it is read
_DAMAGED = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, SyntaxError, EOFError, zlib.error)


@contextmanager
def _open(path: Path):
    """The workbook in openpyxl's read-only mode: sheets are parsed as they are iterated, without
    building cells and styles, and only as far as needed (a sheet without a review table costs its
    first rows)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "data validation extension not supported" and the like
            book = load_workbook(path, read_only=True, keep_links=False)
    except FileNotFoundError:
        raise ReviewError(f"{path}: no such workbook") from None
    except _DAMAGED as exc:
        raise _unreadable(path, exc) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield book
    except _DAMAGED as exc:
        raise _unreadable(path, exc) from None
    finally:
        book.close()


def _header(rows: list[tuple], required: Iterable[str]) -> tuple[int, dict[str, int]] | None:
    """The header row (1-based) and each header's column index (0-based), if the rows have one."""
    needed = set(required)
    for number, row in enumerate(rows, start=1):
        names = [_text(v) for v in row]
        if needed <= set(names):
            return number, {name: index for index, name in enumerate(names) if name}
    return None


def _labels(rows: list[tuple], above: int) -> dict[str, str]:
    """The label/value pairs (File, SHA-256...) in columns A and B above the table."""
    found: dict[str, str] = {}
    for row in rows[: above - 1]:
        row = tuple(row[:2]) + (None,) * (2 - len(row[:2]))
        if row[0] is not None:
            found[_text(row[0])] = _text(row[1])
    return found


def _rows(rows: Iterable[tuple], header: int, columns: dict[str, int], known: list[str]):
    """Each non-empty row below the header: its cells by header, and cells in unknown columns."""
    unknown = {index: name for name, index in columns.items() if name not in known}  # columns a reviewer added
    headed = set(columns.values())
    for number, cells in enumerate(rows, start=header + 1):
        if all(v is None for v in cells):
            continue
        by_name = {name: cells[index] if index < len(cells) else None for name, index in columns.items()}
        extras = [(name, by_name[name]) for name in unknown.values() if by_name[name] is not None]
        extras += [("", v) for index, v in enumerate(cells) if v is not None and index not in headed]
        yield number, by_name, extras


def _contract_rows(rows: list[tuple], found: tuple[int, dict[str, int]], title: str, source: str) -> list[FindingRow]:
    header, columns = found
    labels = _labels(rows, header)
    document = labels.get(layout.FILE_LABEL) or title
    sha256 = labels.get(layout.HASH_LABEL, "")
    findings = []
    for number, cells, extras in _rows(rows[header:], header, columns, layout.FINDING_COLUMNS):
        item = _text(cells.get(layout.ITEM_ID))
        if not item:  # a row the reviewer added: the text in the tool's columns is theirs too
            tool = [name for name in layout.TOOL_COLUMNS if cells.get(name) is not None]
            extras = [(name, cells.pop(name)) for name in tool] + extras
        where = f"{source}, sheet '{title}', row {number}"
        review = Review(
            document=document,
            sha256=sha256,
            item=item,
            title=_text(cells.get(layout.ITEM)),
            tool_status=_text(cells.get(layout.STATUS)),
            source=where,
            **_reviewer_columns(cells, extras),
        )
        findings.append(
            FindingRow(
                document=document,
                sha256=sha256,
                item=item,
                status=_text(cells.get(layout.STATUS)),
                value=_text(cells.get(layout.VALUE)),
                evidence=_text(cells.get(layout.EVIDENCE)),
                review=review,
                where=where,
            )
        )
    return findings


def _reviewer_columns(cells: dict, extras: list) -> dict:
    """What the reviewer typed, in the same columns on a contract sheet and on the carried-over sheet."""
    return {
        "status": cells.get(layout.REVIEWER_STATUS),
        "comment": _with_extras(cells.get(layout.REVIEWER_COMMENT), extras),
        "by": cells.get(layout.REVIEWED_BY),
        "date": cells.get(layout.REVIEW_DATE),
        "note": cells.get(layout.CARRY_NOTE),
    }


def _carried_reviews(rows: list[tuple], found: tuple[int, dict[str, int]], title: str, source: str) -> list[Review]:
    header, columns = found
    reviews = []
    for number, cells, extras in _rows(rows[header:], header, columns, layout.CARRIED_COLUMNS):
        reviews.append(
            Review(
                document=_text(cells.get(layout.DOCUMENT)),
                sha256=_text(cells.get(layout.DOCUMENT_HASH)),
                item=_text(cells.get(layout.ITEM_ID)),
                title=_text(cells.get(layout.ITEM)),
                tool_status=_text(cells.get(layout.TOOL_STATUS_THEN)),
                **_reviewer_columns(cells, extras),
                source=_text(cells.get(layout.SOURCE)) or f"{source}, sheet '{title}', row {number}",
                reason=_text(cells.get(layout.WHY)),
            )
        )
    return reviews


def read_workbook(path: Path) -> tuple[list[FindingRow], list[Review]]:
    """Every finding row of every contract sheet, and the reviews waiting in Carried-over reviews.

    Sheets are recognised by their header row, not their name: a renamed tab is still read."""
    rows: list[FindingRow] = []
    carried: list[Review] = []
    recognised = False
    with _open(path) as book:
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # a wrong <dimension> in the file must not hide a reviewer's cells
            values = ([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
            top = list(itertools.islice(values, _HEADER_SEARCH_ROWS))
            carried_header = _header(top, [layout.DOCUMENT, layout.WHY])  # it has the review columns too
            contract_header = None if carried_header else _header(top, [layout.ITEM_ID, layout.REVIEWER_STATUS])
            if carried_header is None and contract_header is None:
                continue  # the rest of the sheet is never parsed
            recognised = True
            table = top + list(values)
            if carried_header is not None:
                carried += _carried_reviews(table, carried_header, sheet.title, path.name)
            else:
                rows += _contract_rows(table, contract_header, sheet.title, path.name)
    if not recognised:
        raise ReviewError(
            f"{path}: no gdprcheck contract sheet (a table with '{layout.ITEM_ID}' and "
            f"'{layout.REVIEWER_STATUS}' columns) in this workbook"
        )
    return rows, carried


def _parse_reviews(path: Path) -> list[Review]:
    rows, carried = read_workbook(path)
    return [row.review for row in rows if not row.review.is_empty] + [r for r in carried if not r.is_empty]


_already_read: dict[tuple[Path, str], list[Review]] = {}


def read_reviews(path: Path) -> list[Review]:
    """Everything a reviewer wrote in a workbook: reviewed rows and the carried-over reviews.

    A workbook that is byte for byte the one this tool last wrote beside its record is not parsed:
    its reviews are those the record lists (see record.py). A file read once in this process (a
    baseline checked, then carried over) is read once."""
    from gdprcheck.report import record

    try:
        digest = record.file_sha256(path)
    except FileNotFoundError:
        raise ReviewError(f"{path}: no such workbook") from None
    except OSError as exc:
        raise _unreadable(path, exc) from None
    key = (path.resolve(), digest)
    if key not in _already_read:
        known = record.reviews_in(path, digest)
        _already_read[key] = known if known is not None else _parse_reviews(path)
    return list(_already_read[key])


# --- placing -------------------------------------------------------------------------------------


def _note(review: Review, audit: DocumentAudit, status_now: str) -> object:
    """The previous note plus what changed since the review, so the reviewer looks again."""
    marks = []
    if review.sha256 != audit.sha256:
        if review.sha256:
            marks.append(
                f"Contract text changed since this review (SHA-256 {review.sha256[:12]}… then, "
                f"{audit.sha256[:12]}… now): check this finding again."
            )
        else:
            marks.append("The contract version this review was made on is unknown: check this finding again.")
    elif review.document != audit.document:
        marks.append(f"Same text, file renamed from {review.document}.")
    if review.tool_status and review.tool_status != status_now:
        marks.append(f"Tool status was {review.tool_status} at review time, now {status_now}.")
    if review.reason:
        marks.append("Back from the Carried-over reviews sheet.")
    previous = _text(review.note)
    new = [m for m in marks if m not in previous]
    if not new:
        return review.note
    return "\n".join([previous, *new] if previous else new)


def place_reviews(reviews: Iterable[Review], batch: BatchResult) -> Placement:
    """Put each review on the row it belongs to in this run, or in the carried-over list with a reason."""
    by_hash: dict[str, list[DocumentAudit]] = {}
    by_name: dict[str, DocumentAudit] = {}
    rows: dict[tuple[str, str], str] = {}
    for audit in batch.audits:
        by_hash.setdefault(audit.sha256, []).append(audit)
        by_name.setdefault(audit.document, audit)
        for result in layout.shown_results(audit):
            rows[(audit.document, result.item)] = result.status.value
    placement = Placement()
    seen: set[tuple] = set()
    for review in reviews:
        identity = (review.document, review.sha256, review.item, *map(_text, review.values))
        if identity in seen:  # the same review read from both the baseline and the last report
            continue
        seen.add(identity)
        same_text = by_hash.get(review.sha256, []) if review.sha256 else []
        audit = next((a for a in same_text if a.document == review.document), same_text[0] if same_text else None)
        audit = audit or by_name.get(review.document)
        if not review.item:
            reason = "A row without an item ID: kept as typed."
        elif audit is None:
            reason = "This contract is not in this run (removed, or its name and text both changed)."
        elif (audit.document, review.item) not in rows:
            reason = "No such finding in this run: the item left the checklist, or the red flag is no longer raised."
        elif (audit.document, review.item) in placement.on_rows:
            reason = "Another review already sits on this row in this run."
        else:
            status_now = rows[(audit.document, review.item)]
            placement.on_rows[(audit.document, review.item)] = replace(review, note=_note(review, audit, status_now), reason="")
            continue
        placement.carried.append(replace(review, reason=reason))
    return placement
