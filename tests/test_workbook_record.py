"""Reading reviews back fast without reading them differently: the record of the last workbook
written (used only for those exact bytes), the read-only parse, the open-file limit of a workbook
of many sheets, and results.csv as pandas wrote it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from gdprcheck.report import WORKBOOK_NAME, layout, record, write_reports
from gdprcheck.report.csv import COLUMNS, FORMULA_STARTS, result_rows, spreadsheet_safe, write_results_csv
from gdprcheck.report.reviews import Review, _parse_reviews, read_reviews
from tests.test_workbook_content import tricky_batch, typed_reviews, written

ROOT = Path(__file__).resolve().parent.parent


def reviewed_report(tmp_path: Path, batch, checklist, reviews: list[Review]) -> Path:
    """A workbook holding `reviews`, then a re-run that carries them over and leaves its record."""
    written(batch, checklist, tmp_path, reviews)
    write_reports(batch, checklist, tmp_path)
    return tmp_path / WORKBOOK_NAME


def from_record(path: Path) -> list[Review] | None:
    return record.reviews_in(path, record.file_sha256(path))


def test_the_record_holds_what_a_parse_of_the_workbook_reads(tmp_path, seed_batch, checklist):
    batch = tricky_batch(seed_batch)
    path = reviewed_report(tmp_path, batch, checklist, typed_reviews(batch))
    recorded, parsed = from_record(path), _parse_reviews(path)
    assert recorded is not None and len(parsed) == len(typed_reviews(batch))
    assert recorded == parsed
    assert read_reviews(path) == parsed


# text a reviewer may type, with what Excel and the XML format make of it
_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40) | st.sampled_from(
    ["_x000D_", "_x005F_x0041_", "<r>x</r>", "a\r\nb", "  ", "\t", "=1+1", "x" * 33_000]
)
_values = st.one_of(
    st.none(),
    _text,
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)),
    st.times(),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.tuples(_values, _values, _values, _values, _values), min_size=1, max_size=6))
def test_any_review_value_is_recorded_as_a_parse_reads_it(tmp_path_factory, seed_batch, checklist, values):
    batch = seed_batch.model_copy(update={"audits": seed_batch.audits[:1]})
    audit = batch.audits[0]
    reviews = [
        Review(document=audit.document, sha256=audit.sha256, item=result.item, status=a, comment=b, by=c, date=d, note=e)
        for result, (a, b, c, d, e) in zip(audit.items, values, strict=False)
    ]
    # and one whose row is gone, to travel in the Carried-over reviews sheet
    a, b, c, d, e = values[0]
    reviews.append(Review(document="gone.pdf", sha256="", item="x", status=a, comment=b, by=c, date=d, note=e, source="old.xlsx"))
    path = reviewed_report(tmp_path_factory.mktemp("record"), batch, checklist, reviews)
    assert from_record(path) == _parse_reviews(path)


def test_a_workbook_saved_since_is_parsed_and_the_new_review_kept(tmp_path, seed_batch, checklist):
    path = reviewed_report(tmp_path, seed_batch, checklist, typed_reviews(seed_batch)[:3])
    assert from_record(path) is not None
    book = load_workbook(path)
    sheet = book.worksheets[1]
    sheet.cell(row=7, column=layout.FINDING_COLUMNS.index(layout.REVIEWER_COMMENT) + 1, value="typed after the run")
    book.save(path)
    assert from_record(path) is None, "the record is of other bytes"
    assert "typed after the run" in [r.comment for r in read_reviews(path)]


def test_a_record_of_other_code_or_a_damaged_one_is_not_used(tmp_path, seed_batch, checklist, monkeypatch):
    path = reviewed_report(tmp_path, seed_batch, checklist, typed_reviews(seed_batch)[:3])
    saved = tmp_path / record.RECORD_NAME
    document = json.loads(saved.read_text(encoding="utf-8"))
    document["fingerprint"] = "0" * 64
    saved.write_text(json.dumps(document), encoding="utf-8")
    assert from_record(path) is None
    saved.write_text("{not json", encoding="utf-8")
    assert from_record(path) is None
    assert len(read_reviews(path)) == 3, "parsed instead"


def test_the_record_is_of_the_new_workbook_and_names_it(tmp_path, seed_batch, checklist):
    """The backup is the previous workbook, not the one the record describes."""
    path = reviewed_report(tmp_path, seed_batch, checklist, typed_reviews(seed_batch)[:3])
    backups = sorted(tmp_path.glob("gdprcheck-report.*.bak.xlsx"))
    assert backups and from_record(backups[-1]) is None  # the record is of the new workbook
    recorded = from_record(path)
    assert [r.source.split(",")[0] for r in recorded] == [WORKBOOK_NAME] * 3


def test_a_baseline_checked_then_carried_is_read_once(tmp_path, seed_batch, checklist, monkeypatch):
    from gdprcheck.report import check_baseline, reviews

    old = tmp_path / "old"
    written(seed_batch, checklist, old, typed_reviews(seed_batch)[:4])  # no record: it must be parsed
    parses = []
    monkeypatch.setattr(reviews, "_parse_reviews", lambda p, parse=reviews._parse_reviews: parses.append(p) or parse(p))
    assert check_baseline(old / WORKBOOK_NAME) == 4
    write_reports(seed_batch, checklist, tmp_path / "new", baseline=old / WORKBOOK_NAME)
    assert parses == [old / WORKBOOK_NAME]


def test_a_wrong_dimension_in_the_file_hides_no_review(tmp_path, seed_batch, checklist):
    """Some programs write a <dimension> smaller than the sheet; the read-only reader must not trust it."""
    import zipfile

    path = tmp_path / "source.xlsx"
    written(seed_batch, checklist, tmp_path, [])
    (tmp_path / WORKBOOK_NAME).rename(path)
    book = load_workbook(path)
    sheet = book.worksheets[1]
    sheet.cell(row=30, column=16, value="far below, far right")
    book.save(path)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b'<dimension ref="A1:P30"/>', b'<dimension ref="A1:B2"/>')
                assert b'<dimension ref="A1:B2"/>' in data
            target.writestr(info, data)
    comments = [r.comment for r in read_reviews(damaged)]
    assert any("far below, far right" in str(c) for c in comments)


def test_many_contracts_within_a_small_open_file_limit(tmp_path, seed_batch, checklist):
    """XlsxWriter keeps a temporary file per sheet: 300 contracts must fit in macOS's 256 open files."""
    batch = seed_batch.model_copy(deep=True)
    batch.audits = [
        audit.model_copy(update={"document": f"{number:03d}-{audit.document}"})
        for number in range(100)
        for audit in seed_batch.audits
    ]
    source = tmp_path / "batch.json"
    source.write_text(batch.model_dump_json(), encoding="utf-8")
    code = f"""
import resource, sys
from pathlib import Path
from gdprcheck.checklist import DEFAULT_CHECKLIST, load_checklist
from gdprcheck.models import BatchResult
from gdprcheck.report.excel import write_workbook
batch = BatchResult.model_validate_json(Path({str(source)!r}).read_text(encoding="utf-8"))
resource.setrlimit(resource.RLIMIT_NOFILE, (256, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
write_workbook(batch, load_checklist(DEFAULT_CHECKLIST), Path({str(tmp_path / "many.xlsx")!r}))
"""
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert len(load_workbook(tmp_path / "many.xlsx", read_only=True).sheetnames) == 300 + 6


