"""The command line as a DPO types it: short options, one contract file, several files and folders in
one run, files of the same name from different folders, and paths that are wrong. Every test runs
the real command (main(), or the installed module in a subprocess) on real files in tmp_path and
reads back the workbook and results.csv it wrote."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gdprcheck.audit import collect_contracts, unique_document_names
from gdprcheck.checklist import DEFAULT_CHECKLIST
from gdprcheck.cli import main
from gdprcheck.report import CSV_NAME, WORKBOOK_NAME, layout
from tests.conftest import DEV, ROOT, SEED_LABELS, SEEDS

SEED = "003_af13cc07b1670a4f.txt"  # the shortest seed
OTHER_SEED = "000_cf920cd19cec65ae.txt"
SMALL = ["de_pentacode-agb.txt", "en_plausible-dpa.txt"]


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return target


def _documents(out: Path) -> list[str]:
    """The documents of results.csv, each once, in the order of the report."""
    with (out / CSV_NAME).open(encoding="utf-8") as handle:
        return list(dict.fromkeys(row["document"] for row in csv.DictReader(handle)))


def _contract_sheet(book, document: str):
    """The sheet whose File cell names the document (tabs are shortened names)."""
    return next(sheet for sheet in book.worksheets if (sheet["A1"].value, sheet["B1"].value) == (layout.FILE_LABEL, document))


def _cell(sheet, item: str, header: str):
    """A finding's cell: the table's header row is row 5, its item IDs in the Item ID column."""
    columns = {cell.value: cell.column for cell in sheet[5] if cell.value}
    row = next(r for r in range(6, sheet.max_row + 1) if sheet.cell(row=r, column=columns[layout.ITEM_ID]).value == item)
    return sheet.cell(row=row, column=columns[header])


def _errors(out: Path) -> dict[str, str]:
    rows = load_workbook(out / WORKBOOK_NAME)[layout.ERRORS].iter_rows(min_row=2, values_only=True)
    return {document: problem for document, problem in rows}


def _run(*arguments: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The command in a process of its own, as a shell runs it."""
    return subprocess.run([sys.executable, "-m", "gdprcheck.cli", *arguments], capture_output=True, text=True, cwd=cwd)


# --- short options ---------------------------------------------------------------------------------


