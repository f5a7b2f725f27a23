"""The gap workbook as a DPO's working document: its layout read back with openpyxl, reviews that
survive re-runs, reviewed workbooks as labels, and LibreOffice opening the file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from gdprcheck.cli import main
from gdprcheck.evaluate import LabelError, evaluate, read_labels
from gdprcheck.models import BatchResult
from gdprcheck.report import WORKBOOK_NAME, ReviewError, check_baseline, layout, write_reports
from gdprcheck.report.cells import CHANGED_FILL
from gdprcheck.report.reviews import Review, decode_text, place_reviews
from gdprcheck.report.sheetnames import SheetNamer
from tests.conftest import SEEDS

SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))
FIXED = ["Overview", "Sub-processors", "Sub-processor portfolio", "Carried-over reviews", "Errors", "Run info"]


# --- helpers: read a contract sheet and fill it in as a reviewer would ---------------------------


def contract_sheet(book, document: str):
    """The sheet whose File cell names the document (sheet names may be shortened)."""
    for sheet in book.worksheets:
        if sheet["A1"].value == layout.FILE_LABEL and sheet["B1"].value == document:
            return sheet
    raise AssertionError(f"no sheet for {document}")


def table(sheet, header_row: int = 5) -> tuple[dict[str, int], dict[str, int]]:
    """Column number by header, and row number by item ID."""
    columns = {cell.value: cell.column for cell in sheet[header_row] if cell.value}
    rows = {}
    for row in range(header_row + 1, sheet.max_row + 1):
        item = sheet.cell(row=row, column=columns[layout.ITEM_ID]).value
        if item:
            rows[item] = row
    return columns, rows


def finding(sheet, item: str) -> dict[str, object]:
    columns, rows = table(sheet)
    return {header: sheet.cell(row=rows[item], column=column).value for header, column in columns.items()}


def fill_all_reviews(path: Path) -> dict[tuple[str, str], str]:
    """A reviewer goes through every row of every contract sheet; returns each comment typed."""
    book = load_workbook(path)
    typed = {}
    choices = layout.REVIEWER_STATUSES
    for sheet in book.worksheets[1 : 1 + len(SEED_NAMES)]:
        document = sheet["B1"].value
        columns, rows = table(sheet)
        for number, (item, row) in enumerate(rows.items()):
            comment = f"checked {item} in {document}"
            sheet.cell(row=row, column=columns[layout.REVIEWER_STATUS], value=choices[number % len(choices)])
            sheet.cell(row=row, column=columns[layout.REVIEWER_COMMENT], value=comment)
            sheet.cell(row=row, column=columns[layout.REVIEWED_BY], value="A. Dupont (DPO)")
            sheet.cell(row=row, column=columns[layout.REVIEW_DATE], value=datetime(2026, 5, 4))
            typed[(document, item)] = comment
    book.save(path)
    return typed


def all_comments(path: Path) -> str:
    """Every reviewer comment in a workbook, on contract sheets and in Carried-over reviews, one text."""
    book = load_workbook(path)
    found = []
    for sheet in book.worksheets:
        header_row = 1 if sheet.title == layout.CARRIED else 5
        headers = [c.value for c in sheet[header_row]]
        if layout.REVIEWER_COMMENT not in headers:
            continue
        column = headers.index(layout.REVIEWER_COMMENT) + 1
        cells = sheet.iter_rows(min_row=header_row + 1, min_col=column, max_col=column, values_only=True)
        found += [str(value) for (value,) in cells if value]
    return "\n".join(found)


@pytest.fixture(scope="module")
def report(tmp_path_factory, seed_batch, checklist) -> Path:
    out = tmp_path_factory.mktemp("workbook")
    write_reports(seed_batch, checklist, out, {p.name: p for p in sorted(SEEDS.glob("*.txt"))}, options={"folder": str(SEEDS)})
    return out / WORKBOOK_NAME


# --- layout --------------------------------------------------------------------------------------


def test_sheets_one_per_contract_with_the_full_file_name(report):
    book = load_workbook(report)
    names = book.sheetnames
    assert names[0] == "Overview" and names[-5:] == FIXED[1:]
    contract_sheets = names[1:-5]
    assert len(contract_sheets) == len(SEED_NAMES)
    assert all(len(name) <= 31 for name in contract_sheets)
    assert [book[name]["B1"].value for name in contract_sheets] == SEED_NAMES


def test_overview_rows_heat_map_links_and_chart(report, checklist, seed_batch):
    book = load_workbook(report)
    overview = book["Overview"]
    header = [c.value for c in overview[1]]
    assert header[:9] == ["Contract", "Language", "Score", "Met", "Partial", "Missing", "Red flags", "Reviewed", "Worst gaps"]
    assert header[9:] == [item.id for item in checklist.checklist_items]
    assert overview.freeze_panes == "B2"
    assert overview.auto_filter.ref == f"A1:{overview.cell(row=1, column=len(header)).column_letter}{len(SEED_NAMES) + 1}"
    for row, audit in enumerate(seed_batch.audits, start=2):
        values = [c.value for c in overview[row]]
        assert values[0] == audit.document
        assert values[2] == audit.score
        statuses = values[9:]
        assert values[3:6] == [statuses.count("met"), statuses.count("partial"), statuses.count("missing")]
        assert statuses == [r.status.value for r in audit.items]
        target = contract_sheet(book, audit.document).title
        assert values[7].startswith(f"=COUNTA('{target}'!J6:J"), "reviewed rows, counted live"
        ranked = [r for r in audit.items if r.status.value == "missing"] + [r for r in audit.items if r.status.value == "partial"]
        assert values[8] == "none" if not ranked else values[8].startswith(ranked[0].title)
        # the contract's name links to its sheet
        link = overview.cell(row=row, column=1).hyperlink
        assert link is not None and link.location == f"'{target}'!A1"
    # the heat map is coloured by conditional formats, one rule per status
    rules = {rule.formula[0]: str(ranges.sqref) for ranges in overview.conditional_formatting for rule in ranges.rules}
    assert set(rules) >= {'"met"', '"partial"', '"missing"'}
    assert rules['"met"'].startswith("J2:")
    # per item, the number of contracts missing it: the chart's data, under the heat map
    missing_row = len(SEED_NAMES) + 2
    first_item = checklist.checklist_items[0].id
    expected = sum(1 for a in seed_batch.audits for r in a.items if r.item == first_item and r.status.value == "missing")
    assert overview.cell(row=missing_row, column=10).value == expected
    # openpyxl does not read charts back: look into the file itself
    with zipfile.ZipFile(report) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        assert len(charts) == 1
        chart = ElementTree.fromstring(archive.read(charts[0]))
    tags = {element.tag.rsplit("}", 1)[-1]: element for element in chart.iter()}
    assert "barChart" in tags and tags["grouping"].get("val") == "stacked"
    references = [element.text for element in chart.iter() if element.tag.endswith("}f")]
    first, last = overview.cell(row=1, column=10).column_letter, overview.cell(row=1, column=len(header)).column_letter
    assert f"'Overview'!${first}$1:${last}$1" in references, "categories: the item IDs"
    assert f"'Overview'!${first}${missing_row}:${last}${missing_row}" in references, "the missing counts"


def test_contract_sheet_layout(report, checklist, seed_batch):
    book = load_workbook(report)
    audit = seed_batch.audits[0]
    sheet = contract_sheet(book, audit.document)
    assert [c.value for c in sheet[5]] == layout.FINDING_COLUMNS
    assert sheet["B2"].value == audit.sha256
    assert sheet["A4"].hyperlink.location == "'Overview'!A1"
    columns, rows = table(sheet)
    raised = [r.item for r in audit.red_flags if r.status.value == "flagged"]
    assert list(rows) == [r.item for r in audit.items] + raised
    last = max(rows.values())
    # frozen header and item columns, filter on the table, repeated header row when printed
    assert sheet.freeze_panes == "C6"
    assert sheet.auto_filter.ref == f"A5:N{last}"
    assert sheet.print_title_rows == "$5:$5"
    assert sheet.page_setup.orientation == "landscape"
    # one page wide (1 is the attribute's default in the standard, and XlsxWriter leaves it out), any height
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # long quotes wrap, and the evidence column is wide enough to read
    evidence = sheet.cell(row=6, column=columns[layout.EVIDENCE])
    assert evidence.alignment.wrap_text
    assert sheet.column_dimensions[evidence.column_letter].width >= 30
    # the reviewer status is a drop-down on every finding row
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1
    choice = validations[0]
    assert choice.type == "list"
    assert choice.formula1 == '"agree,met,partial,missing,not applicable"'
    letter = sheet.cell(row=1, column=columns[layout.REVIEWER_STATUS]).column_letter
    assert str(choice.sqref) == f"{letter}6:{letter}{last}"
    # status and reviewer status are coloured by their words
    coloured = {str(ranges.sqref) for ranges in sheet.conditional_formatting}
    status_letter = sheet.cell(row=1, column=columns[layout.STATUS]).column_letter
    assert f"{status_letter}6:{status_letter}{last}" in coloured
    assert f"{letter}6:{letter}{last}" in coloured


def test_findings_carry_value_quote_clause_gdpr_and_recommendation(report, checklist):
    book = load_workbook(report)
    breach = finding(contract_sheet(book, "002_3148ba8c1081bd17.txt"), "breach.notification")
    assert breach[layout.STATUS] == "met" and breach[layout.VALUE] == "24 hours"
    assert "vingt-quatre heures" in breach[layout.EVIDENCE]
    assert breach[layout.CLAUSE] == "2. Traitement des données à caractère personnel › ARTICLE 8"
    assert breach[layout.RATIONALE]
    assert breach[layout.RECOMMENDATION] is None, "nothing to ask for when the item is met"
    items = {item.id: item for item in checklist.items}
    gaps = 0
    for document in SEED_NAMES:
        sheet = contract_sheet(book, document)
        for item in table(sheet)[1]:
            row = finding(sheet, item)
            assert row[layout.GDPR] == items[item].gdpr
            if row[layout.STATUS] in ("partial", "missing", "flagged"):
                gaps += 1
                assert row[layout.RECOMMENDATION] == items[item].recommendation
    assert gaps


def test_run_info_traces_tool_checklist_and_files(report, checklist, seed_batch):
    rows = [[c.value for c in row] for row in load_workbook(report)["Run info"].iter_rows()]
    fields = {row[0]: row[1] for row in rows if row[0]}
    assert fields["Tool"].startswith("gdprcheck ")
    assert fields["Checklist SHA-256"] == checklist.sha256
    assert fields["Checklist file"] == checklist.source
    assert fields["Option folder"] == str(SEEDS)
    datetime.fromisoformat(fields["Report written"])
    files = {row[0]: row[1] for row in rows if row[0] in SEED_NAMES}
    assert files == {a.document: a.sha256 for a in seed_batch.audits}


@pytest.mark.parametrize(
    "quote",
    [
        '=HYPERLINK("http://example.invalid","x")',
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        "=1+1\x01\x02\x1b",
        # XlsxWriter would copy text of this shape into the file as markup: here, a formula
        '<r></r></is></c><c r="Z1"><f>HYPERLINK("http://example.invalid","x")</f></c><c r="Z2" t="inlineStr"><is><r></r>',
        "_x000D_ is how Excel writes a carriage return",
    ],
)
def test_contract_text_stays_text(tmp_path, seed_batch, checklist, quote):
    batch = seed_batch.model_copy(deep=True)
    result = batch.audits[0].results[0]
    result.evidence = result.evidence.model_copy(update={"quote": quote, "clause": quote})
    result.value = quote
    write_reports(batch, checklist, tmp_path)
    book = load_workbook(tmp_path / WORKBOOK_NAME)
    sheet = contract_sheet(book, batch.audits[0].document)
    columns, rows = table(sheet)
    for header in (layout.EVIDENCE, layout.CLAUSE, layout.VALUE):
        cell = sheet.cell(row=rows[result.item], column=columns[header])
        assert cell.data_type == "s", header
        # as Excel shows it: openpyxl leaves a carriage return written as _x000D_ undecoded
        assert decode_text(cell.value) == quote.replace("\x01", "").replace("\x02", "").replace("\x1b", "")
    with zipfile.ZipFile(tmp_path / WORKBOOK_NAME) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any(re.search(r"<f>[^<]*(HYPERLINK|SUM\(A1|1\+1|2\+3)", s) for s in sheets), "no contract text in a formula"


def test_sheet_names_are_safe_short_and_unique(tmp_path, seed_batch, checklist):
    namer = SheetNamer(FIXED)
    long = "Contrat de sous-traitance – ACME Cloud Services SA [version 3: finale]?.pdf"
    names = [namer.name_for(n) for n in [long, long, "overview.txt", "History.docx", "O'Brien*.txt", "a" * 40 + ".md"]]
    assert len({n.casefold() for n in names} | {f.casefold() for f in FIXED}) == len(names) + len(FIXED)
    assert all(0 < len(n) <= 31 and not set(n) & set("[]:*?/\\'") for n in names)
    # and in a workbook: two contracts whose names share their first 31 characters
    batch = seed_batch.model_copy(deep=True)
    for number, audit in enumerate(batch.audits[:2]):
        audit.document = f"{'Very long vendor name ' * 3}{number}.txt"
        for result in audit.results:
            result.document = audit.document
    write_reports(batch, checklist, tmp_path)
    book = load_workbook(tmp_path / WORKBOOK_NAME)
    assert len(set(book.sheetnames)) == len(book.sheetnames)
    for audit in batch.audits:
        assert contract_sheet(book, audit.document).title in book.sheetnames


def test_a_crash_while_writing_leaves_the_previous_workbook_in_place(tmp_path, seed_batch, checklist, monkeypatch):
    import gdprcheck.report as report

    write_reports(seed_batch, checklist, tmp_path)
    before = (tmp_path / WORKBOOK_NAME).read_bytes()

    def interrupted(batch, checklist, path, *args):
        path.write_bytes(b"half a workbook")
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "write_workbook", interrupted)
    with pytest.raises(KeyboardInterrupt):  # another option: the report must be written again
        write_reports(seed_batch, checklist, tmp_path, options={"--jobs": "2"})
    assert (tmp_path / WORKBOOK_NAME).read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file left behind"


# --- re-runs keep the reviewer's work ------------------------------------------------------------


def test_every_review_survives_a_rerun_on_a_changed_batch(tmp_path):
    folder, out = tmp_path / "contracts", tmp_path / "reports"
    folder.mkdir()
    for name in SEED_NAMES:
        shutil.copy(SEEDS / name, folder)
    assert main(["audit", str(folder), "--out", str(out), "--quiet"]) == 0
    workbook = out / WORKBOOK_NAME
    typed = fill_all_reviews(workbook)
    kept, edited, removed = SEED_NAMES
    # the reviewer also adds a row of their own and a column of their own
    book = load_workbook(workbook)
    sheet = contract_sheet(book, kept)
    columns, _ = table(sheet)
    sheet.cell(row=sheet.max_row + 2, column=columns[layout.REVIEWER_COMMENT], value="Annex 2 still to be received")
    sheet.cell(row=5, column=16, value="Legal's view")
    sheet.cell(row=6, column=16, value="fine for us")
    book.save(workbook)

    # a new version of one contract, one contract gone, a new vendor
    with open(folder / edited, "a", encoding="utf-8") as handle:
        handle.write("\n\nARTICLE 99 – Divers\nLe présent contrat est régi par le droit belge.\n")
    (folder / removed).unlink()
    (folder / "004_new_vendor.txt").write_text("Conditions générales\n\n" + (SEEDS / removed).read_text(encoding="utf-8"))
    assert main(["audit", str(folder), "--out", str(out), "--quiet"]) == 0

    backups = list(out.glob("gdprcheck-report.*.bak.xlsx"))
    assert len(backups) == 1, "the reviewed workbook is kept as it was"
    assert all(comment in all_comments(backups[0]) for comment in typed.values())
    book = load_workbook(workbook)
    # unchanged contract: every review on its row, as typed, no mark
    sheet = contract_sheet(book, kept)
    for item in table(sheet)[1]:
        row = finding(sheet, item)
        assert row[layout.REVIEWER_COMMENT].startswith(typed[(kept, item)])
        assert row[layout.REVIEWED_BY] == "A. Dupont (DPO)"
        assert row[layout.REVIEW_DATE] == datetime(2026, 5, 4)
        assert row[layout.CARRY_NOTE] is None
    first_item = next(iter(table(sheet)[1]))
    assert "[Legal's view] fine for us" in finding(sheet, first_item)[layout.REVIEWER_COMMENT]
    # edited contract: reviews kept and marked, in a colour that stands out
    sheet = contract_sheet(book, edited)
    columns, rows = table(sheet)
    for item, row_number in rows.items():
        if (edited, item) not in typed:
            continue
        row = finding(sheet, item)
        assert row[layout.REVIEWER_COMMENT] == typed[(edited, item)]
        assert "Contract text changed since this review" in row[layout.CARRY_NOTE]
        note = sheet.cell(row=row_number, column=columns[layout.CARRY_NOTE])
        assert note.fill.fgColor.rgb.endswith(CHANGED_FILL)
    # the new vendor starts blank
    sheet = contract_sheet(book, "004_new_vendor.txt")
    assert all(finding(sheet, item)[layout.REVIEWER_STATUS] is None for item in table(sheet)[1])
    # the removed contract's reviews and the reviewer's own row wait in Carried-over reviews
    carried = [[c.value for c in row] for row in book[layout.CARRIED].iter_rows(min_row=2)]
    why = layout.CARRIED_COLUMNS.index(layout.WHY)
    removed_rows = [r for r in carried if r[0] == removed]
    assert len(removed_rows) == sum(1 for (doc, _) in typed if doc == removed)
    assert all("not in this run" in r[why] for r in removed_rows)
    comment = layout.CARRIED_COLUMNS.index(layout.REVIEWER_COMMENT)
    assert [r[comment] for r in carried if r[0] == kept] == ["Annex 2 still to be received"]
    # nothing typed was lost
    after_rerun = all_comments(workbook)
    assert all(comment in after_rerun for comment in typed.values())

    # a third run on the same files moves nothing and adds no second mark
    assert main(["audit", str(folder), "--out", str(out), "--quiet"]) == 0
    again = load_workbook(workbook)
    assert len(list(again[layout.CARRIED].iter_rows(min_row=2))) == len(carried)
    sheet = contract_sheet(again, edited)
    for item in table(sheet)[1]:
        note = finding(sheet, item)[layout.CARRY_NOTE]
        assert note is None or note.count("Contract text changed") == 1
    assert sorted(all_comments(workbook).split("\n")) == sorted(after_rerun.split("\n"))


def test_baseline_carries_reviews_from_a_named_workbook(tmp_path, seed_batch, checklist):
    old = tmp_path / "old"
    write_reports(seed_batch, checklist, old)
    typed = fill_all_reviews(old / WORKBOOK_NAME)
    folder = tmp_path / "contracts"
    folder.mkdir()
    shutil.copy(SEEDS / SEED_NAMES[0], folder)
    new = tmp_path / "new"
    assert main(["audit", str(folder), "--out", str(new), "--baseline", str(old / WORKBOOK_NAME), "--quiet"]) == 0
    book = load_workbook(new / WORKBOOK_NAME)
    sheet = contract_sheet(book, SEED_NAMES[0])
    for item in table(sheet)[1]:
        assert finding(sheet, item)[layout.REVIEWER_COMMENT] == typed[(SEED_NAMES[0], item)]
    carried = {(r[0], r[2]) for r in book[layout.CARRIED].iter_rows(min_row=2, values_only=True)}
    assert carried == {key for key in typed if key[0] != SEED_NAMES[0]}
    info = {r[0]: r[1] for r in book["Run info"].iter_rows(values_only=True) if r[0]}
    assert info["Option --baseline"] == str(old / WORKBOOK_NAME)
    assert str(old / WORKBOOK_NAME) in info["Reviews read from"]


def test_an_unreadable_baseline_stops_the_run_before_anything_is_written(tmp_path, capsys):
    bad = tmp_path / "old.xlsx"
    bad.write_text("not a workbook")
    out = tmp_path / "out"
    assert main(["audit", str(SEEDS), "--out", str(out), "--baseline", str(bad), "--quiet"]) == 2
    assert "old.xlsx" in capsys.readouterr().err
    assert not out.exists()


def test_an_unreadable_previous_workbook_is_kept_and_said_so(tmp_path, seed_batch, checklist, caplog):
    (tmp_path / WORKBOOK_NAME).write_bytes(b"saved by some other program")
    written = write_reports(seed_batch, checklist, tmp_path)
    backup = written[-1]
    assert backup.name.endswith(".bak.xlsx") and backup.read_bytes() == b"saved by some other program"
    assert "no reviews carried over" in caplog.text and "kept as a backup" in caplog.text
    assert load_workbook(tmp_path / WORKBOOK_NAME).sheetnames[0] == "Overview"


def test_placing_reviews_by_hash_then_name(seed_batch: BatchResult):
    audit = seed_batch.audits[0]
    item = audit.items[0]

    def review(**changes) -> Review:
        base = dict(document=audit.document, sha256=audit.sha256, item=item.item, tool_status=item.status.value, comment="ok")
        return Review(**{**base, **changes})

    renamed = review(document="old name.txt", comment="renamed")
    placement = place_reviews([renamed], seed_batch)
    placed = placement.on_rows[(audit.document, item.item)]
    assert placed.comment == "renamed" and "renamed from old name.txt" in placed.note
    edited = review(sha256="0" * 64, tool_status="partial" if item.status.value != "partial" else "met")
    placed = place_reviews([edited], seed_batch).on_rows[(audit.document, item.item)]
    assert "Contract text changed" in placed.note and "Tool status was" in placed.note
    same = review()
    twice = place_reviews([same, same, review(comment="a second opinion")], seed_batch)
    assert len(twice.on_rows) == 1 and [r.comment for r in twice.carried] == ["a second opinion"]
    assert "Another review" in twice.carried[0].reason
    gone = place_reviews([review(item="item.that-left")], seed_batch)
    assert not gone.on_rows and "No such finding" in gone.carried[0].reason


# --- reviewer decisions as labels ----------------------------------------------------------------


def test_eval_on_a_reviewed_workbook(tmp_path, seed_batch, checklist, capsys):
    write_reports(seed_batch, checklist, tmp_path)
    path = tmp_path / WORKBOOK_NAME
    audit = seed_batch.audits[0]
    met = [r for r in audit.items if r.status.value == "met"]
    overruled, agreed, left_out = met[0], met[1], met[2]
    flag = next(r for a in seed_batch.audits for r in a.red_flags if r.status.value == "flagged")
    book = load_workbook(path)
    for document, item, choice in [
        (audit.document, overruled.item, "missing"),
        (audit.document, agreed.item, "agree"),
        (audit.document, left_out.item, "not applicable"),
        (flag.document, flag.item, "missing"),
    ]:
        sheet = contract_sheet(book, document)
        columns, rows = table(sheet)
        sheet.cell(row=rows[item], column=columns[layout.REVIEWER_STATUS], value=choice)
    book.save(path)

    labels = read_labels(path)
    assert list(labels.columns) == ["document", "item", "status", "value", "evidence"]
    by_key = {(r.document, r.item): r for r in labels.itertuples()}
    assert by_key[(audit.document, overruled.item)].status == "missing"
    assert by_key[(audit.document, overruled.item)].evidence == ""
    assert by_key[(audit.document, agreed.item)].status == "met"
    assert by_key[(audit.document, agreed.item)].evidence == agreed.evidence.quote
    assert (audit.document, left_out.item) not in by_key
    assert (flag.document, flag.item) not in by_key, "a flag the reviewer rejects is not a label"
    expected_pairs = sum(len(a.items) for a in seed_batch.audits) - 1
    assert len(labels[~labels["item"].str.startswith("redflag.")]) == expected_pairs

    result = evaluate(seed_batch, labels)
    assert result.overall["pairs"] == expected_pairs
    assert result.overall["status_accuracy"] < 1
    assert f"{audit.document} {overruled.item}: predicted met, labelled missing" in result.mistakes
    assert f"{flag.document} {flag.item}: flagged, not labelled" in result.mistakes

    assert main(["eval", str(SEEDS), "--labels", str(path), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["overall"]["pairs"] == expected_pairs
    assert figures["overall"]["status_accuracy"] == result.overall["status_accuracy"]


def test_a_bad_reviewer_status_is_a_labels_error(tmp_path, seed_batch, checklist):
    write_reports(seed_batch, checklist, tmp_path)
    path = tmp_path / WORKBOOK_NAME
    book = load_workbook(path)
    sheet = contract_sheet(book, seed_batch.audits[0].document)
    columns, rows = table(sheet)
    sheet.cell(row=6, column=columns[layout.REVIEWER_STATUS], value="looks fine")
    book.save(path)
    with pytest.raises(LabelError, match=r"row 6: reviewer status 'looks fine'"):
        read_labels(path)
    with pytest.raises(LabelError, match="no such workbook"):
        read_labels(tmp_path / "nothing.xlsx")
    with pytest.raises(ReviewError, match="not an xlsx workbook"):
        check_baseline(tmp_path / "results.csv")


# --- LibreOffice ---------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed on this machine")
def test_libreoffice_opens_and_prints_the_workbook(tmp_path, seed_batch, checklist):
    out = tmp_path / "out"
    write_reports(seed_batch, checklist, out)
    fill_all_reviews(out / WORKBOOK_NAME)
    # a re-run without one contract, so that Carried-over reviews has rows too
    batch = seed_batch.model_copy(update={"audits": seed_batch.audits[1:]}, deep=True)
    write_reports(batch, checklist, out)
    pdf = tmp_path / "pdf"
    completed = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(pdf),
            str(out / WORKBOOK_NAME),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    document = pdf / "gdprcheck-report.pdf"
    assert document.is_file() and document.stat().st_size > 10_000
    import pypdfium2

    pages = pypdfium2.PdfDocument(str(document))
    try:
        assert len(pages) >= 1 + len(batch.audits) + 1
        text = "".join(pages[i].get_textpage().get_text_range() for i in range(len(pages)))
    finally:
        pages.close()
    assert "Gaps per checklist item" in text
    for audit in batch.audits:
        assert audit.document in text
    assert "Carried-over reviews" in text


def test_same_file_name_in_two_sub_folders_stays_two_documents(tmp_path):
    folder, out = tmp_path / "contracts", tmp_path / "reports"
    for sub, seed in (("hosting", SEED_NAMES[0]), ("helpdesk", SEED_NAMES[1])):
        (folder / sub).mkdir(parents=True)
        shutil.copy(SEEDS / seed, folder / sub / "contrat.txt")
    assert main(["audit", str(folder), "--recursive", "--out", str(out), "--quiet", "--no-cache"]) == 0
    workbook = out / WORKBOOK_NAME
    book = load_workbook(workbook)
    hosting, helpdesk = contract_sheet(book, "hosting/contrat.txt"), contract_sheet(book, "helpdesk/contrat.txt")
    assert hosting.title != helpdesk.title
    columns, rows = table(hosting)
    hosting.cell(row=rows["breach.notification"], column=columns[layout.REVIEWER_COMMENT], value="hosting: ok")
    book.save(workbook)
    paths = {row[0]: row[3] for row in book["Run info"].iter_rows(values_only=True) if row and row[0] and "/" in str(row[0])}
    assert paths["hosting/contrat.txt"].endswith(str(Path("hosting") / "contrat.txt"))

    # the helpdesk contract changes; the hosting review stays where it was typed, and only there
    with open(folder / "helpdesk" / "contrat.txt", "a", encoding="utf-8") as handle:
        handle.write("\n\nARTICLE 99 – Divers\nLe présent contrat est régi par le droit belge.\n")
    assert main(["audit", str(folder), "--recursive", "--out", str(out), "--quiet", "--no-cache"]) == 0
    book = load_workbook(workbook)
    assert finding(contract_sheet(book, "hosting/contrat.txt"), "breach.notification")[layout.REVIEWER_COMMENT] == "hosting: ok"
    helpdesk = contract_sheet(book, "helpdesk/contrat.txt")
    assert all(finding(helpdesk, item)[layout.REVIEWER_COMMENT] is None for item in table(helpdesk)[1])
