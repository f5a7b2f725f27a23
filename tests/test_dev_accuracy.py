"""Accuracy on the development set: real, public processor agreements and terms in English,
French, Dutch and German (tests/data/dev, copied from shared/eval/dev with SOURCES.md and the
labelling NOTES.md), run through the real pipelines and compared with the hand labels."""

from __future__ import annotations

import pytest

from gdprcheck.evaluate import evaluate
from tests.conftest import DEV, audit_labelled

LANGUAGES = ["de", "en", "fr", "nl"]
VALUE_ITEMS = ["breach.notification", "audit.rights", "deletion.return"]


@pytest.fixture(scope="module")
def dev(auditor):
    return audit_labelled(auditor, DEV / "docs", DEV / "labels.csv")


@pytest.fixture(scope="module")
def figures(dev):
    batch, labels = dev
    return evaluate(batch, labels)


def test_documents_are_read_in_their_language(dev):
    batch, _ = dev
    for audit in batch.audits:
        assert audit.language == audit.document[:2], audit.document


@pytest.mark.parametrize("language", [*LANGUAGES, "overall"])
def test_status_and_gap_detection(figures, language):
    result = figures.overall if language == "overall" else figures.by_language[language]
    assert result["status_accuracy"] >= 0.85, figures.mistakes
    assert result["gap_precision"] >= 0.90, figures.mistakes
    assert result["gap_recall"] >= 0.90, figures.mistakes


@pytest.mark.parametrize("language", LANGUAGES)
def test_breach_audit_and_deletion_values(dev, language):
    batch, labels = dev
    subset = labels[labels["item"].isin(VALUE_ITEMS) & labels["document"].str.startswith(f"{language}_")]
    result = evaluate(batch, subset).overall
    if result["value_accuracy"] is not None:
        assert result["value_accuracy"] >= 0.90


def test_evidence_hits_overall(figures):
    assert figures.overall["evidence_hit"] >= 0.85, figures.mistakes


@pytest.mark.parametrize("language", LANGUAGES)
def test_evidence_hits_per_language(figures, language):
    assert figures.by_language[language]["evidence_hit"] >= 0.85, figures.mistakes


@pytest.mark.parametrize("figure", ["status_accuracy", "evidence_hit"])
def test_no_language_lags_the_best_by_more_than_a_tenth(figures, figure):
    values = [figures.by_language[language][figure] for language in LANGUAGES]
    assert max(values) - min(values) <= 0.10, values


def test_red_flags(figures):
    assert figures.overall["redflag_precision"] >= 0.80
    assert figures.overall["redflag_recall"] >= 0.80
