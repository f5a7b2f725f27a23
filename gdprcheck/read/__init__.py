"""Read a contract file into a Document: one module per format, one error type for every failure."""

from __future__ import annotations

import hashlib
import importlib
import stat
import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from gdprcheck.models import Document

# suffix -> (module, function). A reader's module is imported on the first file of its format: a
# missing optional library then only affects its own format, and a run on text files never pays for
# python-docx and lxml or PDFium (0.07 s of start-up)
_READERS = {
    ".txt": ("text", "read_text"),
    ".md": ("text", "read_text"),
    ".pdf": ("pdf", "read_pdf"),
    ".docx": ("docx", "read_docx"),
}
SUPPORTED_SUFFIXES = tuple(_READERS)

_MB = 1024 * 1024


class ReadError(Exception):
    """A file could not be turned into contract text; the message names the cause in plain words."""


class ReadLimits(BaseModel):
    """What one file may cost to read. A file over a limit is refused with an error row, never half read.

    Defaults, sized for contracts (a long DPA with annexes is a few MB and under 200 pages):
    - ``max_file_mb`` 50: checked on the size the file system reports, before a byte is read, so that a
      500 MB file is refused at once;
    - ``max_pdf_pages`` 1000: checked on the page count before any page is extracted;
    - ``max_docx_expanded_mb`` 200: the declared size of everything inside a .docx once unzipped (a zip bomb
      renamed .docx declares gigabytes in a few kilobytes);
    - ``max_seconds`` 120: time spent extracting one file's text, checked between PDF pages and between
      Word paragraphs (a single pathological page cannot be interrupted). ``None`` switches it off.
    """

    model_config = ConfigDict(frozen=True)

    max_file_mb: float = Field(50, gt=0)
    max_pdf_pages: int = Field(1000, gt=0)
    max_docx_expanded_mb: float = Field(200, gt=0)
    max_seconds: float | None = Field(120, gt=0)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * _MB)

    @property
    def max_docx_expanded_bytes(self) -> int:
        return int(self.max_docx_expanded_mb * _MB)

    def deadline(self) -> Deadline:
        return Deadline(self.max_seconds)


class Deadline:
    """The time budget of one file, checked by the readers between units of work."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.ends = None if seconds is None else time.monotonic() + seconds

    def check(self, where: str) -> None:
        if self.ends is not None and time.monotonic() > self.ends:
            raise ReadError(f"reading took longer than the {_number(self.seconds)} s limit (stopped at {where}; --read-timeout)")


def _number(value: float | None) -> str:
    return f"{value:g}"


def _size(size: int) -> str:
    return f"{size / _MB:.0f} MB" if size >= 10 * _MB else f"{size / _MB:.1f} MB"


def _reader(suffix: str):
    module, function = _READERS[suffix]
    return getattr(importlib.import_module(f"gdprcheck.read.{module}"), function)


def read_document(path: Path, limits: ReadLimits | None = None) -> Document:
    """Read one file; raise ReadError with a DPO-readable cause when it cannot be audited."""
    limits = limits or ReadLimits()
    suffix = path.suffix.lower()
    if suffix not in _READERS:
        raise ReadError(f"unsupported file type '{suffix or '(none)'}' (supported: {', '.join(SUPPORTED_SUFFIXES)})")
    try:
        # The size is known before anything is read: a 500 MB file is refused without reading it.
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if info.st_size > limits.max_file_bytes:
            raise ReadError(f"file is {_size(info.st_size)}, over the {_number(limits.max_file_mb)} MB size limit (--max-file-mb)")
        with path.open("rb") as handle:
            # one byte more than the limit: a file that grew since stat() is still caught
            data = handle.read(limits.max_file_bytes + 1)
    except FileNotFoundError:
        raise ReadError("file not found (moved or deleted during the run?)") from None
    except IsADirectoryError:
        raise ReadError("is a folder, not a file") from None
    except PermissionError:
        raise ReadError("permission denied") from None
    except OSError as exc:
        raise ReadError(f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > limits.max_file_bytes:
        raise ReadError(f"file grew over the {_number(limits.max_file_mb)} MB size limit while it was read")
    if not data.strip():
        raise ReadError("file is empty")
    body, notes = _reader(suffix)(data, limits)
    if len(body.split()) < 20:
        raise ReadError(f"no contract text found ({len(body.split())} words)")
    return Document(
        source=path,
        text=body,
        sha256=hashlib.sha256(data).hexdigest(),
        file_format=suffix.lstrip("."),
        notes=notes,
    )
