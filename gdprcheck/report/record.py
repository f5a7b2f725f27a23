"""The record of the last workbook written into a folder: its SHA-256 and the reviews it holds, as
a read of it would return them, so that a re-run reads an unchanged workbook without parsing it.

Reading 1,000 contract sheets back costs seconds; hashing the file costs milliseconds. The record is
trusted only for the exact bytes it names, and only when written by this very code (the report
package's source, XlsxWriter's and openpyxl's versions): a workbook a reviewer saved, or one from
another version, is parsed as before. A record that is missing, damaged or stale costs a parse and
nothing else.

What a read returns for a value written is not the value itself: text is cut and cleaned, blank text
is no value, a number goes through its decimal form, a date through Excel's serial number. `as_read`
follows that path with the writer's and the reader's own conversions; tests/test_workbook_record.py
holds it to real reads of real files.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import replace
from datetime import date, datetime, time
from functools import cache
from pathlib import Path

from gdprcheck.models import BatchResult
from gdprcheck.report import layout
from gdprcheck.report.cells import stored
from gdprcheck.report.contract import FIRST_ROW
from gdprcheck.report.reviews import Placement, Review, _text

RECORD_NAME = ".gdprcheck-report.reviews.json"  # beside the workbook, hidden
FORMAT = 2  # 2: the record also names subprocessors.csv
SUBPROCESSORS_CSV = "subprocessors.csv"  # beside results.csv: covered by the record like it

log = logging.getLogger(__name__)


@cache
def fingerprint() -> str:
    """What decides how a workbook is written and read back: the report package's own source and the
    versions of the libraries that write and read it."""
    import openpyxl
    import xlsxwriter

    digest = hashlib.sha256(f"{FORMAT}|{xlsxwriter.__version__}|{openpyxl.__version__}".encode())
    for source in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- a value as a read of the workbook returns it -----------------------------------------------


def _number(value: float) -> int | float:
    """XlsxWriter writes a number with 16 significant digits; openpyxl reads a decimal form without
    a point or an exponent as an int."""
    written = f"{value:.16G}"
    return float(written) if any(mark in written for mark in ".Ee") else int(written)


def as_read(value: object) -> object:
    """The value a read of the workbook returns for `value` written in a cell (see cells.put)."""
    value = stored(value)
    if isinstance(value, (datetime, date)):
        from openpyxl.utils.datetime import from_excel
        from xlsxwriter.utility import _datetime_to_excel_datetime  # the conversion write_datetime uses

        try:
            return from_excel(_number(_datetime_to_excel_datetime(value, False, True)))
        except (OverflowError, ValueError):
            return "#VALUE!"  # openpyxl's reading of a date beyond the calendar
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value)
    if isinstance(value, str):
        # XlsxWriter escapes what the reader decodes (_xHHHH_): the text comes back as written,
        # except that text of nothing but spaces is no value
        return value if value.strip() else None
    return value


def _as_read_text(value: object) -> str:
    return _text(as_read(value))


_CARRIED_TEXT = ("document", "sha256", "item", "title", "tool_status", "source", "reason")  # its own columns


def _read_back(review: Review, **fields: str) -> Review:
    """`review` as a read returns it: its reviewer's values as read, with the row's own `fields`."""
    values = {name: as_read(getattr(review, name)) for name in ("status", "comment", "by", "date", "note")}
    return Review(**{name: _as_read_text(value) for name, value in fields.items()}, **values)


def expected_reviews(batch: BatchResult, placement: Placement, sheet_names: dict[str, str]) -> list[tuple[Review, str]]:
    """The reviews a read of the workbook returns, in its order, each with where it sits ("sheet
    'name', row 7"; empty for a carried-over review that says itself where it came from)."""
    found: list[tuple[Review, str]] = []
    for audit in batch.audits:
        sheet = sheet_names[audit.document]
        for row, result in enumerate(layout.shown_results(audit), start=FIRST_ROW):
            placed = placement.on_rows.get((audit.document, result.item))
            if placed is None:
                continue
            review = _read_back(
                placed,
                document=audit.document,
                sha256=audit.sha256,
                item=result.item,
                title=result.title,
                tool_status=result.status.value,
            )
            # the reader names a contract by its File cell, or by its sheet when that is empty
            review = replace(review, document=review.document or sheet)
            if not review.is_empty:
                found.append((review, f"sheet '{sheet}', row {row}"))
    for row, carried in enumerate(placement.carried, start=2):
        review = _read_back(carried, **{name: getattr(carried, name) for name in _CARRIED_TEXT})
        if not review.is_empty:
            found.append((review, "" if review.source else f"sheet '{layout.CARRIED}', row {row}"))
    return found


# --- the file ------------------------------------------------------------------------------------

_TYPES = {"datetime": datetime, "time": time}


def _encode(value: object) -> object:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": value}
    if isinstance(value, float):
        return {"float": value.hex()}
    for name, kind in _TYPES.items():
        if isinstance(value, kind):
            return {name: value.isoformat()}
    raise TypeError(f"no record for a {type(value).__name__}")


def _decode(value: object) -> object:
    if not isinstance(value, dict):
        return value
    ((kind, text),) = value.items()
    if kind == "bool":
        return bool(text)
    if kind == "int":
        return int(text)
    if kind == "float":
        return float.fromhex(text)
    return _TYPES[kind].fromisoformat(text)


_FIELDS = ["document", "sha256", "item", "title", "tool_status", "status", "comment", "by", "date", "note", "source", "reason"]


def _entries(reviews: list[tuple[Review, str]]) -> list[dict]:
    return [{**{name: _encode(getattr(review, name)) for name in _FIELDS}, "at": where} for review, where in reviews]


def content_digest(batch: BatchResult, reviews: list[tuple[Review, str]], checklist_sha256: str, run: dict) -> str:
    """What a workbook and results.csv written now would hold, but for the time they are written
    and the name of the backup made: the results, the reviews as placed, the checklist, the run's
    options, review sources and files. Two runs with the same digest write the same report."""
    from gdprcheck import __version__

    digest = hashlib.sha256(f"{FORMAT}|{fingerprint()}|{__version__}|{checklist_sha256}|".encode())
    digest.update(batch.model_dump_json().encode("utf-8"))
    digest.update(json.dumps([_entries(reviews), run], ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))
    return digest.hexdigest()


def save(
    path: Path, workbook_sha256: str, reviews: list[tuple[Review, str]], content: str = "", csv_sha256: str = ""
) -> None:
    document = {
        "format": FORMAT,
        "fingerprint": fingerprint(),
        "workbook_sha256": workbook_sha256,
        "csv_sha256": csv_sha256,
        "subprocessors_sha256": _sha256_or_empty(path.parent / SUBPROCESSORS_CSV),
        "content": content,
        "reviews": _entries(reviews),
    }
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def holds(workbook: Path, csv: Path, content: str) -> bool:
    """Whether the workbook and results.csv in place are, byte for byte, those this code wrote for
    `content` (see content_digest): writing them again would change nothing but the time."""
    try:
        document = json.loads((workbook.parent / RECORD_NAME).read_text(encoding="utf-8"))
        return (
            bool(content)
            and document.get("fingerprint") == fingerprint()
            and document.get("content") == content
            and document.get("workbook_sha256") == file_sha256(workbook)
            and document.get("csv_sha256") == file_sha256(csv)
            and document.get("subprocessors_sha256") == _sha256_or_empty(workbook.parent / SUBPROCESSORS_CSV)
        )
    except (OSError, ValueError, AttributeError):
        return False


def _sha256_or_empty(path: Path) -> str:
    return file_sha256(path) if path.exists() else ""


def reviews_in(workbook: Path, digest: str) -> list[Review] | None:
    """The reviews of `workbook` from the record beside it, if the record is of these very bytes and
    this code; None otherwise (the workbook must be read)."""
    try:
        document = json.loads((workbook.parent / RECORD_NAME).read_text(encoding="utf-8"))
        if document.get("workbook_sha256") != digest or document.get("fingerprint") != fingerprint():
            return None
        reviews = []
        for entry in document["reviews"]:
            review = Review(**{name: _decode(entry[name]) for name in _FIELDS})
            if entry["at"]:  # a read names the file it read
                review = replace(review, source=f"{workbook.name}, {entry['at']}")
            reviews.append(review)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    log.debug("%s is the workbook last written here: %d review(s) taken from its record", workbook, len(reviews))
    return reviews
