"""The workbook's content, cell by cell, against a description made from the model data alone: every
value and formula, every link, drop-down and conditional format, every review carried over, and the
sheets' frozen panes, filters and print titles. The description is written from the layout the
README gives, not from the writer's code, and it described the workbooks of the openpyxl writer this
one replaced just as well (checked on the seeds and on the batch below when the writer changed), so
a difference here is a change a DPO would see."""

from __future__ import annotations

import zipfile
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from gdprcheck.models import BatchResult, FileError, Status
from gdprcheck.report import WORKBOOK_NAME, layout, write_reports
from gdprcheck.report.excel import sheet_names
from gdprcheck.report.reviews import Review, decode_text, place_reviews, read_reviews
from gdprcheck.report.runinfo import RunInfo
from tests.conftest import SEEDS

OVERVIEW_COLUMNS = ["Contract", "Language", "Score", "Met", "Partial", "Missing", "Red flags", "Reviewed", "Worst gaps"]
CONTRACT_STATUSES = ["met", "partial", "missing", "flagged"]


def cleaned(value):
    """A value as a cell holds it: text without the characters XML cannot carry, blank as nothing."""
    if isinstance(value, str):
        value = "".join(c for c in value if c in "\t\n\r" or ord(c) >= 0x20)
        if len(value) > 32_767:  # what a cell holds, cut with a mark
            value = value[:32_766] + "…"
        return value or None
    if isinstance(value, (time, timedelta)):
        return str(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def shown(audit):
    return audit.items + [r for r in audit.red_flags if r.status is Status.FLAGGED]


def worst_gaps(audit) -> str:
    ranked = [f"{r.title} (missing)" for r in audit.items if r.status is Status.MISSING]
    ranked += [f"{r.title} (partial)" for r in audit.items if r.status is Status.PARTIAL]
    if not ranked:
        return "none"
    return "; ".join(ranked[:4]) + (f"; and {len(ranked) - 4} more" if len(ranked) > 4 else "")


def describe(batch: BatchResult, checklist, placement, run: RunInfo, names: dict[str, str]) -> dict[str, dict]:
    """Per sheet: its cells (coordinate -> value), links, drop-downs, conditional formats and views."""
    items = {item.id: item for item in checklist.items}
    checklist_items = checklist.checklist_items
    sheets: dict[str, dict] = {}

    # Overview
    cells, links = {}, {}
    first_heat = len(OVERVIEW_COLUMNS) + 1
    last_heat = first_heat + len(checklist_items) - 1
    for column, header in enumerate(OVERVIEW_COLUMNS + [i.id for i in checklist_items], start=1):
        cells[f"{get_column_letter(column)}1"] = header
    for row, audit in enumerate(batch.audits, start=2):
        name, statuses = names[audit.document], [r.status.value for r in audit.items]
        last = 5 + max(len(shown(audit)), 1)
        values = [
            audit.document,
            audit.language,
            audit.score,
            statuses.count("met"),
            statuses.count("partial"),
            statuses.count("missing"),
            sum(r.status is Status.FLAGGED for r in audit.red_flags),
            f"=COUNTA('{name}'!J6:J{last})",
            worst_gaps(audit),
        ]
        by_item = {r.item: r.status.value for r in audit.items}
        values += [by_item.get(i.id) for i in checklist_items]
        for column, value in enumerate(values, start=1):
            cells[f"{get_column_letter(column)}{row}"] = cleaned(value)
        links[f"A{row}"] = f"'{name}'!A1"
    last_row = max(len(batch.audits), 1) + 1
    for offset, status in enumerate(("missing", "partial")):
        row = last_row + 1 + offset
        cells[f"{get_column_letter(first_heat - 1)}{row}"] = f"Contracts where the item is {status} →"
        for column, item in enumerate(checklist_items, start=first_heat):
            found = sum(1 for a in batch.audits for r in a.items if r.item == item.id and r.status.value == status)
            cells[f"{get_column_letter(column)}{row}"] = found
    legend = last_row + 4
    cells[f"A{legend}"] = "Legend"
    for column, status in enumerate(CONTRACT_STATUSES, start=2):
        cells[f"{get_column_letter(column)}{legend}"] = status
    cells[f"A{legend + 1}"] = (
        "Statuses are the tool's. Click a contract to open its sheet, where the reviewer's decisions and "
        "comments go; 'Reviewed' counts the reviewer statuses filled in there."
    )
    heat = f"{get_column_letter(first_heat)}2:{get_column_letter(last_heat)}{last_row}"
    sheets[layout.OVERVIEW] = {
        "cells": cells,
        "links": links,
        "formats": {heat: ['"met"', '"partial"', '"missing"']} if batch.audits else {},
        "validations": {},
        "freeze": "B2",
        "filter": f"A1:{get_column_letter(last_heat)}{last_row}",
        "titles": "$1:$1",
    }

    # one sheet per contract
    choice = '"' + ",".join(layout.REVIEWER_STATUSES) + '"'
    for audit in batch.audits:
        name = names[audit.document]
        cells = {
            "A1": "File",
            "B1": cleaned(audit.document),
            "A2": "SHA-256",
            "B2": audit.sha256,
            "A3": "Result",
            "B4": "Fill in the green columns on the right: a re-run of the audit keeps them.",
            "A4": "← Overview",
        }
        flags = sum(r.status is Status.FLAGGED for r in audit.red_flags)
        cells["B3"] = (
            f"{audit.language} · score {audit.score:.0%} · {[r.status.value for r in audit.items].count('met')} met, "
            f"{[r.status.value for r in audit.items].count('partial')} partial, "
            f"{[r.status.value for r in audit.items].count('missing')} missing · {flags} red flag(s)"
        )
        for column, header in enumerate(layout.FINDING_COLUMNS, start=1):
            cells[f"{get_column_letter(column)}5"] = header
        for row, result in enumerate(shown(audit), start=6):
            item = items.get(result.item)
            gap = result.status.value in ("partial", "missing", "flagged")
            review = placement.on_rows.get((audit.document, result.item))
            values = [
                result.item,
                result.title,
                result.status.value,
                result.value,
                result.evidence.quote if result.evidence else None,
                result.evidence.clause if result.evidence else None,
                result.rationale,
                item.gdpr if item else None,
                item.recommendation if item and gap else None,
                *(review.values if review else [None] * 5),
            ]
            for column, value in enumerate(values, start=1):
                cells[f"{get_column_letter(column)}{row}"] = cleaned(value)
        last = 5 + max(len(shown(audit)), 1)
        sheets[name] = {
            "cells": cells,
            "links": {"A4": "'Overview'!A1"},
            "formats": {
                cell_range(f"C6:C{last}"): [f'"{s}"' for s in CONTRACT_STATUSES],
                cell_range(f"J6:J{last}"): [f'"{s}"' for s in layout.REVIEWER_STATUSES],
            },
            "validations": {cell_range(f"J6:J{last}"): choice},
            "freeze": "C6",
            "filter": f"A5:N{last}",
            "titles": "$5:$5",
            "print_area": f"'{name}'!$A$1:$N${last}",
        }

    # Sub-processors: one row per (contract, sub-processor), the contract a link to its sheet
    headers = ["Document", "Sub-processor", "Entity", "Country", "Service", "Mechanism", "Findings", "Evidence", "Clause", "Found in"]
    cells = {f"{get_column_letter(column)}1": header for column, header in enumerate(headers, start=1)}
    links = {}
    register = [(audit, found) for audit in batch.audits for found in audit.subprocessors]
    for row, (audit, found) in enumerate(register, start=2):
        values = [
            audit.document,
            found.name,
            found.entity or found.name,
            ";".join(found.countries),
            found.service,
            found.mechanism,
            "; ".join(found.findings),
            found.evidence,
            found.clause,
            found.found_in,
        ]
        for column, value in enumerate(values, start=1):
            cells[f"{get_column_letter(column)}{row}"] = cleaned(value)
        links[f"A{row}"] = f"'{names[audit.document]}'!A1"
    sheets[layout.SUBPROCESSORS] = {
        "cells": cells,
        "links": links,
        "formats": {},
        "validations": {},
        "freeze": "A2",
        "filter": f"A1:J{1 + max(len(register), 1)}",
        "titles": "$1:$1",
    }

    # Sub-processor portfolio: per entity, the vendors naming it, most used first
    entities: dict[str, list] = {}
    for audit, found in register:
        entity = entities.setdefault(found.entity or found.name, [[], set(), 0])
        if audit.document not in entity[0]:
            entity[0].append(audit.document)
        entity[1].update(found.countries)
        entity[2] += bool(found.findings)
    ranked = sorted(entities.items(), key=lambda kv: (-len(kv[1][0]), kv[0].casefold()))
    cells = {"A1": "Entity", "B1": "Vendors", "C1": "Countries", "D1": "Contracts", "E1": "Rows with findings"}
    for row, (entity, (documents, countries, with_findings)) in enumerate(ranked, start=2):
        values = [entity, len(documents), ";".join(sorted(countries)), "; ".join(documents), with_findings]
        for column, value in enumerate(values, start=1):
            cells[f"{get_column_letter(column)}{row}"] = cleaned(value)
    sheets[layout.PORTFOLIO] = {
        "cells": cells,
        "links": {},
        "formats": {},
        "validations": {},
        "freeze": "A2",
        "filter": f"A1:E{1 + max(len(ranked), 1)}",
        "titles": "$1:$1",
    }

    # Carried-over reviews
    cells = {f"{get_column_letter(column)}1": header for column, header in enumerate(layout.CARRIED_COLUMNS, start=1)}
    for row, review in enumerate(placement.carried, start=2):
        values = [review.document, review.sha256, review.item, review.title, review.tool_status, *review.values]
        for column, value in enumerate([*values, review.reason, review.source], start=1):
            cells[f"{get_column_letter(column)}{row}"] = cleaned(value)
    sheets[layout.CARRIED] = {
        "cells": cells,
        "links": {},
        "formats": {},
        "validations": {},
        "freeze": "A2",
        "filter": f"A1:L{1 + max(len(placement.carried), 1)}",
        "titles": "$1:$1",
    }

    # Errors
    cells = {"A1": "Document", "B1": "Problem"}
    for row, error in enumerate(batch.errors, start=2):
        cells[f"A{row}"], cells[f"B{row}"] = cleaned(error.document), cleaned(error.problem)
    sheets[layout.ERRORS] = {
        "cells": cells,
        "links": {},
        "formats": {},
        "validations": {},
        "freeze": "A2",
        "filter": f"A1:B{max(len(batch.errors), 1) + 1}",
        "titles": "$1:$1",
    }

    # Run info
    fields = [
        ("Tool", None),  # the version
        ("Report written", run.written_at.isoformat()),
        ("Checklist", f"{checklist.name} (version {checklist.version})"),
        ("Checklist file", checklist.source),
        ("Checklist SHA-256", checklist.sha256),
        ("Checklist SHA-256 covers", "the checklist file and its language files, in the order it lists them"),
        *[(f"Option {k}", v) for k, v in run.options.items()],
        ("Contracts audited", len(batch.audits)),
        ("Files not audited", len(batch.errors)),
        ("Reviews read from", "; ".join(str(p) for p in run.review_sources) or "none (no earlier report, or one without reviews)"),
        (
            "Reviews carried over",
            f"{len(placement.on_rows)} on their rows ({placement.marked} with a carry-over note), "
            f"{len(placement.carried)} in the Carried-over reviews sheet",
        ),
        ("Previous workbook kept as", str(run.backup) if run.backup else "none"),
    ]
    cells, links = {"A1": "Field", "B1": "Value"}, {}
    for row, (field, value) in enumerate(fields, start=2):
        cells[f"A{row}"], cells[f"B{row}"] = field, cleaned(value)
    files = len(fields) + 3
    cells.update({f"A{files}": "File", f"B{files}": "SHA-256", f"C{files}": "Sheet", f"D{files}": "Path"})
    for row, audit in enumerate(batch.audits, start=files + 1):
        name = names[audit.document]
        path = run.audited_files.get(audit.document)
        cells.update({f"A{row}": cleaned(audit.document), f"B{row}": audit.sha256, f"C{row}": name})
        cells[f"D{row}"] = cleaned(str(path)) if path else None
        links[f"C{row}"] = f"'{name}'!A1"
    sheets[layout.RUN_INFO] = {"cells": cells, "links": links, "formats": {}, "validations": {}, "freeze": "A2"}
    return sheets


def cell_range(text: str) -> str:
    """A range as a set of cells: "J6:J6" and "J6" are the same one cell."""
    first, _, last = text.partition(":")
    return first if not last or last == first else text


def observe(path: Path) -> tuple[list[str], dict[str, dict]]:
    """The same description, read from the file with openpyxl."""
    book = load_workbook(path)
    sheets = {}
    for sheet in book.worksheets:
        cells, links = {}, {}
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if value is not None:
                    cells[cell.coordinate] = decode_text(value) if isinstance(value, str) else value
                if cell.hyperlink is not None:
                    links[cell.coordinate] = cell.hyperlink.location
        formats = {cell_range(str(f.sqref)): [rule.formula[0] for rule in f.rules] for f in sheet.conditional_formatting}
        validations = {cell_range(str(v.sqref)): v.formula1 for v in sheet.data_validations.dataValidation}
        observed = {
            "cells": cells,
            "links": links,
            "formats": formats,
            "validations": validations,
            "freeze": sheet.freeze_panes,
        }
        if sheet.auto_filter.ref:
            observed["filter"] = sheet.auto_filter.ref
        if sheet.print_title_rows:
            observed["titles"] = sheet.print_title_rows
        if sheet.print_area:
            observed["print_area"] = sheet.print_area
        sheets[sheet.title] = observed
    return book.sheetnames, sheets


def assert_same(expected: dict[str, dict], observed: dict[str, dict]) -> None:
    for name, want in expected.items():
        got = observed[name]
        cells = {k: v for k, v in want["cells"].items() if v is not None}
        if name == layout.RUN_INFO:
            assert got["cells"].pop("B2").startswith("gdprcheck ")
        missing = {k: v for k, v in cells.items() if k not in got["cells"]}
        extra = {k: v for k, v in got["cells"].items() if k not in cells}
        assert not missing and not extra, f"sheet {name}: cells missing {missing}, unexpected {extra}"
        for coordinate, value in cells.items():
            if isinstance(value, float):
                assert got["cells"][coordinate] == pytest.approx(value, rel=1e-15), f"{name}!{coordinate}"
            else:
                assert got["cells"][coordinate] == value, f"{name}!{coordinate}"
        layout_got = {key: value for key, value in got.items() if key != "cells"}
        layout_want = {key: value for key, value in want.items() if key != "cells"}
        assert layout_got == layout_want, f"sheet {name}"


def tricky_batch(seed_batch: BatchResult) -> BatchResult:
    """The seeds again, with what contracts and file names really hold: text that looks like a
    formula or markup, control characters, Excel's own escapes, long quotes, a contract with nothing
    found, names that clash once shortened, and files that could not be read."""
    batch = seed_batch.model_copy(deep=True)
    audits = batch.audits
    more = [a.model_copy(deep=True) for a in audits]
    for number, audit in enumerate(more):
        audit.document = f"{'Very long vendor name, hosting & support ' * 2}{number}.pdf"
        for result in audit.results:
            result.document = audit.document
    audits += more
    odd = audits[0].results
    texts = [
        '=HYPERLINK("http://example.invalid","x")',
        "+1+1\r\nsecond line",
        "<r>looks like markup</r>",
        "_x000D_ and _x005F_ as typed\t(tab)",
        "control\x01\x02\x1b characters",
        "é ü ß « » “ ” – 🙂 𝒳",
        "x" * 40_000,
    ]
    for result, text in zip(odd, texts, strict=False):
        result.value = text[:60]
        if result.evidence is not None:
            result.evidence = result.evidence.model_copy(update={"quote": text, "clause": text[:200]})
        result.rationale = text
    from gdprcheck.models import SubProcessor

    audits[0].subprocessors = [
        SubProcessor(name="Hetzner Online GmbH", entity="Hetzner", countries=["DE", "FI"], service="=cmd|' /C calc'!A0",
                     evidence="Hetzner Online GmbH | Hosting | Deutschland", clause="Anlage 3", found_in="table"),
        SubProcessor(name="Kestrel\x01 Mailworks Ltd.", countries=["US"], mechanism="SCCs;DPF", findings=["not on the approved list"],
                     evidence="x" * 40_000, found_in="list"),
    ]
    audits[2].subprocessors = [
        SubProcessor(name="AWS", entity="Amazon Web Services", countries=["US"], service="+hosting",
                     findings=["not on the approved list", "outside the EU/EEA without a stated transfer mechanism: US"],
                     evidence="we host on AWS", clause="4. Hosting", found_in="prose"),
        SubProcessor(name="Hetzner", entity="Hetzner", countries=["EEA"], found_in="prose"),
    ]
    empty = audits[1].model_copy(deep=True, update={"document": "empty terms.txt", "results": []})
    audits.append(empty)
    batch.errors = [FileError(document="scan.pdf", problem="no text layer in 3 page(s): scanned PDF, OCR needed")]
    return batch


def typed_reviews(batch: BatchResult) -> list[Review]:
    """A reviewer's work, of every kind a cell can hold, on rows that exist and on rows that do not."""
    values = [
        ("agree", "fine", "A. Dupont (DPO)", datetime(2026, 5, 4)),
        ("missing", "=SUM(A1:A2) typed as a comment\r\nwith a second line", "B. Martin", datetime(2026, 5, 4, 14, 33, 12)),
        ("partial", "  leading and trailing spaces  ", 12345, datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)),
        ("not applicable", "_x0041_ literally", 3.25, time(14, 30)),
        (" agree ", "<r>markup</r>", True, timedelta(hours=30)),
        ("met", "   ", 0.1 + 0.2, None),
    ]
    reviews = []
    for audit in batch.audits:
        for number, result in enumerate(shown(audit)):
            status, comment, by, date = values[number % len(values)]
            reviews.append(
                Review(
                    document=audit.document,
                    sha256=audit.sha256,
                    item=result.item,
                    tool_status=result.status.value,
                    status=status,
                    comment=comment,
                    by=by,
                    date=date,
                    note="Contract text changed since this review: check this finding again." if number % 4 == 0 else None,
                )
            )
    reviews.append(Review(document="gone.pdf", sha256="0" * 64, item="breach.notification", comment="vendor left", by="C."))
    reviews.append(Review(document=batch.audits[0].document, sha256="", item="", comment="a row of my own"))
    return reviews


