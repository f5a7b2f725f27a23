"""The bars of the core audit, measured by running the real pipeline on the seed contracts and
comparing with the hand-made seed labels (tests/data/seeds.labels.csv, copied from shared/eval)."""

from __future__ import annotations

import pytest

from gdprcheck.evaluate import evaluate


@pytest.fixture(scope="module")
def figures(seed_batch, seed_labels):
    return evaluate(seed_batch, seed_labels)


def test_every_seed_is_audited_in_french(seed_batch):
    assert not seed_batch.errors
    assert sorted(a.document for a in seed_batch.audits) == [
        "000_cf920cd19cec65ae.txt",
        "002_3148ba8c1081bd17.txt",
        "003_af13cc07b1670a4f.txt",
    ]
    assert {a.language for a in seed_batch.audits} == {"fr"}


def test_status_accuracy(figures):
    assert figures.overall["status_accuracy"] >= 0.90, figures.mistakes


def test_gap_precision_and_recall(figures):
    assert figures.overall["gap_precision"] >= 0.90, figures.mistakes
    assert figures.overall["gap_recall"] >= 0.90, figures.mistakes


def test_evidence_hit_rate(figures):
    assert figures.overall["evidence_hit"] >= 0.90, figures.mistakes


def test_every_breach_notification_value_is_exact(seed_batch, seed_labels):
    labelled = seed_labels[seed_labels["item"] == "breach.notification"]
    predicted = {(r.document, r.item): r.value for a in seed_batch.audits for r in a.results}
    for row in labelled.itertuples():
        assert predicted[(row.document, "breach.notification")] == row.value, row.document


def test_red_flags(figures):
    assert figures.overall["redflag_recall"] >= 0.80, figures.mistakes
    assert figures.overall["redflag_precision"] >= 0.80, figures.mistakes


@pytest.mark.parametrize(
    "document, trap",
    [
        ("000_cf920cd19cec65ae.txt", "réclamation"),  # 72 hours to bring liability claims
        ("002_3148ba8c1081bd17.txt", "saisie du matériel"),  # 24 hours to report a seizure of hardware
        ("002_3148ba8c1081bd17.txt", "cette découverte"),  # 48 hours to report hidden defects
        ("003_af13cc07b1670a4f.txt", "intervention"),  # 48 hours to start a repair under the SLA
    ],
)
def test_deadlines_of_other_subjects_are_not_breach_evidence(seed_batch, document, trap):
    audit = next(a for a in seed_batch.audits if a.document == document)
    breach = next(r for r in audit.results if r.item == "breach.notification")
    assert trap not in (breach.evidence.quote if breach.evidence else "")
    assert breach.value in {"immediate", "24 hours", "unspecified"}


def test_every_finding_cites_a_quote_from_the_contract_and_its_clause(seed_batch):
    from gdprcheck.evaluate import squeeze
    from gdprcheck.normalise import normalise
    from tests.conftest import SEEDS

    for audit in seed_batch.audits:
        text = squeeze(normalise((SEEDS / audit.document).read_text(encoding="utf-8")).text)
        for result in audit.results:
            if result.evidence is None:
                assert result.status.value == "missing"
                continue
            assert result.evidence.clause
            for part in result.evidence.quote.split("…"):
                assert squeeze(part) in text, (result.item, part[:80])
