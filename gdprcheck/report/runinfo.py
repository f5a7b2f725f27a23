"""The Run info sheet: what produced this report, so that it can be traced months later."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl.worksheet.worksheet import Worksheet

from gdprcheck import __version__
from gdprcheck.checklist import Checklist
from gdprcheck.models import BatchResult
from gdprcheck.report.cells import LINK_FONT, header_row, print_setup, put, set_widths
from gdprcheck.report.contract import ContractSheet, link_to
from gdprcheck.report.reviews import Placement


@dataclass
class RunInfo:
    written_at: datetime = field(default_factory=lambda: datetime.now().astimezone().replace(microsecond=0))
    options: dict[str, str] = field(default_factory=dict)  # the command's options, as typed or defaulted
    review_sources: list[Path] = field(default_factory=list)  # workbooks whose reviews were carried over
    backup: Path | None = None  # where the previous workbook was kept
    audited_files: dict[str, Path] = field(default_factory=dict)  # document name -> file


def write_run_info(
    sheet: Worksheet,
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
        ("Reviews read from", "; ".join(str(p) for p in run.review_sources) or "none (no earlier report)"),
        (
            "Reviews carried over",
            f"{len(placement.on_rows)} on their rows ({placement.marked} with a carry-over note), "
            f"{len(placement.carried)} in the Carried-over reviews sheet",
        ),
        ("Previous workbook kept as", str(run.backup) if run.backup else "none"),
    ]
    header_row(sheet, 1, ["Field", "Value"])
    for row, (name, value) in enumerate(fields, start=2):
        put(sheet, row, 1, name)
        put(sheet, row, 2, value)

    files_header = len(fields) + 3
    header_row(sheet, files_header, ["File", "SHA-256", "Sheet", "Path"])
    paths = run.audited_files
    for row, audit in enumerate(batch.audits, start=files_header + 1):
        put(sheet, row, 1, audit.document)
        put(sheet, row, 2, audit.sha256)
        name = sheets[audit.document].name
        link = put(sheet, row, 3, name)
        link.hyperlink, link.font = link_to(name), LINK_FONT
        put(sheet, row, 4, str(paths[audit.document]) if audit.document in paths else "")
    set_widths(sheet, [30, 70, 22, 60])
    sheet.freeze_panes = "A2"
    print_setup(sheet, None, "gdprcheck · Run info")
