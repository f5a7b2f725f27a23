"""Shared fixtures: the real default checklist, one Auditor (spaCy pipelines load once per session),
and the seed contracts audited once."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdprcheck.audit import Auditor, contract_files
from gdprcheck.checklist import DEFAULT_CHECKLIST, Checklist, load_checklist
from gdprcheck.evaluate import read_labels
from gdprcheck.models import BatchResult

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
SEED_LABELS = DATA / "seeds.labels.csv"
DEV = DATA / "dev"


def seed_excerpt(name: str, start_marker: str, chars: int) -> str:
    """A piece of a seed contract: `chars` characters from the first `start_marker`."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    start = text.index(start_marker)
    return text[start : start + chars]


@pytest.fixture(scope="session", autouse=True)
def private_result_cache(tmp_path_factory):
    """Audits run by the tests cache their results in a temporary folder, never the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="session")
def checklist() -> Checklist:
    return load_checklist(DEFAULT_CHECKLIST)


@pytest.fixture(scope="session")
def auditor(checklist: Checklist) -> Auditor:
    return Auditor(checklist)


@pytest.fixture(scope="session")
def seed_batch(auditor: Auditor) -> BatchResult:
    files, _ = contract_files(SEEDS)
    return auditor.audit_files(files)


@pytest.fixture(scope="session")
def seed_labels():
    return read_labels(SEED_LABELS)


def audit_labelled(auditor: Auditor, folder: Path, labels_path: Path):
    """The labelled contracts of a folder audited (none may fail), with their labels."""
    labels = read_labels(labels_path)
    files, _ = contract_files(folder)
    batch = auditor.audit_files([f for f in files if f.name in set(labels["document"])])
    assert not batch.errors
    assert {audit.document for audit in batch.audits} == set(labels["document"])
    return batch, labels
