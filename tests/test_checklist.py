"""The checklist is the DPO's to edit: it loads, covers the catalogue, and a broken one is reported
with the file, the item, the field and the line — never a traceback."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from gdprcheck.checklist import DEFAULT_CHECKLIST, ChecklistError, load_checklist
from gdprcheck.cli import main

CATALOGUE_ITEMS = [
    "roles",
    "processing.description",
    "instructions.documented",
    "instructions.legal-requirement",
    "instructions.infringement-alert",
    "confidentiality",
    "security.measures",
    "subprocessing.authorisation",
    "subprocessing.change-notice",
    "subprocessing.flow-down",
    "subprocessing.liability",
    "assistance.data-subject-rights",
    "assistance.compliance",
    "breach.notification",
    "breach.content",
    "deletion.return",
    "audit.rights",
    "location.eu",
    "transfers.safeguards",
]
CATALOGUE_FLAGS = [
    "redflag.return-conditional-on-payment",
    "redflag.default-destruction",
    "redflag.audit-costs-on-controller",
    "redflag.security-disclaimer",
    "redflag.unnamed-third-country-hosting",
]


def test_default_checklist_implements_the_catalogue(checklist):
    assert [i.id for i in checklist.checklist_items] == CATALOGUE_ITEMS
    assert [i.id for i in checklist.red_flags] == CATALOGUE_FLAGS
    assert set(checklist.languages) == {"fr", "en", "nl", "de"}
    for item in checklist.items:
        assert item.gdpr and item.description and item.recommendation, item.id


def test_every_concept_used_by_an_item_is_defined_in_every_language(checklist):
    used = set(checklist.evidence_context).union(*(o.concepts for i in checklist.items for o in i.outcomes))
    for code, language in checklist.languages.items():
        assert not used - set(language.concepts), (code, sorted(used - set(language.concepts)))


def _copy_checklist(tmp_path: Path) -> Path:
    shutil.copytree(DEFAULT_CHECKLIST.parent, tmp_path / "checklists")
    return tmp_path / "checklists" / "art28.yaml"


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_wrong_status_names_file_item_field_and_line(tmp_path):
    path = _copy_checklist(tmp_path)
    _edit(path, lambda d: d["items"][13]["outcomes"][0].update(status="good"))
    with pytest.raises(ChecklistError) as error:
        load_checklist(path)
    message = str(error.value)
    assert str(path) in message and "item 'breach.notification'" in message and "outcomes.0.status" in message
    assert re.search(r"line \d+", message)


def test_unknown_concept_is_named(tmp_path):
    path = _copy_checklist(tmp_path)
    _edit(path, lambda d: d["items"][0]["outcomes"][0]["all"].append("no_such_concept"))
    with pytest.raises(ChecklistError, match="item 'roles'.*no_such_concept"):
        load_checklist(path)


def test_evidence_near_must_name_an_earlier_item(tmp_path):
    path = _copy_checklist(tmp_path)
    _edit(path, lambda d: d["items"][0].update(evidence_near="breach.notification"))
    expected = "item 'roles': evidence_near 'breach.notification' is not the ID of an item listed before it"
    with pytest.raises(ChecklistError, match=expected):
        load_checklist(path)


def test_invalid_threshold_is_named(tmp_path):
    path = _copy_checklist(tmp_path)
    _edit(path, lambda d: d["items"][13]["outcomes"][0]["value"].update(max="two days"))
    with pytest.raises(ChecklistError, match="'two days' is not a duration"):
        load_checklist(path)


def test_broken_regular_expression_in_a_language_file_is_named(tmp_path):
    path = _copy_checklist(tmp_path)
    _edit(path.parent / "languages" / "fr.yaml", lambda d: d["concepts"]["breach"].append("violation (de"))
    with pytest.raises(ChecklistError, match=r"fr\.yaml.*concept 'breach'.*not a valid regular expression"):
        load_checklist(path)


def test_yaml_syntax_error_gives_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nitems:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ChecklistError, match=r"broken\.yaml: line \d+ invalid YAML"):
        load_checklist(path)


def test_validate_command(tmp_path, capsys):
    assert main(["checklist", "validate", str(DEFAULT_CHECKLIST)]) == 0
    assert "valid" in capsys.readouterr().out
    broken = _copy_checklist(tmp_path)
    _edit(broken, lambda d: d["items"][0].pop("gdpr"))
    assert main(["checklist", "validate", str(broken)]) == 2
    assert "item 'roles'" in capsys.readouterr().err


def test_a_dpo_adds_an_item_with_yaml_only_and_finds_it_in_the_report(tmp_path):
    """README's worked example: a DPO adds an item for the processor's data-protection officer."""
    from openpyxl import load_workbook

    path = _copy_checklist(tmp_path)
    language_file = path.parent / "languages" / "fr.yaml"
    _edit(
        language_file,
        lambda d: d["concepts"].update(
            dpo_contact=["délégué à la protection des données", "responsable de la protection des données", "DPO"]
        ),
    )
    new_item = {
        "id": "dpo.contact",
        "title": "Processor's data-protection officer named",
        "gdpr": "Art. 37-39, 30(2)(a)",
        "description": "The processor gives the name and contact details of its data-protection officer.",
        "recommendation": "Ask for the contact details of the vendor's data-protection officer.",
        "outcomes": [{"status": "met", "all": ["dpo_contact", "notify"], "rationale": "The DPO's contact is communicated."}],
    }
    _edit(path, lambda d: d["items"].insert(19, new_item))
    seeds = tmp_path / "contracts"
    seeds.mkdir()
    shutil.copy(Path(__file__).parent.parent / "seeds" / "002_3148ba8c1081bd17.txt", seeds)
    out = tmp_path / "reports"
    assert main(["audit", str(seeds), "--checklist", str(path), "--out", str(out), "--quiet"]) == 0
    book = load_workbook(out / "gdprcheck-report.xlsx")
    assert "dpo.contact" in [c.value for c in book["Overview"][1]]
    findings = book["002_3148ba8c1081bd17"]  # the contract's own sheet; its table starts on row 5
    header = [c.value for c in findings[5]]
    rows = [dict(zip(header, row, strict=False)) for row in findings.iter_rows(min_row=6, values_only=True)]
    dpo = [r for r in rows if r["Item ID"] == "dpo.contact"]
    assert len(dpo) == 1
    assert dpo[0]["Status"] == "met"
    assert "protection des données" in dpo[0]["Evidence"]


# --- what checking the patterns learnt, kept for the next run ------------------------------------


def _copy_checklist(tmp_path: Path) -> Path:
    folder = tmp_path / "checklists"
    shutil.copytree(DEFAULT_CHECKLIST.parent, folder)
    return folder / DEFAULT_CHECKLIST.name


def _forget_shapes(monkeypatch):
    from gdprcheck.locate import scanner

    monkeypatch.setattr(scanner, "_SHAPES", {})
    return scanner


def test_an_unchanged_checklist_is_loaded_without_parsing_its_patterns_again(tmp_path, monkeypatch):
    path, shapes = _copy_checklist(tmp_path), tmp_path / "shapes"
    scanner = _forget_shapes(monkeypatch)
    first = load_checklist(path, shapes)
    assert len(list(shapes.glob("*.json"))) == len(first.languages)
    kept = dict(scanner._SHAPES)
    scanner = _forget_shapes(monkeypatch)
    parses = []
    real_parse = scanner._parser.parse
    monkeypatch.setattr(scanner._parser, "parse", lambda *a, **k: parses.append(a) or real_parse(*a, **k))
    second = load_checklist(path, shapes)
    assert parses == [] and second == first
    assert {p: scanner._SHAPES[p] for p in kept} == kept


@pytest.mark.parametrize("damage", ["changed file", "damaged shapes", "other patterns"])
def test_shapes_of_another_file_or_damaged_ones_are_not_taken(tmp_path, monkeypatch, damage):
    path, shapes = _copy_checklist(tmp_path), tmp_path / "shapes"
    _forget_shapes(monkeypatch)
    load_checklist(path, shapes)
    english = path.parent / "languages" / "en.yaml"
    if damage == "changed file":
        # an invalid pattern added since: refused, whatever was kept of the file before
        english.write_text(english.read_text(encoding="utf-8").replace("concepts:\n", "concepts:\n  broken: ['notif(y']\n", 1), encoding="utf-8")
    else:
        for kept in shapes.glob("*.json"):
            entries = json.loads(kept.read_text(encoding="utf-8"))
            kept.write_text("[[" if damage == "damaged shapes" else json.dumps(entries[1:]), encoding="utf-8")
    _forget_shapes(monkeypatch)
    if damage == "changed file":
        with pytest.raises(ChecklistError, match=r"en\.yaml.*concept 'broken'"):
            load_checklist(path, shapes)
    else:
        assert load_checklist(path, shapes) == load_checklist(path)
        from gdprcheck.locate import scanner

        assert all(p in scanner._SHAPES for data in load_checklist(path).languages.values() for ps in data.concepts.values() for p in ps if isinstance(p, str))


def test_validate_checks_every_pattern_afresh(tmp_path, monkeypatch, capsys):
    path, shapes = _copy_checklist(tmp_path), tmp_path / "shapes"
    scanner = _forget_shapes(monkeypatch)
    load_checklist(path, shapes)
    _forget_shapes(monkeypatch)
    parses = []
    real_parse = scanner._parser.parse
    monkeypatch.setattr(scanner._parser, "parse", lambda *a, **k: parses.append(a) or real_parse(*a, **k))
    assert main(["checklist", "validate", str(path)]) == 0
    assert len(parses) >= 2000
