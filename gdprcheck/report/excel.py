"""The Excel gap workbook: Summary (contracts x items), Findings (one row per item and red flag,
with the quote and clause), Errors (files that could not be audited)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gdprcheck import __version__
from gdprcheck.checklist import Checklist
from gdprcheck.models import BatchResult

STATUS_FILLS = {
    "met": PatternFill("solid", fgColor="C6EFCE"),
    "partial": PatternFill("solid", fgColor="FFEB9C"),
    "missing": PatternFill("solid", fgColor="FFC7CE"),
    "flagged": PatternFill("solid", fgColor="F4B084"),
}
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def safe_text(value: object) -> object:
    """Contract text never becomes a formula, and characters Excel rejects are dropped."""
    if not isinstance(value, str):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _put(sheet: Worksheet, row: int, column: int, value: object):
    cell = sheet.cell(row=row, column=column, value=safe_text(value))
    if isinstance(value, str):
        cell.data_type = "s"  # "=HYPERLINK(...)" quoted from a contract stays text
    return cell


def _table(sheet: Worksheet, headers: list[str], rows: list[list[object]], widths: list[int]) -> None:
    for column, header in enumerate(headers, start=1):
        cell = _put(sheet, 1, column, header)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row_index, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = _put(sheet, row_index, column, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(value, str) and value in STATUS_FILLS:
                cell.fill = STATUS_FILLS[value]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "B2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"


def write_workbook(batch: BatchResult, checklist: Checklist, path: Path) -> None:
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    items = checklist.checklist_items
    flags_by_doc = {a.document: [r for r in a.red_flags if r.status.value == "flagged"] for a in batch.audits}
    summary_rows = []
    for audit in batch.audits:
        statuses = {r.item: r.status.value for r in audit.items}
        counts = [sum(s == k for s in statuses.values()) for k in ("met", "partial", "missing")]
        summary_rows.append([audit.document, audit.language, audit.score, *counts, len(flags_by_doc[audit.document]),
                             *[statuses.get(item.id, "") for item in items]])
    _table(summary, ["Document", "Language", "Score", "Met", "Partial", "Missing", "Red flags", *[i.id for i in items]],
           summary_rows, [38, 9, 8, 6, 7, 8, 9, *[12] * len(items)])
    for row in range(2, len(summary_rows) + 2):
        summary.cell(row=row, column=3).number_format = "0%"

    findings = book.create_sheet("Findings")
    by_id = {item.id: item for item in checklist.items}
    finding_rows = []
    for audit in batch.audits:
        for result in audit.results:
            if result.is_red_flag and result.status.value != "flagged":
                continue
            item = by_id[result.item]
            finding_rows.append([
                result.document, result.item, result.title, result.status.value, result.value,
                result.evidence.quote if result.evidence else "", result.evidence.clause if result.evidence else "",
                result.language, result.rationale, item.gdpr, item.recommendation if result.status.value != "met" else "",
            ])
    _table(findings, ["Document", "Item", "Title", "Status", "Value", "Evidence", "Clause", "Language", "Rationale",
                      "GDPR", "Recommendation"], finding_rows, [30, 26, 30, 10, 14, 70, 30, 9, 45, 14, 50])

    errors = book.create_sheet("Errors")
    _table(errors, ["Document", "Problem"], [[e.document, e.problem] for e in batch.errors], [40, 90])

    info = book.create_sheet("Run info")
    _table(info, ["Field", "Value"], [
        ["Tool", f"gdprcheck {__version__}"],
        ["Checklist", f"{checklist.name} ({checklist.version}) — {checklist.source}"],
        ["Checklist SHA-256", checklist.sha256],
        ["Contracts audited", len(batch.audits)],
        ["Files not audited", len(batch.errors)],
    ] + [[f"File {a.document}", f"SHA-256 {a.sha256}"] for a in batch.audits], [24, 100])
    book.save(path)
