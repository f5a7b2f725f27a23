"""Plain-text contracts: UTF-8 first, other encodings detected rather than guessed."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from gdprcheck.read import ReadError

# Bytes that never occur in a text contract; their presence means a binary file with a text name.
_BINARY_BYTES = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}


def read_text(data: bytes) -> tuple[str, list[str]]:
    """Decode a text file; returns the text and notes on how it was decoded."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), ["decoded as UTF-16"]
        except UnicodeDecodeError:
            raise ReadError("damaged UTF-16 text") from None
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    if sum(byte in _BINARY_BYTES for byte in sample) > len(sample) * 0.01:
        raise ReadError("binary content, not text (a file of another type renamed .txt?)")
    best = from_bytes(data).best()
    if best is None:
        raise ReadError("not UTF-8 and no text encoding could be recognised")
    return str(best), [f"not UTF-8: decoded as {best.encoding}"]
