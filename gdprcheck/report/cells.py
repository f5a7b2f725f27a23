"""Writing cells safely and styling them: the only place that puts values into the workbook.

Contract text is untrusted: a quote such as `=HYPERLINK(...)` must stay text, and characters the
xlsx format cannot hold are removed instead of crashing the run.

The workbook is written by XlsxWriter in constant-memory mode: each row goes to disk as soon as the
next one starts, so a sheet is written top to bottom, one row at a time, its height known before
its cells. Every look is one shared Format, made once per workbook (`Looks`), never a style object
per cell. Rows and columns are numbered here as the workbook shows them, from 1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

MAX_CELL_TEXT = 32_767  # what one spreadsheet cell can hold
MAX_HEADER_TEXT = 255  # what Excel accepts in a printed page header, in UTF-16 units
DEFAULT_WIDTH = 8.43  # Excel's width of a column nobody sized

# the characters XML 1.0 cannot carry (tab, line feed and carriage return can)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

STATUS_COLOURS = {
    "met": "C6EFCE",
    "partial": "FFEB9C",
    "missing": "FFC7CE",
    "flagged": "F4B084",
    "agree": "E2EFDA",
    "not applicable": "D9D9D9",
}
HEADER_FILL = "1F4E78"
REVIEWER_HEADER_FILL = "375623"
REVIEWER_FILL = "FFFBEA"
CHANGED_FILL = "F8CBAD"
FONT_NAME = "Arial"  # everywhere, and metric-compatible with LibreOffice's Liberation Sans
BODY_SIZE = 10
LINE_HEIGHT = BODY_SIZE * 1.35
MAX_ROW_HEIGHT = 409  # points, Excel's limit

# looks: XlsxWriter format properties; Looks(A, B, ...) merges them into one shared Format
BODY = {"font_name": FONT_NAME, "font_size": BODY_SIZE, "valign": "top"}
WRAP = {**BODY, "text_wrap": True}
GRID = {"border": 1, "border_color": "#BFBFBF"}
LABEL = {**BODY, "bold": True, "font_color": "#595959"}
TITLE = {**BODY, "font_size": 13, "bold": True}
LINK = {**BODY, "font_color": "#0563C1", "underline": 1}
CENTRE = {"align": "center", "valign": "vcenter"}
HEADER = {**WRAP, **GRID, "bold": True, "font_color": "#FFFFFF", "pattern": 1, "bg_color": f"#{HEADER_FILL}"}
REVIEWER_HEADER = {**HEADER, "bg_color": f"#{REVIEWER_HEADER_FILL}"}
DATE_FORMAT = "yyyy-mm-dd"


def fill(colour: str) -> dict:
    """A solid background, as a look to combine with others."""
    return {"pattern": 1, "bg_color": f"#{colour}"}


def status_fill(status: str) -> dict:
    return fill(STATUS_COLOURS[status])


class Looks:
    """One Format per distinct look in a workbook: what Excel calls a cell style, shared by every
    cell that has it. Assigning styles cell by cell (openpyxl) cost most of a large report's time."""

    def __init__(self, book: Workbook):
        self._book = book
        self._made: dict[tuple, Format] = {}
        self._looks: dict[Format, dict] = {}
        self._dated: dict[Format, Format] = {}

    def __call__(self, *parts: dict) -> Format:
        look: dict = {}
        for part in parts:
            look.update(part)
        key = tuple(sorted(look.items()))
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._book.add_format(look)
            self._looks[made] = look
        return made

    def dated(self, look: Format) -> Format:
        """The same look for a date (made when a date first needs it)."""
        variant = self._dated.get(look)
        if variant is None:
            variant = self._dated[look] = self(self._looks.get(look, {}), {"num_format": DATE_FORMAT})
        return variant


@dataclass
class Sheet:
    """A worksheet being written, with the workbook's shared looks and the name it has in the tabs."""

    cells: Worksheet
    looks: Looks
    name: str


def safe_text(value: str) -> str:
    """Characters an xlsx cell cannot hold are dropped; over-long text is cut with a mark."""
    text = _ILLEGAL.sub("", value)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "…"
    return text


def stored(value: object) -> object:
    """What a cell holds for a value: text made safe (None when nothing is left), numbers and dates
    as they are, anything else a reviewer's cell held (a time, a duration...) as its text."""
    if isinstance(value, str):
        return safe_text(value) or None  # an empty string would be an (invalid) empty text cell
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # a spreadsheet has no NaN or infinity
    if value is None or isinstance(value, (int, float, datetime, date)):
        return value
    return safe_text(str(value)) or None


def put(sheet: Sheet, row: int, column: int, value: object, look: Format) -> None:
    """Write one value. Text is always stored as text, never as a formula, whatever it starts with."""
    _write(sheet, row - 1, column - 1, stored(value), look)


def _write(sheet: Sheet, row: int, column: int, value: object, look: Format) -> None:
    """Write a value already made safe by `stored`, at a 0-based row and column."""
    cells = sheet.cells
    if value is None:
        cells.write_blank(row, column, None, look)
    elif isinstance(value, str) and value.startswith("<r>") and value.endswith("</r>"):
        # XlsxWriter's constant-memory mode writes such a string into the file as XML, unescaped
        # (it takes it for rich text it built itself): contract text must never become markup.
        # As three runs of text in the cell's own font, it is escaped like any other text.
        cells.write_rich_string(row, column, value[0], look, value[1], look, value[2:], look)
    elif isinstance(value, str):
        cells.write_string(row, column, value, look)
    elif isinstance(value, bool):
        cells.write_boolean(row, column, value, look)
    elif isinstance(value, (datetime, date)):
        cells.write_datetime(row, column, value, sheet.looks.dated(look))
    else:
        cells.write_number(row, column, value, look)


