"""One sheet per contract: every checklist item and raised red flag, with the tool's finding on the
left and the reviewer's columns (drop-down status, comment, name, date) on the right."""

from __future__ import annotations

from dataclasses import dataclass

from gdprcheck.checklist import Item
from gdprcheck.models import DocumentAudit, ItemResult, Status
from gdprcheck.report import layout
from gdprcheck.report.cells import (
    BODY,
    CHANGED_FILL,
    GRID,
    LABEL,
    LINK,
    REVIEWER_FILL,
    TITLE,
    WRAP,
    Sheet,
    column_letter,
    fill,
    fitted_height,
    header_row,
    internal_link,
    print_setup,
    put,
    set_widths,
    status_colours,
    write_row,
)
from gdprcheck.report.reviews import Review

HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
_REVIEWER_FIRST = len(layout.TOOL_COLUMNS) + 1  # 1-based column of "Reviewer status"


@dataclass(frozen=True)
class ContractSheet:
    """Where a contract's findings land, for links and counts on the overview."""

    name: str
    first_row: int
    last_row: int

    @classmethod
    def planned(cls, name: str, audit: DocumentAudit) -> ContractSheet:
        """Known before the sheet is written, so that the overview can be written first."""
        return cls(name, FIRST_ROW, FIRST_ROW + max(len(layout.shown_results(audit)), 1) - 1)

    def column_range(self, header: str) -> str:
        letter = column_letter(layout.FINDING_COLUMNS.index(header) + 1)
        return f"{letter}{self.first_row}:{letter}{self.last_row}"


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


def reviewer_choice() -> dict:
    """The drop-down of the Reviewer status column."""
    return {
        "validate": "list",
        "source": layout.REVIEWER_STATUSES,
        "ignore_blank": True,
        "dropdown": True,
        "show_error": True,
        "error_title": "Reviewer status",
        "error_message": "Choose one of: " + ", ".join(layout.REVIEWER_STATUSES) + ". Put anything else in the comment.",
        "show_input": True,
        "input_title": "Reviewer status",
        "input_message": "agree = the tool is right; or the status you find; not applicable = leave out",
    }


def write_contract_sheet(
    sheet: Sheet, audit: DocumentAudit, items: dict[str, Item], reviews: dict[tuple[str, str], Review]
) -> ContractSheet:
    looks = sheet.looks
    label, body = looks(LABEL), looks(BODY)
    tool, reviewer, changed = looks(WRAP, GRID), looks(WRAP, GRID, fill(REVIEWER_FILL)), looks(WRAP, GRID, fill(CHANGED_FILL))
    write_row(sheet, 1, [layout.FILE_LABEL, audit.document], [label, looks(TITLE)])
    write_row(sheet, 2, [layout.HASH_LABEL, audit.sha256], [label, body])
    write_row(sheet, 3, [layout.SUMMARY_LABEL, counts_in_words(audit)], [label, body])
    internal_link(sheet, 4, 1, layout.OVERVIEW, "← Overview", looks(LINK))
    put(sheet, 4, 2, "Fill in the green columns on the right: a re-run of the audit keeps them.", label)

    header_row(sheet, HEADER_ROW, layout.FINDING_COLUMNS, reviewer_from=_REVIEWER_FIRST, widths=layout.FINDING_WIDTHS)
    tool_looks = [tool] * len(layout.TOOL_COLUMNS)
    results = layout.shown_results(audit)
    for row, result in enumerate(results, start=FIRST_ROW):
        review = reviews.get((audit.document, result.item))
        values = _finding(result, items.get(result.item))
        values += list(review.values) if review else [None] * len(layout.REVIEW_COLUMNS)
        marked = changed if review is not None and review.note is not None else reviewer
        write_row(sheet, row, values, tool_looks + [marked] * len(layout.REVIEW_COLUMNS), widths=layout.FINDING_WIDTHS)
    if not results:  # the table keeps one (empty) row for its filter and drop-down
        sheet.cells.set_row(FIRST_ROW - 1, fitted_height((), (), ()))
    placed = ContractSheet.planned(sheet.name, audit)

    status_colours(sheet, placed.column_range(layout.STATUS), ["met", "partial", "missing", "flagged"])
    status_colours(sheet, placed.column_range(layout.REVIEWER_STATUS), layout.REVIEWER_STATUSES)
    sheet.cells.data_validation(placed.column_range(layout.REVIEWER_STATUS), reviewer_choice())

    set_widths(sheet, layout.FINDING_WIDTHS)
    last_column = column_letter(len(layout.FINDING_COLUMNS))
    sheet.cells.freeze_panes(FIRST_ROW - 1, 2)  # header rows and the item's ID and title stay in view
    sheet.cells.autofilter(f"A{HEADER_ROW}:{last_column}{placed.last_row}")
    sheet.cells.print_area(f"A1:{last_column}{placed.last_row}")
    print_setup(sheet, HEADER_ROW, f"gdprcheck · {audit.document}")
    return placed