def test_results_csv_is_the_file_pandas_wrote(tmp_path, seed_batch):
    batch = tricky_batch(seed_batch)
    batch.audits[0].results[1].rationale = 'quotes " and, commas\nand lines\r\nand\rreturns'
    ours, theirs = tmp_path / "ours.csv", tmp_path / "theirs.csv"
    write_results_csv(batch, ours)
    safe = [{name: spreadsheet_safe(value) for name, value in row.items()} for row in result_rows(batch)]
    pd.DataFrame(safe, columns=COLUMNS).to_csv(theirs, index=False, encoding="utf-8")
    assert ours.read_bytes() == theirs.read_bytes()


FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://example.com","x")', "+32 2 555 01 01", "-2+3", "@SUM(A1:A2)", "=1+1"]


def _with_formulas(seed_batch):
    batch = seed_batch.model_copy(deep=True)
    for result, text in zip(batch.audits[0].results, FORMULAS, strict=False):
        result.rationale = text
        if result.evidence is not None:
            result.evidence.quote = text
    return batch


def test_a_cell_a_spreadsheet_would_compute_starts_with_an_apostrophe(tmp_path, seed_batch):
    path = tmp_path / "results.csv"
    write_results_csv(_with_formulas(seed_batch), path)
    import csv as csv_module

    with path.open(encoding="utf-8") as handle:
        cells = [cell for row in csv_module.reader(handle) for cell in row]
    assert all(not cell.startswith(FORMULA_STARTS) for cell in cells)
    assert {f"'{text}" for text in FORMULAS} <= set(cells)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed on this machine")
