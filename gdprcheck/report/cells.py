"""Writing cells safely and styling them: the only place that puts values into the workbook.

Contract text is untrusted: a quote such as `=HYPERLINK(...)` must stay text, and characters the
xlsx format cannot hold are removed instead of crashing the run.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

MAX_CELL_TEXT = 32_767  # what one spreadsheet cell can hold

STATUS_COLOURS = {
    "met": "C6EFCE",
    "partial": "FFEB9C",
    "missing": "FFC7CE",
    "flagged": "F4B084",
    "agree": "E2EFDA",
    "not applicable": "D9D9D9",
}
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
REVIEWER_HEADER_FILL = PatternFill("solid", fgColor="375623")
REVIEWER_FILL = PatternFill("solid", fgColor="FFFBEA")
CHANGED_FILL = PatternFill("solid", fgColor="F8CBAD")
FONT_NAME = "Arial"  # everywhere, and metric-compatible with LibreOffice's Liberation Sans
BODY_SIZE = 10


def font(size: float = BODY_SIZE, **style) -> Font:
    return Font(name=FONT_NAME, size=size, **style)


HEADER_FONT = font(bold=True, color="FFFFFF")
BODY_FONT = font()
TITLE_FONT = font(13, bold=True)
LABEL_FONT = font(bold=True, color="595959")
LINK_FONT = font(color="0563C1", underline="single")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def fill_for(status: str) -> PatternFill:
    return PatternFill("solid", fgColor=STATUS_COLOURS[status], bgColor=STATUS_COLOURS[status])


def safe_text(value: str) -> str:
    """Characters an xlsx cell cannot hold are dropped; over-long text is cut with a mark."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "…"
    return text


def put(sheet: Worksheet, row: int, column: int, value: object, *, wrap: bool = False) -> Cell:
    """Write one value. Text is always stored as text, never as a formula, whatever it starts with."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str) and not safe_text(value):
        cell.value = None  # an empty string would be an (invalid) empty inline-string cell
    elif isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"  # openpyxl would store "=..." as a formula; force a plain string
    elif isinstance(value, (int, float, datetime, date)) or value is None:
        cell.value = value
        if isinstance(value, (datetime, date)):
            cell.number_format = "yyyy-mm-dd"
    else:  # anything else a reviewer's cell held (a time, a boolean...) is kept as its text
        cell.value = safe_text(str(value))
        cell.data_type = "s"
    cell.alignment = WRAP if wrap else TOP
    cell.font = BODY_FONT
    return cell


def header_row(sheet: Worksheet, row: int, headers: list[str], *, reviewer_from: int | None = None) -> None:
    """Column headers; the reviewer's columns (from a 1-based column on) get their own colour."""
    for column, header in enumerate(headers, start=1):
        cell = put(sheet, row, column, header, wrap=True)
        reviewer = reviewer_from is not None and column >= reviewer_from
        cell.fill = REVIEWER_HEADER_FILL if reviewer else HEADER_FILL
        cell.font = HEADER_FONT
        cell.border = GRID


def set_widths(sheet: Worksheet, widths: list[float], first: int = 1) -> None:
    for offset, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(first + offset)].width = width


def _lines(value: object, width: float) -> int:
    """Lines a wrapped value takes in a column: an estimate, generous rather than tight."""
    if value is None:
        return 1
    per_line = max(width * 1.45 - 2, 1)  # characters of 10-point Arial per line of a column this wide
    return sum(max(math.ceil(len(part) / per_line), 1) for part in str(value).split("\n"))


def fit_heights(sheet: Worksheet, first: int, last: int, size: float = BODY_SIZE) -> None:
    """Give each row the height its wrapped text needs. Neither LibreOffice nor every Excel
    recomputes heights for rows written by a program, and a cut-off quote helps nobody."""
    line = size * 1.35
    for row in range(first, last + 1):
        lines = 1
        for cell in sheet[row]:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            letter = cell.column_letter
            width = sheet.column_dimensions[letter].width if letter in sheet.column_dimensions else 8.43
            lines = max(lines, _lines(cell.value, width or 8.43))
        sheet.row_dimensions[row].height = min(lines * line + 3, 409)


def status_colours(sheet: Worksheet, cell_range: str, statuses: list[str]) -> None:
    """Colour cells by the status word they hold; stays right when a reviewer changes the word."""
    for status in statuses:
        sheet.conditional_formatting.add(cell_range, CellIsRule(operator="equal", formula=[f'"{status}"'], fill=fill_for(status)))


def print_setup(sheet: Worksheet, title_rows: str | None, header_text: str) -> None:
    """Landscape A4, fitted to the page width, header row repeated on every printed page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    if title_rows:
        sheet.print_title_rows = title_rows
    # '&' starts a control code in page headers: a file name such as "A&B.pdf" is escaped
    sheet.oddHeader.left.text = safe_text(header_text).replace("&", "&&")
    sheet.oddHeader.left.size = 9
    sheet.oddFooter.right.text = "Page &P of &N"
    sheet.oddFooter.right.size = 9
