"""Run an audit over many files: cached per-document results, worker processes, a progress bar.

A cached result is keyed by the file's SHA-256, the checklist's SHA-256 (its YAML and language
files), the sub-processor vocabulary's SHA-256, the package's source, the tool version and the
pipeline mode, so it is reused only when nothing that decides it
has changed. Workers are processes (spaCy holds the GIL), each loading the pipelines once.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

from gdprcheck import __version__
from gdprcheck.checklist import Checklist
from gdprcheck.models import BatchResult, DocumentAudit, FileError
from gdprcheck.read import ReadLimits


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gdprcheck"


class ResultCache:
    """Per-document audit results on disk, one JSON file per key. The key covers everything that
    decides a result: the file's bytes, the checklist and its language files, the tool version and
    what finds the sentences (trained pipeline and its version, or blank; the locate revision)."""

    def __init__(self, folder: Path, checklist: Checklist, mode: str, limits: ReadLimits | None = None):
        self.folder = folder
        self.limits = limits or ReadLimits()
        from gdprcheck.subprocessors import load_vocabulary

        vocabulary = load_vocabulary(checklist_source=checklist.source or None).sha256  # who the sub-processors are
        self._salt = f"{__version__}|{code_fingerprint()}|{checklist.sha256}|{vocabulary}|{mode}|{self.limits.model_dump_json()}"
        self._digests: dict[str, str] = {}  # key -> the file's SHA-256 when the key was made

    def key(self, path: Path) -> str | None:
        try:
            if path.stat().st_size > self.limits.max_file_bytes:
                return None  # refused by the reader without being read: nothing to hash or cache
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            digest = digest.hexdigest()
        except OSError:
            return None  # unreadable: the audit itself reports why
        key = hashlib.sha256(f"{self._salt}|{digest}".encode()).hexdigest()
        self._digests[key] = digest
        return key

    def get(self, key: str | None, path: Path) -> DocumentAudit | None:
        if key is None:
            return None
        try:
            cached = DocumentAudit.model_validate_json((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return cached  # the same text may arrive under another name: run_batch names it

    def put(self, key: str | None, audit: DocumentAudit) -> None:
        if key is None or audit.sha256 != self._digests.get(key):
            return  # the file changed between hashing and reading: its result belongs to no key
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
_prebuilt: tuple | None = None  # (key, Auditor) built in the parent for forked workers, see _prebuild_for_fork


def _start_worker(checklist: Checklist, prefer_trained: bool, limits: ReadLimits | None) -> None:
    global _worker_auditor
    import signal
    import threading

    # Ctrl-C is the parent's to handle: it stops the batch and the workers with it, in one line
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # a worker never outlives the audit that started it (the parent killed, or stopped by a
    # terminal closed): it checks that its parent is still there, and leaves when it is not
    threading.Thread(target=_leave_with_parent, args=(os.getppid(),), daemon=True).start()
    if _prebuilt is not None and _prebuilt[0] == _worker_key(checklist, prefer_trained, limits):
        _worker_auditor = _prebuilt[1]  # built by the parent before the fork: shared, not built again
        return
    from gdprcheck.audit import Auditor

    _worker_auditor = Auditor(checklist, prefer_trained=prefer_trained, limits=limits)


def _worker_key(checklist: Checklist, prefer_trained: bool, limits: ReadLimits | None) -> tuple:
    return (checklist.sha256, checklist.source, prefer_trained, limits)


def _prebuild_for_fork(checklist: Checklist, prefer_trained: bool, limits: ReadLimits | None) -> None:
    """Where workers are forked, build the pipelines of every language once, in the parent, before
    the fork: each worker starts with them instead of building them again while the others wait
    (a worker started another way builds its own)."""
    global _prebuilt
    import multiprocessing

    if multiprocessing.get_start_method(allow_none=False) != "fork":
        return
    key = _worker_key(checklist, prefer_trained, limits)
    if _prebuilt is None or _prebuilt[0] != key:
        from gdprcheck.audit import Auditor

        auditor = Auditor(checklist, prefer_trained=prefer_trained, limits=limits)
        auditor.locator.load()
        _prebuilt = (key, auditor)


def _leave_with_parent(parent: int, every: float = 1.0) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def _audit_in_worker(path: Path) -> DocumentAudit | FileError:
    try:
        return _audit_one(_worker_auditor, path)
    except Exception as exc:  # never let one file take the worker, and the batch, down
        return FileError(document=path.name, problem=f"internal error: {exc.__class__.__name__}: {exc}")


def _audit_chunk_in_worker(paths: list[Path]) -> list[DocumentAudit | FileError]:
    return [_audit_in_worker(path) for path in paths]


def _audit_one(auditor, path: Path) -> DocumentAudit | FileError:
    batch = auditor.audit_files([path])
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
    limits: ReadLimits | None = None,
    root: Path | None = None,
    names: Mapping[Path, str] | None = None,
) -> BatchResult:
    """Audit `files` in order; results come back in the same order whatever the number of jobs,
    each named by `names` when given (see `collect_contracts`), else by its path relative to
    `root`, the audited folder (see `document_name`)."""
    from gdprcheck.audit import document_name

    cache = ResultCache(cache_dir, checklist, pipeline_mode(checklist, prefer_trained), limits) if cache_dir else None
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
    for path, outcome in zip(todo, _audit(todo, checklist, jobs, prefer_trained, limits), strict=True):
        outcomes[path] = outcome
        if cache and isinstance(outcome, DocumentAudit):
            cache.put(keys[path], outcome)
        bar.update(1)
    bar.close()
    # only small records are kept: every Doc was dropped with the clause it was made for
    batch = BatchResult(checklist_path=checklist.source)
    for path in files:
        outcome = _named(outcomes[path], names[path] if names is not None else document_name(path, root))
        (batch.audits if isinstance(outcome, DocumentAudit) else batch.errors).append(outcome)
    return batch


def _named(outcome: DocumentAudit | FileError, name: str) -> DocumentAudit | FileError:
    if outcome.document == name:
        return outcome
    if isinstance(outcome, FileError):
        return outcome.model_copy(update={"document": name})
    results = [result.model_copy(update={"document": name}) for result in outcome.results]
    return outcome.model_copy(update={"document": name, "results": results})


def _audit(
    files: list[Path], checklist: Checklist, jobs: int, prefer_trained: bool, limits: ReadLimits | None
) -> Iterator[DocumentAudit | FileError]:
    """Outcomes in the order of `files`: in this process for one job (or one file), else in worker
    processes that each load the pipelines once (see _audit_in_pool for a worker that dies)."""
    if not files:
        return
    if jobs <= 1 or len(files) == 1:
        from gdprcheck.audit import Auditor

        auditor = Auditor(checklist, prefer_trained=prefer_trained, limits=limits)
        for path in files:
            yield _audit_one(auditor, path)
        return
    yield from _audit_in_pool(files, checklist, min(jobs, len(files)), prefer_trained, limits)


KILLED = "the audit of this file was stopped: its worker process was killed (out of memory?)"


def _audit_in_pool(
    files: list[Path], checklist: Checklist, workers: int, prefer_trained: bool, limits: ReadLimits | None
) -> Iterator[DocumentAudit | FileError]:
    """Outcomes in the order of `files`, from worker processes. A worker that dies (the system's
    out-of-memory killer, a crash in a library) costs only the file it was auditing: the pool is
    started again, the files that were in flight with it are audited again one at a time to find
    which one it was, and that one alone gets an error row."""
    # only a batch of several files in several jobs pays for importing the process pool
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    outcomes: dict[int, DocumentAudit | FileError] = {}
    waiting = list(range(len(files)))  # indices not yet handed to a pool, in order
    suspects: list[int] = []  # in flight when a pool broke: audited again one at a time
    given = 0  # outcomes yielded so far
    _prebuild_for_fork(checklist, prefer_trained, limits)
    # a few files per task: one round trip to a worker per file costs the batch a tenth of its speed
    chunk = max(1, min(8, len(files) // (workers * 4)))
    while given < len(files):
        alone = bool(suspects)
        pool = ProcessPoolExecutor(max_workers=1 if alone else workers, initializer=_start_worker, initargs=(checklist, prefer_trained, limits))
        in_flight: dict = {}  # future -> the indices of its files
        try:
            while suspects or waiting or in_flight:
                window, size = (1, 1) if alone else (workers * 2, chunk)
                while len(in_flight) < window and (suspects if alone else waiting):
                    queue = suspects if alone else waiting
                    indices, queue[:size] = queue[:size], []
                    in_flight[pool.submit(_audit_chunk_in_worker, [files[i] for i in indices])] = indices
                if not in_flight:
                    break  # the suspects are cleared: back to a pool of all workers
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    results = future.result()
                    outcomes.update(zip(in_flight.pop(future), results, strict=True))
                while given in outcomes:
                    yield outcomes.pop(given)
                    given += 1
        except BrokenProcessPool:
            lost = sorted(index for indices in in_flight.values() for index in indices)
            if len(lost) == 1:
                outcomes[lost[0]] = FileError(document=files[lost[0]].name, problem=KILLED)
            else:
                suspects = lost + suspects
            while given in outcomes:
                yield outcomes.pop(given)
                given += 1
        except BaseException:
            _stop(pool)  # Ctrl-C, or the caller gone: no worker is left behind
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _stop(pool) -> None:
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


@cache
def code_fingerprint() -> str:
    """SHA-256 of the package's own source: a result computed by other code is never reused,
    even between two commits that share a version number."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def pipeline_mode(checklist: Checklist, prefer_trained: bool) -> str:
    """What finds the sentences, per language (part of the cache key); loads nothing."""
    from gdprcheck.locate import Locator

    return Locator(checklist, prefer_trained=prefer_trained).mode()


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


def resolve_cache_dir(cache_dir: Path | None, enabled: bool = True) -> Path | None:
    """--cache-dir, else the user's cache folder; None with --no-cache."""
    if not enabled:
        return None
    return cache_dir if cache_dir is not None else default_cache_dir()


def resolve_jobs(jobs: int | None) -> int:
    """--jobs 0 or absent: all cores the process may use."""
    if jobs and jobs > 0:
        return jobs
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
