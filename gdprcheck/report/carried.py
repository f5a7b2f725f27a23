"""The Carried-over reviews sheet: reviews whose finding row is not in this run, kept word for word.

Its rows are read back by the next run like any review, so a review travels on until it finds its
row again or the reviewer deletes it."""

from __future__ import annotations

from gdprcheck.report import layout
from gdprcheck.report.cells import (
    GRID,
    REVIEWER_FILL,
    WRAP,
    Sheet,
    column_letter,
    fill,
    fitted_height,
    header_row,
    print_setup,
    set_widths,
    write_row,
)
from gdprcheck.report.reviews import Review

HEADER_ROW = 1


def write_carried_sheet(sheet: Sheet, reviews: list[Review]) -> None:
    review_first = layout.CARRIED_COLUMNS.index(layout.REVIEWER_STATUS) + 1
    header_row(sheet, HEADER_ROW, layout.CARRIED_COLUMNS, reviewer_from=review_first, widths=layout.CARRIED_WIDTHS)
    plain, reviewer = sheet.looks(WRAP, GRID), sheet.looks(WRAP, GRID, fill(REVIEWER_FILL))
    looks = [
        reviewer if review_first <= column < review_first + len(layout.REVIEW_COLUMNS) else plain
        for column in range(1, len(layout.CARRIED_COLUMNS) + 1)
    ]
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
        write_row(sheet, row, values, looks, widths=layout.CARRIED_WIDTHS)
    if not reviews:
        sheet.cells.set_row(HEADER_ROW, fitted_height((), (), ()))
    set_widths(sheet, layout.CARRIED_WIDTHS)
    last = HEADER_ROW + max(len(reviews), 1)
    sheet.cells.freeze_panes(HEADER_ROW, 0)
    sheet.cells.autofilter(f"A{HEADER_ROW}:{column_letter(len(layout.CARRIED_COLUMNS))}{last}")
    print_setup(sheet, HEADER_ROW, f"gdprcheck · {layout.CARRIED}")
