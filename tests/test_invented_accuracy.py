"""Whole invented contracts, three per language (tests/data/invented): the audit of complete
documents (segmentation, the sentence quoted, values, red flags) must stay right on them. They
were written and labelled here, so these bars guard against regressions; they do not measure
accuracy on unseen contracts (tests/test_dev_accuracy.py does, on real ones)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdprcheck.evaluate import evaluate
from tests.conftest import audit_labelled

INVENTED = Path(__file__).parent / "data" / "invented"
LANGUAGES = ["de", "en", "fr", "nl"]


@pytest.fixture(scope="module")
def figures(auditor):
    batch, labels = audit_labelled(auditor, INVENTED / "docs", INVENTED / "labels.csv")
    for audit in batch.audits:
        assert audit.language == audit.document[:2], audit.document
    return evaluate(batch, labels)


@pytest.mark.parametrize("language", [*LANGUAGES, "overall"])
def test_status_gaps_and_evidence(figures, language):
    result = figures.overall if language == "overall" else figures.by_language[language]
    assert result["status_accuracy"] >= 0.95, figures.mistakes
    assert result["gap_precision"] >= 0.95, figures.mistakes
    assert result["gap_recall"] >= 0.95, figures.mistakes
    assert result["evidence_hit"] >= 0.85, figures.mistakes


def test_values_and_red_flags(figures):
    assert figures.overall["value_accuracy"] >= 0.95, figures.mistakes
    assert figures.overall["redflag_precision"] >= 0.95, figures.mistakes
    assert figures.overall["redflag_recall"] >= 0.95, figures.mistakes