def test_libreoffice_opens_results_csv_without_computing_a_cell(tmp_path, seed_batch):
    from openpyxl import load_workbook

    path = tmp_path / "results.csv"
    write_results_csv(_with_formulas(seed_batch), path)
    converted = tmp_path / "converted"
    completed = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--infilter=CSV:44,34,76,1,,0,false,true,false,false,true",  # comma, quote, UTF-8; formulas evaluated
            "--convert-to",
            "xlsx",
            "--outdir",
            str(converted),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    sheet = load_workbook(converted / "results.xlsx").active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert cells and all(cell.data_type != "f" for cell in cells)
    shown = {str(cell.value) for cell in cells}
    assert {f"'{text}" for text in FORMULAS} <= shown, "shown as text, behind the apostrophe"


@pytest.mark.parametrize(
    "value", [datetime(2026, 5, 4, 14, 33, 12, 250000), time(9, 30), timedelta(hours=30), 10**17, -0.0, 0.1 + 0.2]
)
def test_as_read_follows_the_file(tmp_path, seed_batch, checklist, value):
    """One value at a time, through a real file: what the record says a read returns, it returns."""
    audit = seed_batch.audits[0]
    review = Review(document=audit.document, sha256=audit.sha256, item=audit.items[0].item, comment=value, by="x")
    path = reviewed_report(tmp_path, seed_batch, checklist, [review])
    (parsed,) = _parse_reviews(path)
    assert parsed.comment == record.as_read(value)
    assert from_record(path) == [replace(parsed)]


# --- a re-run that would write the same report writes nothing --------------------------------------


def _state(out: Path) -> dict[str, tuple[bytes, int]]:
    return {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in sorted(out.iterdir())}


def test_a_rerun_that_changes_nothing_leaves_the_report_as_it_is(tmp_path, seed_batch, checklist):
    from tests.test_workbook import fill_all_reviews

    out = tmp_path / "out"
    write_reports(seed_batch, checklist, out)
    fill_all_reviews(out / WORKBOOK_NAME)  # the DPO reviews and saves
    assert write_reports(seed_batch, checklist, out)  # carried over into a new workbook, the old one kept
    before = _state(out)
    assert write_reports(seed_batch, checklist, out) == []
    assert _state(out) == before, "no file rewritten, no backup added"
    assert record.reviews_in(out / WORKBOOK_NAME, record.file_sha256(out / WORKBOOK_NAME))


@pytest.mark.parametrize("change", ["review typed", "csv deleted", "result changed", "option changed", "baseline given"])
def test_a_rerun_writes_again_when_anything_in_the_report_would_differ(tmp_path, seed_batch, checklist, change):
    from tests.test_workbook import fill_all_reviews

    out = tmp_path / "out"
    write_reports(seed_batch, checklist, out, options={"--jobs": "1"})
    write_reports(seed_batch, checklist, out, options={"--jobs": "1"})
    assert write_reports(seed_batch, checklist, out, options={"--jobs": "1"}) == []
    batch, options, baseline = seed_batch, {"--jobs": "1"}, None
    if change == "review typed":
        fill_all_reviews(out / WORKBOOK_NAME)
    elif change == "csv deleted":
        (out / "results.csv").unlink()
    elif change == "result changed":
        batch = seed_batch.model_copy(deep=True)
        batch.audits[0].results[0].rationale += " (changed)"
    elif change == "option changed":
        options = {"--jobs": "2"}
    else:
        baseline = tmp_path / "baseline.xlsx"
        shutil.copy(out / WORKBOOK_NAME, baseline)
    backups = len(list(out.glob("*.bak.xlsx")))
    written = write_reports(batch, checklist, out, options=options, baseline=baseline)
    assert [path.name for path in written[:2]] == [WORKBOOK_NAME, "results.csv"]
    assert len(list(out.glob("*.bak.xlsx"))) == backups + 1
    assert (out / "results.csv").exists()


def test_the_command_says_the_report_was_left_as_it_is(tmp_path, capsys):
    from gdprcheck.cli import main
    from tests.conftest import SEEDS

    out, cache = tmp_path / "out", tmp_path / "cache"
    arguments = ["audit", str(SEEDS), "-o", str(out), "--cache-dir", str(cache), "-j", "1"]
    for _ in range(2):
        assert main(arguments) == 0
    capsys.readouterr()
    before = _state(out)
    assert main(arguments) == 0
    printed = capsys.readouterr().out
    assert "unchanged:" in printed and "wrote" not in printed
    assert _state(out) == before
