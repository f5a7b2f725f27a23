"""Write the batch's reports: the Excel gap workbook and results.csv beside it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from gdprcheck.checklist import Checklist
from gdprcheck.models import BatchResult
from gdprcheck.report.csv import write_results_csv
from gdprcheck.report.excel import write_workbook

WORKBOOK_NAME = "gdprcheck-report.xlsx"
CSV_NAME = "results.csv"


def write_reports(batch: BatchResult, checklist: Checklist, out: Path, audited_files: list[Path] | None = None) -> list[Path]:
    """Write both reports atomically; an existing workbook (perhaps annotated by a reviewer) is kept
    as a timestamped backup, never overwritten."""
    out.mkdir(parents=True, exist_ok=True)
    workbook = out / WORKBOOK_NAME
    if workbook.exists():
        shutil.copy2(workbook, _backup_path(workbook))
    _atomic_write(workbook, lambda path: write_workbook(batch, checklist, path))
    csv_path = out / CSV_NAME
    _atomic_write(csv_path, lambda path: write_results_csv(batch, path))
    return [workbook, csv_path]


def _backup_path(workbook: Path) -> Path:
    """A new, unused name for the backup: two runs in the same second never share one."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = workbook.with_name(f"{workbook.stem}.{stamp}.bak.xlsx")
    counter = 2
    while candidate.exists():
        candidate = workbook.with_name(f"{workbook.stem}.{stamp}-{counter}.bak.xlsx")
        counter += 1
    return candidate


def _atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary file in the same folder, then rename over the target in one step."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
