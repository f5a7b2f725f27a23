"""Plain-text contracts: UTF-8 first, other encodings detected rather than guessed."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from gdprcheck.read import ReadError, ReadLimits

# Bytes that never occur in a text contract; their presence means a binary file with a text name.
_BINARY_BYTES = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 written without a byte-order mark (some exporters do this): Latin-script text then has a zero
    byte in every other position, which the binary check would otherwise reject as 'binary content'."""
    if len(data) < 2 or len(data) % 2:
        return None
    for codec, zero_half, other_half in (("utf-16-le", data[1::2], data[0::2]), ("utf-16-be", data[0::2], data[1::2])):
        if zero_half.count(0) > 0.3 * len(zero_half) and other_half.count(0) <= 0.01 * len(other_half):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def read_text(data: bytes, limits: ReadLimits | None = None) -> tuple[str, list[str]]:
    """Decode a text file; returns the text and notes on how it was decoded. The size limit is applied
    before (read_document); decoding has no other limit to honour."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), ["decoded as UTF-16"]
        except UnicodeDecodeError:
            raise ReadError("damaged UTF-16 text") from None
    if b"\0" in data[:4096]:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16, ["decoded as UTF-16 (no byte-order mark)"]
    # The binary check comes before the UTF-8 attempt: control bytes below 0x80 are valid UTF-8, so a binary
    # file made of them would otherwise be accepted as text.
    sample = data[:4096]
    if sum(byte in _BINARY_BYTES for byte in sample) > len(sample) * 0.01:
        raise ReadError("binary content, not text (a file of another type renamed .txt?)")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise ReadError("not UTF-8 and no text encoding could be recognised")
    # charset_normalizer can rank another single-byte code page first for French text that is Windows-1252:
    # cp1250 on a tie ("à" read as "ŕ"), or mac_latin2 for a hair less "chaos" ("é" read as "ť"). The contracts
    # audited here are Western European, so cp1252 wins when it is about as clean and at least as coherent.
    for candidate in results:
        if candidate.encoding == "cp1252" and candidate.chaos <= best.chaos + 0.02 and candidate.coherence >= best.coherence:
            best = candidate
            break
    return str(best), [f"not UTF-8: decoded as {best.encoding}"]
