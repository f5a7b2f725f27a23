"""Example corpora, one file per language (tests/data/examples/*.yaml): short passages with the
status (and value) the audit must give one item — positives, and negatives such as a deadline for
liability claims or a duty placed on the customer, which must never pass for the processor's."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gdprcheck.models import Document

EXAMPLES = sorted((Path(__file__).parent / "data" / "examples").glob("*.yaml"))


def _cases():
    for path in EXAMPLES:
        corpus = yaml.safe_load(path.read_text(encoding="utf-8"))
        for number, example in enumerate(corpus["examples"], start=1):
            yield pytest.param(corpus["language"], example, id=f"{path.stem}-{number}-{example['item']}")


def test_every_language_has_examples():
    assert {p.stem for p in EXAMPLES} >= {"fr", "en", "nl", "de"}


@pytest.mark.parametrize("language, example", list(_cases()))
def test_example(auditor, language, example):
    document = Document(source=Path(f"example-{language}.txt"), text=example["text"], sha256="", file_format="txt")
    audit = auditor.audit_document(document)
    assert audit.language == language
    result = next(r for r in audit.results if r.item == example["item"])
    assert result.status.value == example["status"], (example["text"], result.rationale)
    if "value" in example:
        assert result.value == example["value"], example["text"]
