"""The report folder between runs: two audits into it never both read the same previous workbook,
a run killed while writing leaves nothing behind for good, and backups do not pile up."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from gdprcheck.cli import main
from gdprcheck.report import WORKBOOK_NAME
from gdprcheck.report.folder import locked, prune_backups, remove_stale_temporaries
from tests.conftest import SEEDS
from tests.test_workbook import all_comments, fill_all_reviews

SEED = "003_af13cc07b1670a4f.txt"


def _one_seed(tmp_path: Path) -> Path:
    folder = tmp_path / "contracts"
    folder.mkdir()
    (folder / SEED).write_bytes((SEEDS / SEED).read_bytes())
    return folder


def test_a_second_audit_waits_for_the_first_and_keeps_its_reviews(tmp_path, capsys):
    contracts, out, cache = _one_seed(tmp_path), tmp_path / "out", tmp_path / "cache"
    arguments = ["audit", str(contracts), "-o", str(out), "--cache-dir", str(cache), "-j", "1"]
    assert main(arguments) == 0
    held, release = threading.Event(), threading.Event()

    def first_run_writing():  # another audit in the middle of writing its report
        with locked(out):
            held.set()
            release.wait(10)
            fill_all_reviews(out / WORKBOOK_NAME)  # what it writes holds reviews

    other = threading.Thread(target=first_run_writing)
    other.start()
    held.wait(10)
    threading.Timer(2.0, release.set).start()
    capsys.readouterr()
    started = time.monotonic()
    assert main(arguments) == 0
    other.join()
    assert time.monotonic() - started >= 1.5, "it waited"
    assert f"waiting: another audit is writing its report in {out}" in capsys.readouterr().err
    assert "checked" in all_comments(out / WORKBOOK_NAME), "the reviews the first run wrote are carried over"


def test_temporary_files_of_a_killed_run_are_cleared_by_the_next(tmp_path):
    contracts, out = _one_seed(tmp_path), tmp_path / "out"
    out.mkdir()
    stale, fresh = out / f".{WORKBOOK_NAME}.k3j2.tmp", out / ".results.csv.x9y8.tmp"
    stale.write_bytes(b"half a workbook")
    fresh.write_bytes(b"being written")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    assert main(["audit", str(contracts), "-o", str(out), "-q", "--no-cache", "-j", "1"]) == 0
    assert not stale.exists()
    assert fresh.exists(), "a file written less than a minute ago may be another run's"
    assert remove_stale_temporaries(out, now=time.time() + 120) == [fresh]


def test_only_the_most_recent_backups_are_kept(tmp_path):
    workbook = tmp_path / WORKBOOK_NAME
    names = [f"gdprcheck-report.202612{day:02d}-101500.bak.xlsx" for day in range(1, 13)]
    names += ["gdprcheck-report.20261212-101500-2.bak.xlsx", "gdprcheck-report.20261212-101500-10.bak.xlsx"]
    for name in names + ["notes.bak.xlsx", "gdprcheck-report.xlsx"]:
        (tmp_path / name).write_bytes(b"x")
    removed = prune_backups(workbook, keep=10)
    assert sorted(p.name for p in removed) == sorted(names[:4])
    left = {p.name for p in tmp_path.iterdir()}
    assert set(names[4:]) <= left and {"notes.bak.xlsx", "gdprcheck-report.xlsx"} <= left
    assert prune_backups(workbook, keep=0) == []


def test_the_command_keeps_the_number_of_backups_asked_for(tmp_path):
    contracts, out, cache = _one_seed(tmp_path), tmp_path / "out", tmp_path / "cache"
    arguments = ["audit", str(contracts), "-o", str(out), "--cache-dir", str(cache), "-j", "1", "-q", "--keep-backups", "2"]
    assert main(arguments) == 0
    for _ in range(4):
        fill_all_reviews(out / WORKBOOK_NAME)  # a review typed: the next run writes, with a backup
        assert main(arguments) == 0
        time.sleep(1.05)  # backups are named by the second
    assert len(list(out.glob("*.bak.xlsx"))) == 2
