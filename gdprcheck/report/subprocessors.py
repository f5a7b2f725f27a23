"""The sub-processor register (issue 13), from one list of rows: subprocessors.csv (one row per
(document, sub-processor), for machines), and the workbook's Sub-processors sheet (the same rows,
each document a link to its sheet) and Sub-processor portfolio (per entity: how many vendors name it,
where, in which contracts). Countries are ISO 3166 alpha-2 codes or EU/EEA joined by ';'; findings
(what the approved list says of the sub-processor) joined by '; '."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from gdprcheck.models import BatchResult
from gdprcheck.report import layout
from gdprcheck.report.csv import spreadsheet_safe
from gdprcheck.report.cells import (
    GRID,
    LINK,
    WRAP,
    Sheet,
    column_letter,
    header_row,
    internal_link,
    print_setup,
    set_widths,
    write_row,
)

COLUMNS = ["document", "name", "country", "service", "mechanism", "evidence", "clause", "findings"]


def subprocessor_rows(batch: BatchResult) -> list[dict[str, str]]:
    return [
        {
            "document": audit.document,
            "name": found.name,
            "country": ";".join(found.countries),
            "service": found.service,
            "mechanism": found.mechanism,
            "evidence": found.evidence,
            "clause": found.clause,
            "findings": "; ".join(found.findings),
            "entity": found.entity or found.name,
            "found_in": found.found_in,
        }
        for audit in batch.audits
        for found in audit.subprocessors
    ]


def write_subprocessors_csv(batch: BatchResult, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator=os.linesep, extrasaction="ignore")
        writer.writeheader()
        for row in subprocessor_rows(batch):  # formula-shaped text never computed (see csv.py)
            writer.writerow({name: spreadsheet_safe(value) if isinstance(value, str) else value for name, value in row.items()})


def portfolio(rows: list[dict[str, str]]) -> list[dict[str, object]]:
    """Per entity of the register: the vendors (contracts) naming it, the places stated, the rows
    with findings; the most used first."""
    entities: dict[str, dict[str, object]] = {}
    for row in rows:
        entry = entities.setdefault(row["entity"], {"entity": row["entity"], "contracts": {}, "countries": set(), "findings": 0})
        entry["contracts"][row["document"]] = None
        entry["countries"].update(code for code in row["country"].split(";") if code)
        entry["findings"] += bool(row["findings"])
    ranked = sorted(entities.values(), key=lambda e: (-len(e["contracts"]), str(e["entity"]).casefold()))
    return [
        {
            "entity": entry["entity"],
            "vendors": len(entry["contracts"]),
            "countries": ";".join(sorted(entry["countries"])),
            "contracts": "; ".join(entry["contracts"]),
            "findings": entry["findings"],
        }
        for entry in ranked
    ]


def _table_views(sheet: Sheet, columns: list[str], rows: int) -> None:
    last = 1 + max(rows, 1)
    sheet.cells.freeze_panes(1, 0)
    sheet.cells.autofilter(f"A1:{column_letter(len(columns))}{last}")


def write_subprocessor_sheet(sheet: Sheet, rows: list[dict[str, str]], sheet_names: dict[str, str]) -> None:
    """One row per (contract, sub-processor), the contract a link to its sheet."""
    widths = layout.SUBPROCESSOR_WIDTHS
    header_row(sheet, 1, layout.SUBPROCESSOR_COLUMNS, widths=widths)
    plain, link = sheet.looks(WRAP, GRID), sheet.looks(LINK, GRID)
    fields = ["name", "entity", "country", "service", "mechanism", "findings", "evidence", "clause", "found_in"]
    for number, row in enumerate(rows, start=2):
        write_row(sheet, number, [row["document"], *(row[f] for f in fields)], [plain] * (len(fields) + 1), widths=widths)
        if row["document"] in sheet_names:  # written over the plain cell: the same text, as a link
            internal_link(sheet, number, 1, sheet_names[row["document"]], row["document"], link)
    set_widths(sheet, widths)
    _table_views(sheet, layout.SUBPROCESSOR_COLUMNS, len(rows))
    print_setup(sheet, 1, f"gdprcheck · {layout.SUBPROCESSORS}")


def write_portfolio_sheet(sheet: Sheet, rows: list[dict[str, str]]) -> None:
    """Per entity, the most used first: concentration at a glance ("which of our vendors use this US cloud?")."""
    widths = layout.PORTFOLIO_WIDTHS
    header_row(sheet, 1, layout.PORTFOLIO_COLUMNS, widths=widths)
    plain = sheet.looks(WRAP, GRID)
    entries = portfolio(rows)
    for number, entry in enumerate(entries, start=2):
        values = [entry["entity"], entry["vendors"], entry["countries"], entry["contracts"], entry["findings"]]
        write_row(sheet, number, values, [plain] * len(values), widths=widths)
    set_widths(sheet, widths)
    _table_views(sheet, layout.PORTFOLIO_COLUMNS, len(entries))
    print_setup(sheet, 1, f"gdprcheck · {layout.PORTFOLIO}")
