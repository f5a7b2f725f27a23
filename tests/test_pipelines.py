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


def test_reduced_sentence_pipeline_splits_like_the_trained_pipeline_loaded_whole():
    """The sentence pipeline loads only fr_core_news_sm's senter weights behind its tokenizer (no
    hyphenated-word expression, for start-up); its boundaries must stay those of spacy.load."""
    import spacy

    from gdprcheck.locate.locator import build_sentence_pipeline
    from gdprcheck.read import read_document
    from tests.conftest import DEV

    whole = spacy.load("fr_core_news_sm", exclude=["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner"])
    whole.enable_pipe("senter")
    reduced = build_sentence_pipeline("fr_core_news_sm")
    assert reduced.pipe_names == ["senter"]
    paths = sorted(SEEDS.glob("*.txt")) + sorted((DEV / "docs").glob("fr_*.txt"))
    lines = [line for path in paths for line in read_document(path).text.splitlines() if line.strip()]
    differing = [
        a.text
        for a, b in zip(reduced.pipe(lines), whole.pipe(lines), strict=True)
        if [s.end_char for s in a.sents] != [s.end_char for s in b.sents]
    ]
    assert len(lines) > 1000
    assert len(differing) <= len(lines) // 200, differing  # 2 of 1,522 lines when written


def test_loading_the_french_pipelines_does_not_import_spacy_french_language_module():
    """spacy.lang.fr compiles its hyphenated-word expression at import (seconds): the default audit
    must not pay it. Checked in a fresh process, where nothing else has imported it."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from gdprcheck.audit import Auditor\n"
        "from gdprcheck.checklist import load_checklist\n"
        "Auditor(load_checklist()).locator.load(['fr'])\n"
        "print('spacy.lang.fr' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_line_longer_than_spacy_accepts_is_read_in_pieces(tmp_path, auditor):
    """A contract whose text has no line breaks (some PDF exports), over spaCy's 1,000,000-character
    limit: audited, with the same findings as the seed it is made of, never spaCy's E088."""
    from gdprcheck.locate.locator import PIECE_CHARACTERS, _pieces

    seed = SEEDS / "000_cf920cd19cec65ae.txt"
    line = seed.read_text(encoding="utf-8").replace("\n", " ")
    path = tmp_path / "one-line.txt"
    path.write_text(" ".join([line] * (1_050_000 // len(line) + 1)) + "\n", encoding="utf-8")
    assert len(path.read_text(encoding="utf-8")) > 1_000_000
    batch = auditor.audit_files([path])
    assert batch.errors == []
    statuses = {r.item: r.status.value for r in batch.audits[0].items}
    assert sum(status == "met" for status in statuses.values()) >= 10
    # the pieces cover the text exactly, each within the limit, cut after a sentence where one ends
    pieces = _pieces(line * 40, PIECE_CHARACTERS)
    assert "".join(piece for _, piece in pieces) == line * 40
    assert all(len(piece) <= PIECE_CHARACTERS for _, piece in pieces)
    assert all(offset == sum(len(p) for _, p in pieces[:number]) for number, (offset, _) in enumerate(pieces))