def test_help_lists_the_short_options_and_loads_no_audit_library():
    common = ["-c FILE, --checklist FILE", "-j N, --jobs N", "-q, --quiet"]
    for command, options in (("audit", [*common, "-o DIR, --out DIR", "-r, --recursive"]), ("eval", common)):
        shown = _run(command, "--help")
        assert shown.returncode == 0
        for option in options:
            assert option in shown.stdout, (command, option)
    # --help answers at once: it never imports the checklist models, spaCy, pandas or openpyxl
    code = (
        "import sys\n"
        "from gdprcheck.cli import main\n"
        "try:\n    main(['audit', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pydantic', 'spacy', 'pandas', 'openpyxl', 'gdprcheck.checklist') if m in sys.modules))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip().splitlines()[-1] == "[]"


def test_short_options_do_what_the_long_ones_do(tmp_path):
    contract = _copy(SEEDS / SEED, tmp_path / "in" / SEED)
    checklist = shutil.copytree(DEFAULT_CHECKLIST.parent, tmp_path / "checklists") / DEFAULT_CHECKLIST.name
    short, long = tmp_path / "short", tmp_path / "long"
    ran = _run("audit", str(contract), "-o", str(short), "-j", "1", "-q", "-c", str(checklist), "--no-cache")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == ""  # -q: nothing but errors
    assert main(["audit", str(contract), "--out", str(long), "--jobs", "1", "--checklist", str(checklist), "--no-cache"]) == 0
    assert (short / CSV_NAME).read_text(encoding="utf-8") == (long / CSV_NAME).read_text(encoding="utf-8")
    info = {row[0]: row[1] for row in load_workbook(short / WORKBOOK_NAME)[layout.RUN_INFO].iter_rows(values_only=True) if row[0]}
    assert info["Option --checklist"] == str(checklist)
    assert info["Option --jobs"] == "1"


def test_eval_takes_the_short_options(tmp_path, capsys):
    arguments = ["eval", str(SEEDS), "--labels", str(SEED_LABELS), "--documents", "003_*", "--json"]
    assert main([*arguments, "-c", str(DEFAULT_CHECKLIST), "-j", "1", "-q"]) == 0
    short = json.loads(capsys.readouterr().out)
    assert main([*arguments, "--checklist", str(DEFAULT_CHECKLIST), "--jobs", "1", "--quiet"]) == 0
    assert json.loads(capsys.readouterr().out) == short
    assert short["overall"]["pairs"] == 19  # one seed's items


# --- what is audited --------------------------------------------------------------------------------


def test_one_contract_file(tmp_path, capsys):
    contract = _copy(SEEDS / SEED, tmp_path / "vendor" / "new-vendor.txt")
    _copy(SEEDS / OTHER_SEED, tmp_path / "vendor" / "older-vendor.txt")  # beside it, not asked for
    out = tmp_path / "out"
    assert main(["audit", str(contract), "-o", str(out)]) == 0
    assert _documents(out) == ["new-vendor.txt"]
    book = load_workbook(out / WORKBOOK_NAME)
    assert [s.title for s in book.worksheets if s.title not in layout.FIXED_SHEETS] == ["new-vendor"]
    assert _cell(_contract_sheet(book, "new-vendor.txt"), "breach.notification", layout.STATUS).value in (
        "met",
        "partial",
        "missing",
    )
    assert _errors(out) == {}
    assert "new-vendor.txt: fr, score" in capsys.readouterr().out


def test_no_argument_audits_the_seeds(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    assert main(["audit", "-o", str(out), "-q"]) == 0
    assert _documents(out) == sorted(path.name for path in SEEDS.glob("*.txt"))


def test_several_folders_and_files_in_one_report_each_file_once(tmp_path):
    a = tmp_path / "a"
    _copy(DEV / "docs" / SMALL[0], a / SMALL[0])
    _copy(DEV / "docs" / SMALL[1], a / SMALL[1])
    single = _copy(SEEDS / SEED, tmp_path / "loose" / "contrat.txt")
    out = tmp_path / "out"
    # the folder twice, one of its files again, the loose file twice under two spellings
    paths = [a, single, a, a / SMALL[1], tmp_path / "loose" / ".." / "loose" / "contrat.txt"]
    assert main(["audit", *map(str, paths), "-o", str(out), "-q"]) == 0
    assert _documents(out) == [SMALL[0], SMALL[1], "contrat.txt"]  # in the order given, each once
    with (out / CSV_NAME).open(encoding="utf-8") as handle:
        pairs = [(row["document"], row["item"]) for row in csv.DictReader(handle)]
    assert len(pairs) == len(set(pairs))
    paths_in_run_info = {
        row[0]: row[3] for row in load_workbook(out / WORKBOOK_NAME)[layout.RUN_INFO].iter_rows(values_only=True) if row[0]
    }
    assert paths_in_run_info["contrat.txt"] == str(single)


def test_paths_typed_after_an_option_are_audited_too(tmp_path):
    first = _copy(DEV / "docs" / SMALL[0], tmp_path / "a" / SMALL[0])
    second = _copy(DEV / "docs" / SMALL[1], tmp_path / "b" / SMALL[1])
    out = tmp_path / "out"
    assert main(["audit", str(first), "-o", str(out), "-q", str(second)]) == 0
    assert _documents(out) == [SMALL[0], SMALL[1]]
    with pytest.raises(SystemExit) as stopped:
        main(["audit", str(first), "-o", str(out), str(second), "--no-such-option"])
    assert stopped.value.code == 2


def test_recursive_applies_to_every_folder_given(tmp_path):
    _copy(DEV / "docs" / SMALL[0], tmp_path / "a" / "hosting" / "agb.txt")
    _copy(DEV / "docs" / SMALL[1], tmp_path / "b" / "dpa.txt")
    out = tmp_path / "out"
    assert main(["audit", str(tmp_path / "a"), str(tmp_path / "b"), "-r", "-o", str(out), "-q"]) == 0
    assert _documents(out) == ["hosting/agb.txt", "dpa.txt"]
    # without -r, the folder that holds only a sub-folder says where its contracts are
    assert main(["audit", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out), "-q"]) == 0
    assert _documents(out) == ["dpa.txt"]
    assert "--recursive" in _errors(out)[str(tmp_path / "a")]


# --- names that clash ---------------------------------------------------------------------------------


def test_same_file_name_from_two_folders_stays_two_documents_with_their_reviews(tmp_path, capsys):
    acme = _copy(SEEDS / SEED, tmp_path / "acme" / "dpa.txt")
    globex = _copy(SEEDS / OTHER_SEED, tmp_path / "globex" / "dpa.txt")
    out = tmp_path / "out"
    assert main(["audit", str(tmp_path / "acme"), str(globex), "-o", str(out)]) == 0
    assert _documents(out) == ["acme/dpa.txt", "globex/dpa.txt"]
    assert "files named 'dpa.txt' are reported as acme/dpa.txt, globex/dpa.txt" in capsys.readouterr().err
    workbook = out / WORKBOOK_NAME
    book = load_workbook(workbook)
    first, second = _contract_sheet(book, "acme/dpa.txt"), _contract_sheet(book, "globex/dpa.txt")
    assert first.title != second.title
    assert first["B2"].value != second["B2"].value  # each sheet holds its own file's SHA-256

    # a review typed on acme's sheet comes back on acme's row only, after acme's text changed
    _cell(first, "roles", layout.REVIEWER_COMMENT).value = "acme: checked with legal"
    book.save(workbook)
    with acme.open("a", encoding="utf-8") as handle:
        handle.write("\n\nARTICLE 99 – Divers\nLe présent contrat est régi par le droit belge.\n")
    assert main(["audit", str(tmp_path / "acme"), str(globex), "-o", str(out), "-q"]) == 0
    book = load_workbook(workbook)
    assert _cell(_contract_sheet(book, "acme/dpa.txt"), "roles", layout.REVIEWER_COMMENT).value == "acme: checked with legal"
    assert _cell(_contract_sheet(book, "globex/dpa.txt"), "roles", layout.REVIEWER_COMMENT).value is None


def test_clashing_names_take_as_many_parent_folders_as_tell_them_apart(tmp_path):
    files = [
        _copy(SEEDS / SEED, tmp_path / "2025" / "acme" / "dpa.txt"),
        _copy(SEEDS / SEED, tmp_path / "2026" / "acme" / "dpa.txt"),
        _copy(SEEDS / SEED, tmp_path / "2026" / "globex" / "terms.txt"),
    ]
    names, notes = unique_document_names([(path, None) for path in files])
    assert [names[path] for path in files] == ["2025/acme/dpa.txt", "2026/acme/dpa.txt", "terms.txt"]
    assert notes == ["files named 'dpa.txt' are reported as 2025/acme/dpa.txt, 2026/acme/dpa.txt"]
    # a folder's own sub-folders already tell its files apart: nothing is renamed
    inputs = collect_contracts([tmp_path], recursive=True)
    assert list(inputs.names.values()) == ["2025/acme/dpa.txt", "2026/acme/dpa.txt", "2026/globex/terms.txt"]
    assert inputs.renamed == []


# --- wrong paths ------------------------------------------------------------------------------------


def test_wrong_paths_are_named_and_the_rest_of_the_batch_goes_on(tmp_path, capsys):
    contract = _copy(SEEDS / SEED, tmp_path / "contrat.txt")
    (tmp_path / "prices.xlsx").write_bytes(b"PK\x03\x04")
    out = tmp_path / "out"
    given = [tmp_path / "missing.pdf", contract, tmp_path / "no-folder", tmp_path / "prices.xlsx"]
    assert main(["audit", *map(str, given), "-o", str(out), "-q"]) == 1  # some paths failed, report written
    err = capsys.readouterr().err
    assert f"{tmp_path / 'missing.pdf'}: no such file" in err
    assert f"{tmp_path / 'no-folder'}: no such folder" in err
    assert f"{tmp_path / 'prices.xlsx'}: not a contract format ('.xlsx'" in err
    assert _documents(out) == ["contrat.txt"]
    assert set(_errors(out)) == {str(tmp_path / "missing.pdf"), str(tmp_path / "no-folder"), str(tmp_path / "prices.xlsx")}


def test_nothing_to_audit_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["audit", str(tmp_path / "missing.docx"), str(tmp_path / "elsewhere"), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "missing.docx: no such file" in err and "elsewhere: no such folder" in err and "nothing to audit" in err
    assert not out.exists()


def test_a_text_contract_is_read_without_the_pdf_and_word_libraries(tmp_path):
    contract = _copy(SEEDS / SEED, tmp_path / "contrat.txt")
    code = (
        "import sys\n"
        "from gdprcheck.cli import main\n"
        f"assert main(['audit', {str(contract)!r}, '-o', {str(tmp_path / 'out')!r}, '-q', '--no-cache']) == 0\n"
        "print(sorted(m for m in ('docx', 'pypdfium2') if m in sys.modules))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("spelling", ["{dir}", "{dir}/", "{dir}/./"])
def test_a_folder_given_twice_in_other_spellings_is_read_once(tmp_path, spelling):
    folder = tmp_path / "contracts"
    _copy(SEEDS / SEED, folder / "contrat.txt")
    inputs = collect_contracts([folder, Path(spelling.format(dir=folder))])
    assert inputs.files == [folder / "contrat.txt"]
    assert inputs.skipped == [] and inputs.failed == []


# --- folders that cannot be read, links that lead nowhere: named, never silently left out ----------


def _results(out: Path) -> list[dict[str, str]]:
    with (out / CSV_NAME).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _error_rows(out: Path) -> dict[str, str]:
    sheet = load_workbook(out / WORKBOOK_NAME, read_only=True)["Errors"]
    rows = list(sheet.iter_rows(values_only=True))
    return {str(row[0]): str(row[1]) for row in rows[1:] if row and row[0]}


def test_a_dangling_link_is_an_error_row_and_a_linked_folder_is_read_once(tmp_path, capsys):
    folder = tmp_path / "vendors"
    _copy(SEEDS / SEED, folder / "acme" / SEED)
    (folder / "dangling.txt").symlink_to(tmp_path / "gone" / "dpa.txt")
    (folder / "alias").symlink_to(folder / "acme", target_is_directory=True)  # the same folder again
    (folder / "acme" / "loop").symlink_to(folder, target_is_directory=True)  # a loop
    out = tmp_path / "out"
    assert main(["audit", str(folder), "-r", "-o", str(out), "-q", "--no-cache", "-j", "1"]) == 1
    assert "dangling.txt: symbolic link to" in capsys.readouterr().err
    assert {row["document"] for row in _results(out)} == {f"acme/{SEED}"}
    errors = _error_rows(out)
    assert any(name.endswith("dangling.txt") and "does not exist" in problem for name, problem in errors.items())


def test_an_unreadable_sub_folder_is_named(tmp_path, capsys, monkeypatch):
    """The operating system refuses to list a sub-folder (a folder of another user, chmod 000): its
    contracts cannot be audited, and the run says which folder. As root nothing is refused, so the
    refusal is the one os.scandir raises for such a folder."""
    folder = tmp_path / "vendors"
    _copy(SEEDS / SEED, folder / "open" / SEED)
    _copy(SEEDS / OTHER_SEED, folder / "locked" / OTHER_SEED)
    locked = folder / "locked"
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out = tmp_path / "out"
    assert main(["audit", str(folder), "-r", "-o", str(out), "-q", "--no-cache", "-j", "1"]) == 1
    assert f"{locked}: folder cannot be read (Permission denied)" in capsys.readouterr().err
    assert {row["document"] for row in _results(out)} == {f"open/{SEED}"}
    assert any(name == str(locked) for name in _error_rows(out))


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads every folder")
def test_a_folder_without_read_permission_is_named(tmp_path, capsys):
    folder = tmp_path / "vendors"
    _copy(SEEDS / SEED, folder / "open" / SEED)
    _copy(SEEDS / OTHER_SEED, folder / "locked" / OTHER_SEED)
    (folder / "locked").chmod(0)
    try:
        assert main(["audit", str(folder), "-r", "-o", str(tmp_path / "out"), "-q", "--no-cache", "-j", "1"]) == 1
    finally:
        (folder / "locked").chmod(0o755)
    assert "locked: folder cannot be read" in capsys.readouterr().err


def test_each_file_error_is_said_once_and_the_run_ends_with_a_summary(tmp_path, capsys):
    folder = tmp_path / "contracts"
    _copy(SEEDS / SEED, folder / SEED)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"not a pdf")
    out = tmp_path / "out"
    assert main(["audit", str(folder), "-o", str(out), "--no-cache", "-j", "1"]) == 1
    printed = capsys.readouterr()
    assert printed.err.count("empty.txt") == 1 and printed.err.count("broken.pdf") == 1
    assert "Traceback" not in printed.err
    assert printed.out.strip().splitlines()[-1] == f"audited 1 contract(s), 2 file(s) could not be (listed above); report: {out / WORKBOOK_NAME}"


def test_without_a_path_outside_the_repository_the_message_says_what_to_type(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["audit", "-q"]) == 2
    err = capsys.readouterr().err
    assert "give the files or folders to audit" in err and "gdprcheck audit contracts/" in err
    assert "no such folder" not in err
