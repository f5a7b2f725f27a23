"""Read a contract file into a Document: one module per format, one error type for every failure."""

from __future__ import annotations

import hashlib
from pathlib import Path

from gdprcheck.models import Document

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")


class ReadError(Exception):
    """A file could not be turned into contract text; the message names the cause in plain words."""


def read_document(path: Path) -> Document:
    """Read one file; raise ReadError with a DPO-readable cause when it cannot be audited."""
    # Imported here so that a missing optional reader only affects files of its own format.
    from gdprcheck.read import docx, pdf, text

    readers = {".txt": text.read_text, ".md": text.read_text, ".pdf": pdf.read_pdf, ".docx": docx.read_docx}
    suffix = path.suffix.lower()
    if suffix not in readers:
        raise ReadError(f"unsupported file type '{suffix or '(none)'}' (supported: {', '.join(SUPPORTED_SUFFIXES)})")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReadError("file not found (moved or deleted during the run?)") from None
    except IsADirectoryError:
        raise ReadError("is a folder, not a file") from None
    except PermissionError:
        raise ReadError("permission denied") from None
    except OSError as exc:
        raise ReadError(f"cannot be read: {exc.strerror or exc}") from None
    if not data.strip():
        raise ReadError("file is empty")
    body, notes = readers[suffix](data)
    if len(body.split()) < 20:
        raise ReadError(f"no contract text found ({len(body.split())} words)")
    return Document(
        source=path,
        text=body,
        sha256=hashlib.sha256(data).hexdigest(),
        file_format=suffix.lstrip("."),
        notes=notes,
    )
