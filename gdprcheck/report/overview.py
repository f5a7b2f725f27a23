"""The Overview sheet: one row per contract with its score, counts and worst gaps in words, a heat map
of contracts x checklist items, how many contracts miss each item, and a chart of those gaps."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gdprcheck.checklist import Item
from gdprcheck.models import BatchResult, DocumentAudit, Status
from gdprcheck.report import layout
from gdprcheck.report.cells import (
    GRID,
    LABEL_FONT,
    LINK_FONT,
    fill_for,
    fit_heights,
    font,
    header_row,
    print_setup,
    put,
    set_widths,
    status_colours,
)
from gdprcheck.report.contract import ContractSheet, link_to

COLUMNS = ["Contract", "Language", "Score", "Met", "Partial", "Missing", "Red flags", "Reviewed", "Worst gaps"]
WIDTHS = [30, 9, 7, 6, 7, 8, 7, 9, 44]
HEAT_WIDTH = 7.5
WORST_GAPS_SHOWN = 4
_ROTATED = Alignment(text_rotation=90, horizontal="center", vertical="bottom")
_CENTRE = Alignment(horizontal="center", vertical="center")


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


def write_overview(sheet: Worksheet, batch: BatchResult, items: list[Item], sheets: dict[str, ContractSheet]) -> None:
    first_heat = len(COLUMNS) + 1
    last_column = first_heat + len(items) - 1
    header_row(sheet, 1, COLUMNS + [item.id for item in items])
    for column in range(first_heat, last_column + 1):
        sheet.cell(row=1, column=column).alignment = _ROTATED
    sheet.row_dimensions[1].height = 5.2 * max([len(i.id) for i in items] + [10])

    for row, audit in enumerate(batch.audits, start=2):
        placed = sheets[audit.document]
        statuses = [r.status for r in audit.items]
        reviewed = f"=COUNTA('{placed.name}'!{placed.column_range(layout.REVIEWER_STATUS)})"
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
        for column, value in enumerate(values, start=1):
            put(sheet, row, column, value, wrap=column == len(COLUMNS)).border = GRID
        # our own formula, on our own sheet name: counts the reviewer statuses filled in so far
        sheet.cell(row=row, column=COLUMNS.index("Reviewed") + 1, value=reviewed)
        sheet.cell(row=row, column=3).number_format = "0%"
        link = sheet.cell(row=row, column=1)
        link.hyperlink = link_to(placed.name)
        link.font = LINK_FONT
        by_item = {r.item: r.status.value for r in audit.items}
        for offset, item in enumerate(items):
            cell = put(sheet, row, first_heat + offset, by_item.get(item.id, ""))
            cell.alignment, cell.border, cell.font = _CENTRE, GRID, font(9)
    last_row = max(len(batch.audits), 1) + 1
    if batch.audits:
        heat = f"{get_column_letter(first_heat)}2:{get_column_letter(last_column)}{last_row}"
        status_colours(sheet, heat, ["met", "partial", "missing"])

    # per item: in how many contracts it is missing or partial (the chart's data)
    totals = last_row + 1
    for offset, status in enumerate(("missing", "partial")):
        row = totals + offset
        put(sheet, row, first_heat - 1, f"Contracts where the item is {status} →").font = LABEL_FONT
        sheet.cell(row=row, column=first_heat - 1).alignment = Alignment(horizontal="right")
        for column, item in enumerate(items, start=first_heat):
            count = sum(1 for a in batch.audits for r in a.items if r.item == item.id and r.status.value == status)
            cell = put(sheet, row, column, count)
            cell.alignment, cell.border, cell.font = _CENTRE, GRID, font(9, bold=True)

    legend = totals + 3
    put(sheet, legend, 1, "Legend").font = LABEL_FONT
    for column, status in enumerate(("met", "partial", "missing", "flagged"), start=2):
        cell = put(sheet, legend, column, status)
        cell.fill, cell.alignment, cell.border = fill_for(status), _CENTRE, GRID
    put(
        sheet,
        legend + 1,
        1,
        (
            "Statuses are the tool's. Click a contract to open its sheet, where the reviewer's decisions and "
            "comments go; 'Reviewed' counts the reviewer statuses filled in there."
        ),
        wrap=False,
    ).font = font(italic=True, color="595959")

    if batch.audits and items:
        _gaps_chart(sheet, items, first_heat, totals, legend + 3)

    set_widths(sheet, WIDTHS)
    set_widths(sheet, [HEAT_WIDTH] * len(items), first=first_heat)
    fit_heights(sheet, 2, last_row)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(last_column)}{last_row}"
    print_setup(sheet, "1:1", "gdprcheck · Overview")


def _gaps_chart(sheet: Worksheet, items: list[Item], first_heat: int, totals: int, anchor_row: int) -> None:
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Gaps per checklist item across the batch (number of contracts)"
    last_heat = first_heat + len(items) - 1
    data = Reference(sheet, min_col=first_heat, max_col=last_heat, min_row=totals, max_row=totals + 1)
    chart.add_data(data, from_rows=True, titles_from_data=False)
    chart.set_categories(Reference(sheet, min_col=first_heat, max_col=last_heat, min_row=1, max_row=1))
    for series, name, colour in zip(chart.series, ("missing", "partial"), ("E06666", "F1C232"), strict=False):
        series.tx = SeriesLabel(v=name)
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.majorGridlines = None
    chart.y_axis.title = "contracts"
    chart.y_axis.majorUnit = 1
    chart.y_axis.number_format = "0"
    chart.y_axis.crosses = "max"  # with the items top-down, keep the count axis at the bottom
    chart.x_axis.scaling.orientation = "maxMin"  # first checklist item at the top
    chart.legend.position = "b"
    chart.height = 3 + 0.55 * len(items)
    chart.width = 22
    sheet.add_chart(chart, f"A{anchor_row}")
