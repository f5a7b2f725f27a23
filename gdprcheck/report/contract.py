"""One sheet per contract: every checklist item and raised red flag, with the tool's finding on the
left and the reviewer's columns (drop-down status, comment, name, date) on the right."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from gdprcheck.checklist import Item
from gdprcheck.models import DocumentAudit, ItemResult, Status
from gdprcheck.report import layout
from gdprcheck.report.cells import (
    CHANGED_FILL,
    GRID,
    LABEL_FONT,
    LINK_FONT,
    REVIEWER_FILL,
    TITLE_FONT,
    fit_heights,
    header_row,
    print_setup,
    put,
    set_widths,
    status_colours,
)
from gdprcheck.report.reviews import Review

HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
_REVIEWER_FIRST = len(layout.TOOL_COLUMNS) + 1  # 1-based column of "Reviewer status"


@dataclass(frozen=True)
class ContractSheet:
    """Where a contract's findings landed, for links and counts on the overview."""

    name: str
    first_row: int
    last_row: int

    def column_range(self, header: str) -> str:
        letter = get_column_letter(layout.FINDING_COLUMNS.index(header) + 1)
        return f"{letter}{self.first_row}:{letter}{self.last_row}"


def link_to(sheet_name: str, cell: str = "A1") -> Hyperlink:
    return Hyperlink(ref="", location=f"'{sheet_name}'!{cell}", tooltip=f"Open the sheet {sheet_name}")


def counts_in_words(audit: DocumentAudit) -> str:
    statuses = [r.status for r in audit.items]
    flags = sum(1 for r in audit.red_flags if r.status is Status.FLAGGED)
    return (
        f"{audit.language} · score {audit.score:.0%} · {statuses.count(Status.MET)} met, "
        f"{statuses.count(Status.PARTIAL)} partial, {statuses.count(Status.MISSING)} missing · {flags} red flag(s)"
    )


def _finding(result: ItemResult, item: Item | None) -> list[object]:
    needs_action = result.status.is_gap or result.status is Status.FLAGGED
    return [
        result.item,
        result.title,
        result.status.value,
        result.value,
        result.evidence.quote if result.evidence else "",
        result.evidence.clause if result.evidence else "",
        result.rationale,
        item.gdpr if item else "",
        item.recommendation if item and needs_action else "",
    ]


def write_contract_sheet(
    sheet: Worksheet, audit: DocumentAudit, items: dict[str, Item], reviews: dict[tuple[str, str], Review]
) -> ContractSheet:
    title = put(sheet, 1, 1, layout.FILE_LABEL)
    title.font = LABEL_FONT
    put(sheet, 1, 2, audit.document).font = TITLE_FONT
    put(sheet, 2, 1, layout.HASH_LABEL).font = LABEL_FONT
    put(sheet, 2, 2, audit.sha256)
    put(sheet, 3, 1, layout.SUMMARY_LABEL).font = LABEL_FONT
    put(sheet, 3, 2, counts_in_words(audit))
    back = put(sheet, 4, 1, "← Overview")
    back.hyperlink = link_to(layout.OVERVIEW)
    back.font = LINK_FONT
    put(sheet, 4, 2, "Fill in the green columns on the right: a re-run of the audit keeps them.").font = LABEL_FONT

    header_row(sheet, HEADER_ROW, layout.FINDING_COLUMNS, reviewer_from=_REVIEWER_FIRST)
    results = layout.shown_results(audit)
    for row, result in enumerate(results, start=FIRST_ROW):
        review = reviews.get((audit.document, result.item))
        values = _finding(result, items.get(result.item))
        values += list(review.values) if review else [None] * len(layout.REVIEW_COLUMNS)
        for column, value in enumerate(values, start=1):
            cell = put(sheet, row, column, value, wrap=True)
            cell.border = GRID
            if column >= _REVIEWER_FIRST:
                cell.fill = CHANGED_FILL if review is not None and review.note is not None else REVIEWER_FILL
    last = FIRST_ROW + max(len(results), 1) - 1
    placed = ContractSheet(sheet.title, FIRST_ROW, last)

    status_colours(sheet, placed.column_range(layout.STATUS), ["met", "partial", "missing", "flagged"])
    status_colours(sheet, placed.column_range(layout.REVIEWER_STATUS), layout.REVIEWER_STATUSES)
    choice = DataValidation(
        type="list",
        formula1='"' + ",".join(layout.REVIEWER_STATUSES) + '"',
        allow_blank=True,
        showDropDown=False,  # (sic) False shows the in-cell arrow
        showErrorMessage=True,
        errorTitle="Reviewer status",
        error="Choose one of: " + ", ".join(layout.REVIEWER_STATUSES) + ". Put anything else in the comment.",
        showInputMessage=True,
        promptTitle="Reviewer status",
        prompt="agree = the tool is right; or the status you find; not applicable = leave out",
    )
    sheet.add_data_validation(choice)
    choice.add(placed.column_range(layout.REVIEWER_STATUS))

    set_widths(sheet, layout.FINDING_WIDTHS)
    fit_heights(sheet, HEADER_ROW, last)
    last_column = get_column_letter(len(layout.FINDING_COLUMNS))
    sheet.freeze_panes = f"C{FIRST_ROW}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{last}"
    sheet.print_area = f"A1:{last_column}{last}"
    print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}", f"gdprcheck · {audit.document}")
    return placed
