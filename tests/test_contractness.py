"""A text that is no contract (a recipe, minutes, a price list) is reported, not scored "all
missing"; the contract words are checklist data, one list per language."""

from __future__ import annotations

import pytest

from gdprcheck.checklist import DEFAULT_CHECKLIST, load_checklist
from gdprcheck.contractness import contract_terms
from gdprcheck.read import ReadError
from tests.conftest import SEEDS


def test_long_text_that_is_no_contract_is_not_audited(tmp_path, auditor):
    # scored, it would come out "all missing" and make its vendor look like the worst of the batch
    path = tmp_path / "recette.txt"
    path.write_text("Pour la pâte, mélangez la farine, le sucre et les oeufs, puis laissez reposer une heure. " * 10)
    with pytest.raises(ReadError) as caught:
        auditor.audit_file(path)
    assert str(caught.value) == "no contract-like text (160 words, 0 of the usual contract or data-protection terms)"


@pytest.mark.parametrize("folder", ["seeds", "tests/data/dev/docs"])
def test_every_real_contract_passes_the_contract_check(folder, checklist):
    paths = sorted((SEEDS.parent / folder).glob("*.txt"))
    assert paths
    for path in paths:
        assert contract_terms(path.read_text(encoding="utf-8"), checklist) >= 5, path.name


@pytest.mark.parametrize(
    "text",
    [
        "Le Prestataire traite les données du Client conformément au présent contrat.",
        "The Supplier processes Customer data under this Agreement.",
        "De Leverancier verwerkt de gegevens van de Klant onder deze overeenkomst.",
        "Der Auftragnehmer verarbeitet die Daten des Kunden nach diesem Vertrag.",
    ],
)
def test_every_language_contributes_its_contract_words(text, checklist):
    assert contract_terms(text, checklist) >= 3


def test_the_threshold_is_checklist_data(tmp_path, auditor):
    import shutil

    import yaml

    from gdprcheck.audit import Auditor

    shutil.copytree(DEFAULT_CHECKLIST.parent, tmp_path / "checklists")
    path = tmp_path / "checklists" / "art28.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["min_contract_terms"] = 0
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("Réunion du lundi : les chiffres du trimestre sont bons, la cantine rouvre en mai. " * 10)
    with pytest.raises(ReadError):
        auditor.audit_file(notes)
    audit = Auditor(load_checklist(path)).audit_file(notes)  # told to accept any text, it scores it
    assert all(result.status.value == "missing" for result in audit.results if not result.is_red_flag)
