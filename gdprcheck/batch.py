"""Run an audit over many files: cached per-document results, worker processes, a progress bar.

A cached result is keyed by the file's SHA-256, the checklist's SHA-256 (its YAML and language
files), the tool version and the pipeline mode, so it is reused only when nothing that decides it
has changed. Workers are processes (spaCy holds the GIL), each loading the pipelines once.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from gdprcheck import __version__
from gdprcheck.checklist import Checklist, load_checklist
from gdprcheck.models import BatchResult, DocumentAudit, FileError


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gdprcheck"


class ResultCache:
    """Per-document audit results on disk, one JSON file per key."""

    def __init__(self, folder: Path, checklist: Checklist, prefer_trained: bool):
        self.folder = folder
        self._salt = f"{__version__}|{checklist.sha256}|{'trained' if prefer_trained else 'blank'}"

    def key(self, path: Path) -> str | None:
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None  # unreadable: the audit itself reports why
        return hashlib.sha256(f"{self._salt}|{digest}".encode()).hexdigest()

    def get(self, key: str | None, path: Path) -> DocumentAudit | None:
        if key is None:
            return None
        try:
            cached = DocumentAudit.model_validate_json((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        # the same text may arrive under another name: the report must show this file's name
        name = path.name
        results = [result.model_copy(update={"document": name}) for result in cached.results]
        return cached.model_copy(update={"document": name, "results": results})

    def put(self, key: str | None, audit: DocumentAudit) -> None:
        if key is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(audit.model_dump_json())
            os.replace(temporary, self.folder / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written only costs time


# --- worker processes ------------------------------------------------------------------------------

_worker_auditor = None


def _start_worker(checklist_path: str, prefer_trained: bool) -> None:
    global _worker_auditor
    from gdprcheck.audit import Auditor

    _worker_auditor = Auditor(load_checklist(checklist_path), prefer_trained=prefer_trained)


def _audit_in_worker(path: Path) -> DocumentAudit | FileError:
    batch = _worker_auditor.audit_files([path])
    return batch.audits[0] if batch.audits else batch.errors[0]


# --- the batch -------------------------------------------------------------------------------------


def run_batch(
    files: list[Path],
    checklist: Checklist,
    *,
    jobs: int = 1,
    cache_dir: Path | None = None,
    prefer_trained: bool = True,
    progress: bool = False,
) -> BatchResult:
    """Audit `files` in order; results come back in the same order whatever the number of jobs."""
    cache = ResultCache(cache_dir, checklist, prefer_trained) if cache_dir else None
    keys = {path: cache.key(path) for path in files} if cache else {}
    outcomes: dict[Path, DocumentAudit | FileError] = {}
    if cache:
        for path in files:
            hit = cache.get(keys[path], path)
            if hit is not None:
                outcomes[path] = hit
    todo = [path for path in files if path not in outcomes]
    bar = _progress(len(files), enabled=progress)
    bar.update(len(files) - len(todo))
    for path, outcome in zip(todo, _audit(todo, checklist, jobs, prefer_trained), strict=True):
        outcomes[path] = outcome
        if cache and isinstance(outcome, DocumentAudit):
            cache.put(keys[path], outcome)
        bar.update(1)
    bar.close()
    batch = BatchResult(checklist_path=checklist.source)
    for path in files:
        outcome = outcomes[path]
        (batch.audits if isinstance(outcome, DocumentAudit) else batch.errors).append(outcome)
    return batch


def _audit(files: list[Path], checklist: Checklist, jobs: int, prefer_trained: bool) -> Iterator[DocumentAudit | FileError]:
    if not files:
        return
    if jobs <= 1 or len(files) == 1:
        from gdprcheck.audit import Auditor

        auditor = Auditor(checklist, prefer_trained=prefer_trained)
        for path in files:
            batch = auditor.audit_files([path])
            yield batch.audits[0] if batch.audits else batch.errors[0]
        return
    workers = min(jobs, len(files))
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(checklist.source, prefer_trained)) as pool:
        yield from pool.map(_audit_in_worker, files, chunksize=max(1, min(8, len(files) // (workers * 4) or 1)))


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, enabled: bool):
    """A progress bar on stderr with ETA and files/s, only on a terminal and when not --quiet."""
    if not enabled or not sys.stderr.isatty():
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True)


def resolve_jobs(jobs: int | None) -> int:
    """--jobs 0 or absent: all cores the process may use."""
    if jobs and jobs > 0:
        return jobs
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1

