"""The Excel gap workbook, assembled: Overview, one sheet per contract, Carried-over reviews, Errors,
Run info. Each sheet's layout lives in its own module; this one orders them and saves."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from gdprcheck.checklist import Checklist
from gdprcheck.models import BatchResult
from gdprcheck.report import layout
from gdprcheck.report.carried import write_carried_sheet
from gdprcheck.report.cells import fit_heights, header_row, print_setup, put, set_widths
from gdprcheck.report.contract import ContractSheet, write_contract_sheet
from gdprcheck.report.overview import write_overview
from gdprcheck.report.reviews import Placement
from gdprcheck.report.runinfo import RunInfo, write_run_info
from gdprcheck.report.sheetnames import SheetNamer


def _errors_sheet(sheet: Worksheet, batch: BatchResult) -> None:
    header_row(sheet, 1, ["Document", "Problem"])
    for row, error in enumerate(batch.errors, start=2):
        put(sheet, row, 1, error.document, wrap=True)
        put(sheet, row, 2, error.problem, wrap=True)
    set_widths(sheet, [40, 90])
    fit_heights(sheet, 2, len(batch.errors) + 1)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:B{max(len(batch.errors), 1) + 1}"
    print_setup(sheet, "1:1", "gdprcheck · Errors")


def write_workbook(
    batch: BatchResult, checklist: Checklist, path: Path, placement: Placement | None = None, run: RunInfo | None = None
) -> None:
    placement = placement or Placement()
    run = run or RunInfo()
    book = Workbook()
    overview = book.active
    overview.title = layout.OVERVIEW
    items = {item.id: item for item in checklist.items}
    namer = SheetNamer(layout.FIXED_SHEETS)
    sheets: dict[str, ContractSheet] = {}
    for audit in batch.audits:
        sheet = book.create_sheet(namer.name_for(audit.document))
        sheets[audit.document] = write_contract_sheet(sheet, audit, items, placement.on_rows)
    write_overview(overview, batch, checklist.checklist_items, sheets)
    write_carried_sheet(book.create_sheet(layout.CARRIED), placement.carried)
    _errors_sheet(book.create_sheet(layout.ERRORS), batch)
    write_run_info(book.create_sheet(layout.RUN_INFO), batch, checklist, run, placement, sheets)
    book.calculation.fullCalcOnLoad = True  # the overview's review counts are formulas
    book.save(path)