def written(batch: BatchResult, checklist, out: Path, reviews: list[Review]):
    """The workbook as write_reports makes it, with the placement and run information it used."""
    placement = place_reviews(reviews, batch)
    run = RunInfo(
        options={"paths": "contracts/", "--jobs": "2"}, audited_files={a.document: Path("/c") / a.document for a in batch.audits}
    )
    from gdprcheck.report.excel import write_workbook

    out.mkdir(parents=True, exist_ok=True)
    write_workbook(batch, checklist, out / WORKBOOK_NAME, placement, run)
    return placement, run


@pytest.mark.parametrize("kind", ["seeds", "generated"])
def test_every_cell_link_format_and_view_is_as_described(tmp_path, seed_batch, checklist, kind):
    batch = seed_batch if kind == "seeds" else tricky_batch(seed_batch)
    reviews = typed_reviews(batch) if kind == "generated" else []
    placement, run = written(batch, checklist, tmp_path, reviews)
    names, observed = observe(tmp_path / WORKBOOK_NAME)
    contract_names = sheet_names(batch)
    assert names == [
        layout.OVERVIEW,
        *contract_names.values(),
        layout.SUBPROCESSORS,
        layout.PORTFOLIO,
        layout.CARRIED,
        layout.ERRORS,
        layout.RUN_INFO,
    ]
    if kind == "generated":
        assert sum(len(audit.subprocessors) for audit in batch.audits) >= 4
    assert_same(describe(batch, checklist, placement, run, contract_names), observed)
    if kind == "generated":
        assert len(placement.carried) == 2 and len(placement.on_rows) == len(reviews) - 2


