"""The report folder shared between runs: one audit writes into it at a time, what a killed run left
behind is cleared, and the backups of earlier workbooks do not pile up without end.

The lock is an advisory lock (flock) on a hidden file in the folder, held from the moment the
previous workbook is read until the new one is in place: a second audit into the same folder waits
for the first (or, with `wait=False`, stops at once) instead of both reading the same reviews and the
last writer silently winning. Where the system has no flock (Windows), there is no lock.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".gdprcheck.lock"
STALE_SECONDS = 60  # a temporary file older than this, found under the lock, is a killed run's

log = logging.getLogger(__name__)


class FolderBusy(Exception):
    """Another audit is writing into the report folder."""


@contextmanager
def locked(folder: Path, wait: bool = True, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the report folder for one run; `on_wait` is called once if another run holds it."""
    try:
        import fcntl
    except ImportError:  # no flock on this system: runs are not kept apart
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_NAME, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise FolderBusy(f"{folder}: another gdprcheck audit is writing its report there") from None
            if on_wait is not None:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_stale_temporaries(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files (".name.xxxx.tmp") a run killed while writing left behind. Called
    under the lock, so no other run is writing them; a file younger than a minute is left alone
    anyway (a run of another version, without the lock)."""
    now = time.time() if now is None else now
    removed = []
    for path in folder.glob(".*.tmp"):
        try:
            if now - path.stat().st_mtime >= STALE_SECONDS:
                path.unlink()
                removed.append(path)
        except OSError as exc:
            log.debug("left %s (%s)", path, exc)
    if removed:
        log.info("removed %d temporary file(s) left by an interrupted run", len(removed))
    return removed


_BACKUP = re.compile(r"\.(\d{8}-\d{6})(?:-(\d+))?\.bak\.xlsx$")


def prune_backups(workbook: Path, keep: int) -> list[Path]:
    """Keep the `keep` most recent backups of `workbook` (named by write time, see _backup_path)
    and remove the older ones; `keep` 0 or less keeps them all. Returns the files removed."""
    if keep <= 0:
        return []
    backups = []
    for path in workbook.parent.glob(f"{workbook.stem}.*.bak.xlsx"):
        match = _BACKUP.search(path.name)
        if match and path.name.startswith(f"{workbook.stem}."):
            backups.append(((match.group(1), int(match.group(2) or 1)), path))
    backups.sort()
    removed = []
    for _, path in backups[: max(0, len(backups) - keep)]:
        try:
            os.remove(path)
            removed.append(path)
        except OSError as exc:
            log.warning("could not remove the old backup %s (%s)", path, exc)
    return removed
