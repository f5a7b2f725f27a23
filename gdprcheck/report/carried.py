"""The Carried-over reviews sheet: reviews whose finding row is not in this run, kept word for word.

Its rows are read back by the next run like any review, so a review travels on until it finds its
row again or the reviewer deletes it."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gdprcheck.report import layout
from gdprcheck.report.cells import GRID, REVIEWER_FILL, fit_heights, header_row, print_setup, put, set_widths
from gdprcheck.report.reviews import Review

HEADER_ROW = 1


def write_carried_sheet(sheet: Worksheet, reviews: list[Review]) -> None:
    review_first = layout.CARRIED_COLUMNS.index(layout.REVIEWER_STATUS) + 1
    header_row(sheet, HEADER_ROW, layout.CARRIED_COLUMNS, reviewer_from=review_first)
    for row, review in enumerate(reviews, start=HEADER_ROW + 1):
        values = [
            review.document,
            review.sha256,
            review.item,
            review.title,
            review.tool_status,
            *review.values,
            review.reason,
            review.source,
        ]
        for column, value in enumerate(values, start=1):
            cell = put(sheet, row, column, value, wrap=True)
            cell.border = GRID
            if review_first <= column < review_first + len(layout.REVIEW_COLUMNS):
                cell.fill = REVIEWER_FILL
    set_widths(sheet, layout.CARRIED_WIDTHS)
    last = HEADER_ROW + max(len(reviews), 1)
    fit_heights(sheet, HEADER_ROW, last)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(layout.CARRIED_COLUMNS))}{last}"
    print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}", f"gdprcheck · {layout.CARRIED}")
