"""Write the batch's reports: the Excel gap workbook and results.csv beside it.

A re-run never costs the reviewer their work: the reviews in the previous workbook (and in a named
baseline) are carried over to the new one, the previous workbook is kept as a timestamped backup,
and every file is written to a temporary name first and renamed into place in one step. Beside the
new workbook goes the record of the reviews it holds (record.py): the next run takes them from there
when the workbook is still byte for byte the one written, instead of parsing it, and leaves the
report as it is when it would write the same again.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from gdprcheck.checklist import Checklist
from gdprcheck.models import BatchResult
from gdprcheck.report import record
from gdprcheck.report.csv import write_results_csv
from gdprcheck.report.excel import sheet_names, write_workbook
from gdprcheck.report.reviews import Placement, Review, ReviewError, place_reviews, read_reviews
from gdprcheck.report.runinfo import RunInfo
from gdprcheck.report.subprocessors import write_subprocessors_csv

WORKBOOK_NAME = "gdprcheck-report.xlsx"
CSV_NAME = "results.csv"
SUBPROCESSORS_CSV_NAME = record.SUBPROCESSORS_CSV

log = logging.getLogger(__name__)

__all__ = ["CSV_NAME", "WORKBOOK_NAME", "ReviewError", "check_baseline", "write_reports", "write_workbook"]


def check_baseline(path: Path) -> int:
    """The number of reviews in a baseline workbook; ReviewError when it cannot be read."""
    return len(read_reviews(path))


def write_reports(
    batch: BatchResult,
    checklist: Checklist,
    out: Path,
    audited_files: dict[str, Path] | None = None,  # document name -> the file audited
    *,
    baseline: Path | None = None,
    options: dict[str, str] | None = None,
) -> list[Path]:
    """Write the workbook, results.csv and subprocessors.csv into `out`; returns the files written,
    the backup last.

    Nothing is written, and nothing returned, when the two files in `out` are still byte for byte
    those written for the same results, reviews, checklist and options: the report would be the same
    but for its date (and no backup of an identical workbook piles up each week).

    Raises ReviewError, before writing anything, when `baseline` cannot be read."""
    workbook = out / WORKBOOK_NAME
    sources, reviews = _previous_reviews(workbook, baseline)
    placement = place_reviews(reviews, batch)
    if placement.carried:
        log.warning(
            "%d review(s) no longer match a finding of this run: they are in the '%s' sheet",
            len(placement.carried),
            "Carried-over reviews",
        )
    csv_path = out / CSV_NAME
    run = RunInfo(options=dict(options or {}), review_sources=sources, audited_files=dict(audited_files or {}))
    reviews_placed, content = _content(batch, checklist, placement, run)
    if baseline is None and workbook.exists() and record.holds(workbook, csv_path, content):
        log.info("%s and %s already hold these results and reviews: left as they are", workbook, csv_path)
        return []
    out.mkdir(parents=True, exist_ok=True)
    backup = _backup_path(workbook) if workbook.exists() else None
    run.backup = backup
    if backup is not None:
        _atomic_write(backup, lambda path: shutil.copy2(workbook, path))
    _atomic_write(workbook, lambda path: write_workbook(batch, checklist, path, placement, run))
    _atomic_write(csv_path, lambda path: write_results_csv(batch, path))
    subprocessors_path = out / SUBPROCESSORS_CSV_NAME
    _atomic_write(subprocessors_path, lambda path: write_subprocessors_csv(batch, path))
    _record(workbook, csv_path, reviews_placed, content)
    return [workbook, csv_path, subprocessors_path] + ([backup] if backup else [])


def _content(batch: BatchResult, checklist: Checklist, placement: Placement, run: RunInfo):
    """The reviews as the workbook will hold them, and the digest of what the report will hold
    (record.content_digest); (None, "") when they cannot be worked out: the report is then written."""
    try:
        reviews = record.expected_reviews(batch, placement, sheet_names(batch))
        facts = {
            "options": run.options,
            "review_sources": [str(path) for path in run.review_sources],
            "audited_files": {name: str(path) for name, path in run.audited_files.items()},
        }
        return reviews, record.content_digest(batch, reviews, checklist.sha256, facts)
    except (ValueError, TypeError, ImportError, OverflowError) as exc:
        log.debug("no record of this report (%s): it is written, and the next run reads it", exc)
        return None, ""


def _record(workbook: Path, csv_path: Path, reviews, content: str) -> None:
    """Note what the workbook just written holds, for the next run (see record.py). Without a record
    the next run parses the workbook: a record that cannot be made only costs that time."""
    target = workbook.parent / record.RECORD_NAME
    if reviews is None:
        try:
            target.unlink(missing_ok=True)
        except OSError:
            pass  # a record left is of other bytes: it is never taken for this workbook
        return
    try:
        digest, csv_digest = record.file_sha256(workbook), record.file_sha256(csv_path)
        _atomic_write(target, lambda path: record.save(path, digest, reviews, content, csv_digest))
    except (OSError, ValueError, TypeError, ImportError, OverflowError) as exc:
        # an older record names other bytes (the backup's, at most): it cannot be taken for this file
        log.debug("no record of %s (%s): the next run reads it", workbook, exc)


def _previous_reviews(workbook: Path, baseline: Path | None) -> tuple[list[Path], list[Review]]:
    """Reviews from the baseline (which must be readable) and from the workbook about to be replaced."""
    sources: list[Path] = []
    reviews: list[Review] = []
    if baseline is not None:
        reviews += read_reviews(baseline)
        sources.append(baseline)
    if workbook.exists() and not (baseline is not None and _same_file(workbook, baseline)):
        try:
            found = read_reviews(workbook)
            reviews += found
            if found:  # a workbook nobody has reviewed yet is no source of reviews: the report stays the same
                sources.append(workbook)
        except ReviewError as exc:
            # the workbook is still kept as a backup; say so rather than carry nothing in silence
            log.warning("no reviews carried over from %s (%s); it is kept as a backup", workbook, exc)
    return sources, reviews


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


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
        # mkstemp makes the file private; give it the mode the file it replaces had
        os.chmod(temporary, stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
