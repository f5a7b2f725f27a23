"""The Overview sheet: one row per contract with its score, counts and worst gaps in words, a heat map
of contracts x checklist items, how many contracts miss each item, and a chart of those gaps."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook

from gdprcheck.checklist import Item
from gdprcheck.models import BatchResult, DocumentAudit, Status
from gdprcheck.report import layout
from gdprcheck.report.cells import (
    BODY,
    CENTRE,
    FONT_NAME,
    GRID,
    HEADER,
    LABEL,
    LINK,
    WRAP,
    Sheet,
    column_letter,
    fitted_height,
    internal_link,
    print_setup,
    put,
    set_widths,
    status_colours,
    status_fill,
    stored,
    write_row,
)
from gdprcheck.report.contract import ContractSheet
from gdprcheck.report.reviews import Review

COLUMNS = ["Contract", "Language", "Score", "Met", "Partial", "Missing", "Red flags", "Reviewed", "Worst gaps"]
WIDTHS = [30, 9, 7, 6, 7, 8, 7, 9, 44]
HEAT_WIDTH = 7.5
WORST_GAPS_SHOWN = 4
CM = 96 / 2.54  # pixels per centimetre, XlsxWriter's unit for a chart's size
_ROTATED = {**{k: v for k, v in HEADER.items() if k != "text_wrap"}, "rotation": 90, "align": "center", "valign": "bottom"}
_SMALL = {"font_name": FONT_NAME, "font_size": 9}
_RIGHT_LABEL = {**{k: v for k, v in LABEL.items() if k != "valign"}, "align": "right"}


def worst_gaps(audit: DocumentAudit) -> str:
    """The missing items first, then the partial ones, by title: what to raise with the vendor."""
    missing = [r.title for r in audit.items if r.status is Status.MISSING]
    partial = [r.title for r in audit.items if r.status is Status.PARTIAL]
    ranked = [f"{t} (missing)" for t in missing] + [f"{t} (partial)" for t in partial]
    if not ranked:
        return "none"
    shown = "; ".join(ranked[:WORST_GAPS_SHOWN])
    more = len(ranked) - WORST_GAPS_SHOWN
    return shown + (f"; and {more} more" if more > 0 else "")


def write_overview(
    sheet: Sheet,
    book: Workbook,
    batch: BatchResult,
    items: list[Item],
    sheets: dict[str, ContractSheet],
    reviews: dict[tuple[str, str], Review],
) -> None:
    looks, cells = sheet.looks, sheet.cells
    first_heat = len(COLUMNS) + 1
    last_column = first_heat + len(items) - 1
    widths = WIDTHS + [HEAT_WIDTH] * len(items)
    header = [looks(HEADER)] * len(COLUMNS) + [looks(_ROTATED)] * len(items)
    cells.set_row(0, 5.2 * max([len(i.id) for i in items] + [10]))
    write_row(sheet, 1, COLUMNS + [item.id for item in items], header)

    plain, number, score = looks(BODY, GRID), looks(BODY, GRID), looks(BODY, GRID, {"num_format": "0%"})
    link, gaps, heat = looks(LINK, GRID), looks(WRAP, GRID), looks(_SMALL, CENTRE, GRID)
    wrapped = [column == len(COLUMNS) for column in range(1, len(COLUMNS) + 1)]
    reviewed_column = COLUMNS.index("Reviewed") + 1
    for row, audit in enumerate(batch.audits, start=2):
        placed = sheets[audit.document]
        statuses = [r.status for r in audit.items]
        values: list[object] = [
            audit.document,
            audit.language,
            audit.score,
            statuses.count(Status.MET),
            statuses.count(Status.PARTIAL),
            statuses.count(Status.MISSING),
            sum(1 for r in audit.red_flags if r.status is Status.FLAGGED),
            None,
            worst_gaps(audit),
        ]
        cells.set_row(row - 1, fitted_height([stored(v) for v in values], widths, wrapped))
        # the contract's name links to its sheet
        internal_link(sheet, row, 1, placed.name, audit.document, link)
        numbers = [plain, score, number, number, number, number]  # language, score, the counts
        for column, (value, look) in enumerate(zip(values[1:7], numbers, strict=True), start=2):
            put(sheet, row, column, value, look)
        # our own formula, on our own sheet name: counts the reviewer statuses filled in so far; its
        # value as written is that count, for viewers that do not recalculate
        filled = sum(1 for r in layout.shown_results(audit) if _has_status(reviews.get((audit.document, r.item))))
        reviewed = f"=COUNTA('{placed.name}'!{placed.column_range(layout.REVIEWER_STATUS)})"
        cells.write_formula(row - 1, reviewed_column - 1, reviewed, plain, filled)
        put(sheet, row, len(COLUMNS), values[-1], gaps)
        by_item = {r.item: r.status.value for r in audit.items}
        for offset, item in enumerate(items):
            put(sheet, row, first_heat + offset, by_item.get(item.id, ""), heat)
    last_row = max(len(batch.audits), 1) + 1
    if not batch.audits:
        cells.set_row(1, fitted_height((), (), ()))
    if batch.audits:
        heat_range = f"{column_letter(first_heat)}2:{column_letter(last_column)}{last_row}"
        status_colours(sheet, heat_range, ["met", "partial", "missing"])

    # per item: in how many contracts it is missing or partial (the chart's data)
    totals = last_row + 1
    right, count = looks(_RIGHT_LABEL), looks(_SMALL, CENTRE, GRID, {"bold": True})
    for offset, status in enumerate(("missing", "partial")):
        row = totals + offset
        put(sheet, row, first_heat - 1, f"Contracts where the item is {status} →", right)
        for column, item in enumerate(items, start=first_heat):
            found = sum(1 for a in batch.audits for r in a.items if r.item == item.id and r.status.value == status)
            put(sheet, row, column, found, count)

    legend = totals + 3
    put(sheet, legend, 1, "Legend", looks(LABEL))
    for column, status in enumerate(("met", "partial", "missing", "flagged"), start=2):
        put(sheet, legend, column, status, looks(BODY, status_fill(status), CENTRE, GRID))
    note = (
        "Statuses are the tool's. Click a contract to open its sheet, where the reviewer's decisions and "
        "comments go; 'Reviewed' counts the reviewer statuses filled in there."
    )
    put(sheet, legend + 1, 1, note, looks(BODY, {"italic": True, "font_color": "#595959"}))

    if batch.audits and items:
        _gaps_chart(sheet, book, items, first_heat, totals, legend + 3)

    set_widths(sheet, widths)
    cells.freeze_panes(1, 1)
    cells.autofilter(f"A1:{column_letter(last_column)}{last_row}")
    print_setup(sheet, 1, "gdprcheck · Overview")


def _has_status(review: Review | None) -> bool:
    return review is not None and stored(review.status) is not None


def _gaps_chart(sheet: Sheet, book: Workbook, items: list[Item], first_heat: int, totals: int, anchor_row: int) -> None:
    chart = book.add_chart({"type": "bar", "subtype": "stacked"})
    first, last = column_letter(first_heat), column_letter(first_heat + len(items) - 1)
    for offset, (name, colour) in enumerate((("missing", "#E06666"), ("partial", "#F1C232"))):
        row = totals + offset
        chart.add_series(
            {
                "name": name,
                "categories": f"='{sheet.name}'!${first}$1:${last}$1",
                "values": f"='{sheet.name}'!${first}${row}:${last}${row}",
                "fill": {"color": colour},
                "border": {"color": colour},
                "overlap": 100,
            }
        )
    chart.set_title({"name": "Gaps per checklist item across the batch (number of contracts)"})
    # in a bar chart XlsxWriter's x axis is the horizontal one: the number of contracts
    chart.set_x_axis({"name": "contracts", "major_unit": 1, "num_format": "0", "major_gridlines": {"visible": False}})
    # first checklist item at the top, and the count axis kept at the bottom
    chart.set_y_axis({"reverse": True, "crossing": "max"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": round(22 * CM), "height": round((3 + 0.55 * len(items)) * CM)})
    sheet.cells.insert_chart(f"A{anchor_row}", chart)
