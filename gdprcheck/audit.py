"""The batch audit: every contract file in a folder through read -> normalise -> segment -> language
-> locate -> score. One unreadable file becomes an error row; the batch goes on."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath

from gdprcheck.checklist import Checklist
from gdprcheck.contractness import check_contract_text
from gdprcheck.language import assign_languages
from gdprcheck.locate import Locator
from gdprcheck.models import BatchResult, Document, DocumentAudit, FileError, LocatedDocument
from gdprcheck.normalise import normalise
from gdprcheck.read import SUPPORTED_SUFFIXES, ReadError, ReadLimits, read_document
from gdprcheck.score import Scorer
from gdprcheck.segment import segment
from gdprcheck.subprocessors import SubprocessorFinder, load_vocabulary

log = logging.getLogger(__name__)


class Auditor:
    """Holds the checklist, the spaCy pipelines and the scorer, loaded once for a whole batch."""

    def __init__(self, checklist: Checklist, prefer_trained: bool = True, limits: ReadLimits | None = None):
        self.checklist = checklist
        self.limits = limits or ReadLimits()
        self.locator = Locator(checklist, prefer_trained=prefer_trained)
        self.scorer = Scorer(checklist)
        self.languages = tuple(checklist.languages)
        # the vocabulary beside the checklist (a DPO's working copy), else the shipped one
        self.subprocessors = SubprocessorFinder(load_vocabulary(checklist_source=checklist.source or None))

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
            subprocessors=self.subprocessors.find(located),
        )

    def audit_files(self, paths: Iterable[Path], on_done: Callable[[Path], None] | None = None) -> BatchResult:
        batch = BatchResult(checklist_path=self.checklist.source)
        for path in paths:
            try:
                batch.audits.append(self.audit_file(path))
            except ReadError as exc:
                log.info("%s: %s", path, exc)  # the command lists every error once, at the end
                batch.errors.append(FileError(document=path.name, problem=str(exc)))
            except Exception as exc:  # a bug must not cost the DPO the rest of the batch
                log.debug("%s: unexpected failure", path, exc_info=True)  # the error row says what; the trace is for debugging
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
    files, others, problems = _folder_entries(folder, recursive)
    return files, problems + [_not_a_contract(path, document_name(path, folder)) for path in others]


def _folder_entries(folder: Path, recursive: bool) -> tuple[list[Path], list[Path], list[FileError]]:
    """A folder's contract files and its other files, each sorted, and what could not be looked
    at: an unreadable (sub-)folder, a symbolic link whose target is gone. Hidden files and Word's
    lock files are neither. Symbolic links are followed, to files and (with `recursive`) to folders;
    a folder reached twice through links is read once, so a link loop ends."""
    files, others, problems = [], [], []

    def unreadable(error: OSError) -> None:
        where = error.filename or folder
        problems.append(FileError(document=str(where), problem=f"folder cannot be read ({error.strerror or error}): its contracts are not audited"))

    def entries() -> Iterator[Path]:
        if not recursive:
            try:
                yield from folder.iterdir()
            except OSError as error:
                unreadable(error)
            return
        visited: set[str] = set()
        for root, folders, names in os.walk(folder, onerror=unreadable, followlinks=True):
            real = os.path.realpath(root)
            if real in visited:
                folders[:] = []  # reached again through a link: already read
                continue
            visited.add(real)
            folders[:] = [name for name in folders if not name.startswith(".")]
            yield from (Path(root) / name for name in names)
            # a link to a folder that is gone is listed by os.walk as neither file nor folder
            yield from (Path(root) / name for name in folders if not os.path.exists(os.path.join(root, name)))

    for path in sorted(entries()):
        if path.name.startswith((".", "~$")):
            continue  # hidden files and Word lock files are never contracts
        if path.is_symlink() and not path.exists():
            problems.append(FileError(document=str(path), problem=f"symbolic link to {os.readlink(path)}, which does not exist: not audited"))
            continue
        if not path.is_file():
            continue
        (files if path.suffix.lower() in SUPPORTED_SUFFIXES else others).append(path)
    return files, others, problems


def _not_a_contract(path: Path, name: str) -> FileError:
    return FileError(document=name, problem=f"skipped: '{path.suffix or 'no extension'}' is not a contract format")


@dataclass
class ContractInputs:
    """What the paths given to `audit` hold: the contract files, each once and in the order given,
    with the unique name each is reported under, and the problems found on the way."""

    files: list[Path] = field(default_factory=list)
    names: dict[Path, str] = field(default_factory=dict)  # file -> document name, unique
    failed: list[FileError] = field(default_factory=list)  # paths given that cannot be audited
    skipped: list[FileError] = field(default_factory=list)  # other files in the folders given: notes
    renamed: list[str] = field(default_factory=list)  # how clashing names were told apart, in words


def collect_contracts(paths: Iterable[Path], recursive: bool = False) -> ContractInputs:
    """The contract files in the files and folders given. A file reached twice (named twice, or
    both named and inside a folder given) is audited once, under the name it got first. A path that
    does not exist or is not a contract file is a failure naming it; the others are still audited."""
    inputs = ContractInputs()
    found: list[tuple[Path, Path | None]] = []  # (file, the folder given that holds it)
    others: list[tuple[Path, Path | None]] = []
    seen: set[Path | str] = set()

    def first_time(identity: Path | str) -> bool:
        if identity in seen:
            return False
        seen.add(identity)
        return True

    for given in paths:
        if given.is_dir():
            if not first_time(given.resolve()):
                continue
            files, rest, problems = _folder_entries(given, recursive)
            inputs.failed += problems
            if not files and not problems:
                inputs.skipped.append(FileError(document=str(given), problem=_no_contracts(given, recursive)))
            found += [(path, given) for path in files if first_time(path.resolve())]
            others += [(path, given) for path in rest if first_time(path.resolve())]
        elif not first_time(given.resolve() if given.exists() else str(given)):
            continue
        elif given.is_file() and given.suffix.lower() in SUPPORTED_SUFFIXES:
            found.append((given, None))
        elif given.is_file():
            problem = f"not a contract format ('{given.suffix or 'no extension'}'; supported: {', '.join(SUPPORTED_SUFFIXES)})"
            inputs.failed.append(FileError(document=str(given), problem=problem))
        elif given.exists():
            inputs.failed.append(FileError(document=str(given), problem="not a file or folder"))
        else:
            # a name with an extension was meant as a file, one without as a folder
            inputs.failed.append(FileError(document=str(given), problem=f"no such {'file' if given.suffix else 'folder'}"))
    names, inputs.renamed = unique_document_names(found + others)
    inputs.files = [path for path, _ in found]
    inputs.names = {path: names[path] for path in inputs.files}
    inputs.skipped += [_not_a_contract(path, names[path]) for path, _ in others]
    return inputs


def _no_contracts(folder: Path, recursive: bool) -> str:
    problem = f"no contract files ({', '.join(SUPPORTED_SUFFIXES)}) in this folder"
    if not recursive and any(entry.is_dir() for entry in folder.iterdir()):
        problem += " (its sub-folders are audited with --recursive)"
    return problem


def unique_document_names(found: list[tuple[Path, Path | None]]) -> tuple[dict[Path, str], list[str]]:
    """Each file's document name (see `document_name`; the folder is the one given that holds it,
    None for a file given by itself), and how clashes were resolved. The report, results.csv, the
    cache and the carried-over reviews all know a document by its name, so two files may not share
    one: files whose names clash are named by as many of their parent folders as tell them apart
    ("acme/dpa.pdf", "globex/dpa.pdf")."""
    # the absolute path with '..' resolved but not symbolic links: the folders the user knows
    parts = {path: Path(os.path.abspath(path)).parts for path, _ in found}
    depth = {path: len(PurePath(document_name(path, folder)).parts) for path, folder in found}

    def name(path: Path) -> str:
        if depth[path] >= len(parts[path]):
            return Path(os.path.abspath(path)).as_posix()
        return PurePosixPath(*parts[path][-depth[path] :]).as_posix()

    base = {path: name(path) for path, _ in found}
    while True:
        holders: dict[str, list[Path]] = {}
        for path, _ in found:
            holders.setdefault(name(path), []).append(path)
        grown = False
        for group in holders.values():
            if len(group) < 2:
                continue
            for path in group:
                if depth[path] < len(parts[path]):
                    depth[path] += 1
                    grown = True
        if not grown:  # no clash left: distinct absolute paths always end up apart
            break
    names = {path: name(path) for path, _ in found}
    renamed: dict[str, list[str]] = {}
    for path, _ in found:
        renamed.setdefault(base[path], []).append(names[path])
    notes = [f"files named '{first}' are reported as {', '.join(given)}" for first, given in renamed.items() if given != [first]]
    return names, notes
