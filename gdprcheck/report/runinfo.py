"""The Run info sheet: what produced this report, so that it can be traced months later."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from gdprcheck import __version__
from gdprcheck.checklist import Checklist
from gdprcheck.models import BatchResult
from gdprcheck.report.cells import BODY, LINK, Sheet, header_row, internal_link, print_setup, set_widths, write_row
from gdprcheck.report.contract import ContractSheet
from gdprcheck.report.reviews import Placement

WIDTHS = [30, 70, 22, 60]


@dataclass
class RunInfo:
    written_at: datetime = field(default_factory=lambda: datetime.now().astimezone().replace(microsecond=0))
    options: dict[str, str] = field(default_factory=dict)  # the command's options, as typed or defaulted
    review_sources: list[Path] = field(default_factory=list)  # workbooks whose reviews were carried over
    backup: Path | None = None  # where the previous workbook was kept
    audited_files: dict[str, Path] = field(default_factory=dict)  # document name -> file


def write_run_info(
    sheet: Sheet,
    batch: BatchResult,
    checklist: Checklist,
    run: RunInfo,
    placement: Placement,
    sheets: dict[str, ContractSheet],
) -> None:
    fields: list[tuple[str, object]] = [
        ("Tool", f"gdprcheck {__version__}"),
        ("Report written", run.written_at.isoformat()),
        ("Checklist", f"{checklist.name} (version {checklist.version})"),
        ("Checklist file", checklist.source),
        ("Checklist SHA-256", checklist.sha256),
        ("Checklist SHA-256 covers", "the checklist file and its language files, in the order it lists them"),
        *[(f"Option {name}", value) for name, value in run.options.items()],
        ("Contracts audited", len(batch.audits)),
        ("Files not audited", len(batch.errors)),
        ("Reviews read from", "; ".join(str(p) for p in run.review_sources) or "none (no earlier report, or one without reviews)"),
        (
            "Reviews carried over",
            f"{len(placement.on_rows)} on their rows ({placement.marked} with a carry-over note), "
            f"{len(placement.carried)} in the Carried-over reviews sheet",
        ),
        ("Previous workbook kept as", str(run.backup) if run.backup else "none"),
    ]
    body = sheet.looks(BODY)
    header_row(sheet, 1, ["Field", "Value"])
    for row, (name, value) in enumerate(fields, start=2):
        write_row(sheet, row, [name, value], [body, body])

    files_header = len(fields) + 3
    header_row(sheet, files_header, ["File", "SHA-256", "Sheet", "Path"])
    paths, link = run.audited_files, sheet.looks(LINK)
    for row, audit in enumerate(batch.audits, start=files_header + 1):
        name = sheets[audit.document].name
        write_row(sheet, row, [audit.document, audit.sha256], [body, body])
        internal_link(sheet, row, 3, name, name, link)
        path = str(paths[audit.document]) if audit.document in paths else ""
        write_row(sheet, row, [path], [body], first=4)
    set_widths(sheet, WIDTHS)
    sheet.cells.freeze_panes(1, 0)
    print_setup(sheet, None, "gdprcheck · Run info")