def _lines(value: object, width: float) -> int:
    """Lines a wrapped value takes in a column: an estimate, generous rather than tight."""
    per_line = max(width * 1.45 - 2, 1)  # characters of 10-point Arial per line of a column this wide
    return sum(max(math.ceil(len(part) / per_line), 1) for part in str(value).split("\n"))


def fitted_height(values: Sequence[object], widths: Sequence[float], wrapped: Sequence[bool]) -> float:
    """The height a row needs for its wrapped text (values as `stored` makes them). Neither
    LibreOffice nor every Excel recomputes heights for rows written by a program, and a cut-off
    quote helps nobody."""
    lines = 1
    for value, width, wrap in zip(values, widths, wrapped, strict=False):
        if wrap and value is not None:
            lines = max(lines, _lines(value, width or DEFAULT_WIDTH))
    return min(lines * LINE_HEIGHT + 3, MAX_ROW_HEIGHT)


def write_row(
    sheet: Sheet,
    row: int,
    values: Sequence[object],
    looks: Sequence[Format],
    *,
    widths: Sequence[float] | None = None,
    wrapped: Sequence[bool] | None = None,
    first: int = 1,
) -> None:
    """One row of cells from column `first` on. With `widths` (of those columns), the row gets the
    height its wrapped cells need: every cell wraps unless `wrapped` says which do."""
    values = [stored(value) for value in values]
    if widths is not None:
        wrap = wrapped if wrapped is not None else [True] * len(values)
        sheet.cells.set_row(row - 1, fitted_height(values, widths, wrap))
    for offset, (value, look) in enumerate(zip(values, looks, strict=True)):
        _write(sheet, row - 1, first + offset - 1, value, look)


def header_row(
    sheet: Sheet,
    row: int,
    headers: Sequence[str],
    *,
    reviewer_from: int | None = None,
    widths: Sequence[float] | None = None,
) -> None:
    """Column headers; the reviewer's columns (from a 1-based column on) get their own colour.
    With `widths`, the row is as high as its wrapped headers need."""
    header, reviewer = sheet.looks(HEADER), sheet.looks(REVIEWER_HEADER)
    looks = [
        reviewer if reviewer_from is not None and column >= reviewer_from else header for column in range(1, len(headers) + 1)
    ]
    write_row(sheet, row, headers, looks, widths=widths)


def set_widths(sheet: Sheet, widths: Sequence[float], first: int = 1) -> None:
    for offset, width in enumerate(widths):
        sheet.cells.set_column(first + offset - 1, first + offset - 1, width)


def column_letter(column: int) -> str:
    """A, B, ..., Z, AA, ... for a 1-based column number (XlsxWriter counts columns from 0)."""
    return xl_col_to_name(column - 1)


def status_colours(sheet: Sheet, cell_range: str, statuses: Sequence[str]) -> None:
    """Colour cells by the status word they hold; stays right when a reviewer changes the word."""
    for status in statuses:
        rule = {"type": "cell", "criteria": "equal to", "value": f'"{status}"', "format": sheet.looks(status_fill(status))}
        sheet.cells.conditional_format(cell_range, rule)


def internal_link(sheet: Sheet, row: int, column: int, target: str, text: str, look: Format) -> None:
    """A link to cell A1 of another sheet of this workbook, with the sheet's name as its tooltip."""
    sheet.cells.write_url(row - 1, column - 1, f"internal:'{target}'!A1", look, safe_text(text), f"Open the sheet {target}")


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def page_header(text: str) -> str:
    """The printed page header: on the left, 9 points; '&' doubled (it starts a control code), and
    cut to what Excel accepts (a longer one makes XlsxWriter drop it)."""
    prefix = "&L&9 "
    text = safe_text(text)
    if _utf16_units(prefix + text.replace("&", "&&")) <= MAX_HEADER_TEXT:
        return prefix + text.replace("&", "&&")
    while _utf16_units(prefix + text.replace("&", "&&") + "…") > MAX_HEADER_TEXT:
        text = text[:-1]
    return prefix + text.replace("&", "&&") + "…"


def print_setup(sheet: Sheet, title_row: int | None, header_text: str) -> None:
    """Landscape A4, fitted to the page width, header row repeated on every printed page."""
    cells = sheet.cells
    cells.set_landscape()
    cells.set_paper(9)  # A4
    cells.fit_to_pages(1, 0)
    cells.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.75)
    if title_row is not None:
        cells.repeat_rows(title_row - 1)
    cells.set_header(page_header(header_text), {"margin": 0.3})
    cells.set_footer("&R&9 Page &P of &N", {"margin": 0.3})


def finish(sheet: Sheet) -> None:
    """Close the sheet's temporary file: XlsxWriter keeps one open per sheet until the workbook is
    saved, and a batch of a few hundred contracts would exceed the open-file limit of macOS (256)
    or Windows (512). This is the facility its author points to for that (XlsxWriter issue #58);
    the file is reopened when the workbook is assembled."""
    sheet.cells._opt_close()
