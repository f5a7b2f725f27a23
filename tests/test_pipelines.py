"""Pipelines: French runs on the installed trained pipeline (fr_core_news_sm), the other languages on
spacy.blank with rules; the same audit on blank pipelines only must give the same findings, so that a
machine without a trained model is not a worse auditor, and one with a model loses nothing."""

from __future__ import annotations

import pytest

from gdprcheck.audit import Auditor, contract_files
from tests.conftest import SEEDS


def test_french_uses_the_trained_pipeline_and_the_others_blank_ones(auditor):
    names = {language: auditor.locator.pipeline_name(language) for language in ("fr", "en", "nl", "de")}
    assert "core_news_sm" in names["fr"]
    for language in ("en", "nl", "de"):
        assert "blank" in names[language], names  # no trained English/Dutch/German model is installed here


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_blank_pipelines_give_the_same_findings(auditor, checklist, name):
    blank = Auditor(checklist, prefer_trained=False)
    files, _ = contract_files(SEEDS)
    path = next(f for f in files if f.name == name)
    trained = {r.item: (r.status, r.value) for r in auditor.audit_file(path).results}
    rules_only = {r.item: (r.status, r.value) for r in blank.audit_file(path).results}
    assert rules_only == trained
