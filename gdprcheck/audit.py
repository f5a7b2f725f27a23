"""The batch audit: every contract file in a folder through read -> normalise -> segment -> language
-> locate -> score. One unreadable file becomes an error row; the batch goes on."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from gdprcheck.checklist import Checklist
from gdprcheck.contractness import check_contract_text
from gdprcheck.language import assign_languages
from gdprcheck.locate import Locator
from gdprcheck.models import BatchResult, Document, DocumentAudit, FileError, LocatedDocument
from gdprcheck.normalise import normalise
from gdprcheck.read import SUPPORTED_SUFFIXES, ReadError, ReadLimits, read_document
from gdprcheck.score import Scorer
from gdprcheck.segment import segment

log = logging.getLogger(__name__)


class Auditor:
    """Holds the checklist, the spaCy pipelines and the scorer, loaded once for a whole batch."""

    def __init__(self, checklist: Checklist, prefer_trained: bool = True, limits: ReadLimits | None = None):
        self.checklist = checklist
        self.limits = limits or ReadLimits()
        self.locator = Locator(checklist, prefer_trained=prefer_trained)
        self.scorer = Scorer(checklist)
        self.languages = tuple(checklist.languages)

    def locate(self, path: Path) -> LocatedDocument:
        return self.locate_document(read_document(path, self.limits))

    def locate_document(self, document: Document) -> LocatedDocument:
        """Everything after reading: normalise, segment, detect languages, locate concepts."""
        normalised = normalise(document.text)
        clauses = segment(normalised.text)
        if not clauses:
            raise ReadError("no text left after normalisation")
        language, clauses = assign_languages(clauses, self.languages)
        sentences = self.locator.locate(clauses)
        return LocatedDocument(document=document, text=normalised.text, language=language, clauses=clauses, sentences=sentences)

    def audit_file(self, path: Path) -> DocumentAudit:
        """Read, check that the text is a contract, audit."""
        document = read_document(path, self.limits)
        check_contract_text(document.text, self.checklist)
        return self.audit_document(document)

    def audit_document(self, document: Document) -> DocumentAudit:
        located = self.locate_document(document)
        return DocumentAudit(
            document=document.source.name,
            sha256=located.document.sha256,
            language=located.language,
            results=self.scorer.score(located),
        )

    def audit_files(self, paths: Iterable[Path], on_done: Callable[[Path], None] | None = None) -> BatchResult:
        batch = BatchResult(checklist_path=self.checklist.source)
        for path in paths:
            try:
                batch.audits.append(self.audit_file(path))
            except ReadError as exc:
                log.warning("%s: %s", path.name, exc)
                batch.errors.append(FileError(document=path.name, problem=str(exc)))
            except Exception as exc:  # a bug must not cost the DPO the rest of the batch
                log.exception("%s: unexpected failure", path.name)
                batch.errors.append(FileError(document=path.name, problem=f"internal error: {exc.__class__.__name__}: {exc}"))
            if on_done:
                on_done(path)
        return batch


def document_name(path: Path, root: Path | None = None) -> str:
    """How a contract is named in the report, the labels and the reviews: its path relative to the
    audited folder ("suppliers/hosting.pdf"), so that two files of the same name in different
    sub-folders stay two documents; the bare file name when there is no folder to be relative to."""
    if root is not None and root.is_dir():
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.name


def contract_files(folder: Path, recursive: bool = False) -> tuple[list[Path], list[FileError]]:
    """Files to audit in a folder, sorted; other files are returned as skipped, with the reason."""
    if not folder.exists():
        raise FileNotFoundError(f"{folder}: no such folder")
    if folder.is_file():
        return [folder], []
    entries: Iterator[Path] = folder.rglob("*") if recursive else folder.iterdir()
    files, skipped = [], []
    for path in sorted(entries):
        if not path.is_file():
            continue
        name = document_name(path, folder)
        if path.name.startswith((".", "~$")):
            continue  # hidden files and Word lock files are never contracts
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(path)
        else:
            skipped.append(
                FileError(document=name, problem=f"skipped: '{path.suffix or 'no extension'}' is not a contract format")
            )
    return files, skipped