def test_the_reviewed_counts_are_written_with_their_value(tmp_path, seed_batch, checklist):
    """Excel recomputes the Reviewed formulas on opening; a viewer that does not still shows the count."""
    batch = seed_batch
    reviews = [r for r in typed_reviews(batch) if r.item][:7]
    written(batch, checklist, tmp_path, reviews)
    values = load_workbook(tmp_path / WORKBOOK_NAME, data_only=True)[layout.OVERVIEW]
    for row, audit in enumerate(batch.audits, start=2):
        expected = sum(1 for r in reviews if r.document == audit.document and cleaned(r.status) is not None)
        assert values.cell(row=row, column=8).value == expected
    with zipfile.ZipFile(tmp_path / WORKBOOK_NAME) as archive:
        assert 'fullCalcOnLoad="1"' in archive.read("xl/workbook.xml").decode()


def test_a_rerun_carries_every_review_over_unchanged(tmp_path, seed_batch, checklist):
    """Typed reviews written once, then carried over by two re-runs: the contract sheets and the
    Carried-over reviews sheet hold the same values each time."""
    batch = tricky_batch(seed_batch)
    placement, _ = written(batch, checklist, tmp_path, typed_reviews(batch))
    first = observe(tmp_path / WORKBOOK_NAME)[1]
    for _ in range(2):
        write_reports(batch, checklist, tmp_path)
        again = observe(tmp_path / WORKBOOK_NAME)[1]
        for name in [*sheet_names(batch).values(), layout.CARRIED]:
            review_columns = set("JKLMN") if name != layout.CARRIED else set("FGHIJ")
            # text of nothing but spaces is no review (it never was: the reader has always dropped it)
            before = {
                k: v
                for k, v in first[name]["cells"].items()
                if k.rstrip("0123456789") in review_columns and not (isinstance(v, str) and not v.strip())
            }
            after = {k: v for k, v in again[name]["cells"].items() if k.rstrip("0123456789") in review_columns}
            assert after == before, name
    assert len(read_reviews(tmp_path / WORKBOOK_NAME)) == len(placement.on_rows) + len(placement.carried)


def test_the_seed_audit_from_the_command_line(tmp_path, seed_batch, checklist):
    """The whole path a DPO takes, on the seeds: the command's workbook is the described one (its
    Run info, which names this very run, aside)."""
    from gdprcheck.cli import main

    out = tmp_path / "out"
    assert main(["audit", str(SEEDS), "--out", str(out), "--quiet", "--no-cache"]) == 0
    names, observed = observe(out / WORKBOOK_NAME)
    # the command holds the sub-processors against the approved list in use (the shipped example here)
    from gdprcheck.subprocessors import ApprovalCheck, load_approved, load_vocabulary

    seed_batch = seed_batch.model_copy(deep=True)
    ApprovalCheck(load_approved(), load_vocabulary()).apply(seed_batch)
    assert any(found.findings for audit in seed_batch.audits for found in audit.subprocessors)
    expected = describe(seed_batch, checklist, place_reviews([], seed_batch), RunInfo(), sheet_names(seed_batch))
    del expected[layout.RUN_INFO]
    assert_same(expected, observed)
