"""Accuracy on the fresh sets: real processor agreements and terms collected after the vocabularies
were first written (tests/data/fresh-a and fresh-b, copied from shared/eval with their sources and
labelling notes), and the rounds of invented contracts written blind (tests/data/invented3 to 6),
run through the real pipelines and compared with the hand labels.

fresh-a was read while the vocabularies were widened. fresh-b was measured unopened twice (before
the work and when it was believed done: status 0.753, then 0.761), and only then read; the README
gives every step. The bars below guard the figures reached since, a little under them: they are
figures on documents the rules were written from, not an estimate for unseen contracts."""

from __future__ import annotations

import pytest

from gdprcheck.evaluate import evaluate
from tests.conftest import DATA, audit_labelled

LANGUAGES = ["de", "en", "fr", "nl"]
FIGURES = ["status_accuracy", "gap_precision", "gap_recall", "evidence_hit", "value_accuracy", "redflag_precision", "redflag_recall"]
# measured on 2026-12-04 (README, Accuracy), minus a margin of about one pair
BARS = {
    # red-flag precision 0.786: two of the three flags counted false are default destruction the
    # notes of fresh-a call flagged (relaisdesk) or the convention reads as flagged (saerens)
    "fresh-a": dict(zip(FIGURES, (0.90, 0.95, 0.94, 0.70, 0.85, 0.75, 0.80), strict=True)),
    "fresh-b": dict(zip(FIGURES, (0.92, 0.96, 0.94, 0.73, 0.85, 0.85, 0.80), strict=True)),
    # invented round 3 (tests/data/invented3): measured blind at 0.697, then read; English gap recall
    # 0.773 is the weakest figure (the UK agreement's documented-instructions and location calls)
    "invented3": dict(zip(FIGURES, (0.93, 0.95, 0.90, 0.83, 0.88, 0.95, 0.90), strict=True)),
    # invented rounds 4, 5 and 6, each measured blind (0.820, 0.864, 0.882) before it was read
    "invented4": dict(zip(FIGURES, (0.96, 0.95, 0.95, 0.86, 0.90, 0.90, 0.95), strict=True)),
    "invented5": dict(zip(FIGURES, (0.94, 0.93, 0.93, 0.87, 0.91, 0.90, 0.95), strict=True)),
    # round 6 was read last, with little work from it: its figures are near its first sight
    "invented6": dict(zip(FIGURES, (0.87, 0.90, 0.86, 0.84, 0.84, 0.90, 0.60), strict=True)),
}
# the weakest language of each set, status accuracy
LANGUAGE_STATUS_BARS = {"fresh-a": 0.85, "fresh-b": 0.89, "invented3": 0.89, "invented4": 0.94, "invented5": 0.89, "invented6": 0.84}


@pytest.fixture(scope="module", params=sorted(BARS))
def figures(request, auditor):
    folder = DATA / request.param
    batch, labels = audit_labelled(auditor, folder / "docs", folder / "labels.csv")
    for audit in batch.audits:
        assert audit.language == audit.document[:2], audit.document
    return request.param, evaluate(batch, labels)


@pytest.mark.parametrize("figure", FIGURES)
def test_overall_figure_holds_its_bar(figures, figure):
    name, result = figures
    assert result.overall[figure] >= BARS[name][figure], result.mistakes


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_holds_the_status_bar(figures, language):
    name, result = figures
    assert result.by_language[language]["status_accuracy"] >= LANGUAGE_STATUS_BARS[name], result.mistakes
