"""The batch runner: cached per-document results that are never stale, worker processes that give
the same results in the same order as one process, and failures that come back as error rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gdprcheck.audit import Auditor
from gdprcheck.batch import ResultCache, pipeline_mode, resolve_cache_dir, resolve_jobs, run_batch
from gdprcheck.checklist import DEFAULT_CHECKLIST, load_checklist
from gdprcheck.cli import main

DEV_DOCS = Path(__file__).resolve().parent / "data" / "dev" / "docs"
SMALL = ["de_pentacode-agb.txt", "en_plausible-dpa.txt", "nl_chefdata-verwerkersovereenkomst.txt"]


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "contracts"
    folder.mkdir()
    for name in SMALL:
        shutil.copy(DEV_DOCS / name, folder / name)
    (folder / "empty.txt").write_text("", encoding="utf-8")  # an error row, never cached
    return folder


def _files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


@pytest.fixture()
def audited(monkeypatch) -> list[str]:
    """The names of the documents actually audited (not served from the cache)."""
    names: list[str] = []
    original = Auditor.audit_document

    def counting(self, document):
        names.append(document.source.name)
        return original(self, document)

    monkeypatch.setattr(Auditor, "audit_document", counting)
    return names


def _dump(batch) -> dict:
    return batch.model_dump()


def test_a_cached_rerun_gives_identical_results_without_auditing_again(folder, tmp_path, checklist, audited):
    cache = tmp_path / "cache"
    first = run_batch(_files(folder), checklist, jobs=1, cache_dir=cache)
    assert sorted(audited) == sorted(SMALL)
    assert len(list(cache.glob("*.json"))) == len(SMALL)  # the error row is not cached
    audited.clear()
    second = run_batch(_files(folder), checklist, jobs=1, cache_dir=cache)
    assert _dump(second) == _dump(first)
    assert audited == []  # every contract came from the cache: that is what makes it fast
    assert [e.document for e in second.errors] == ["empty.txt"]


def test_a_changed_file_is_audited_again_and_only_it(folder, tmp_path, checklist, audited):
    cache = tmp_path / "cache"
    run_batch(_files(folder), checklist, jobs=1, cache_dir=cache)
    audited.clear()
    changed = folder / SMALL[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nThe Processor shall keep records.\n", encoding="utf-8")
    run_batch(_files(folder), checklist, jobs=1, cache_dir=cache)
    assert audited == [SMALL[1]]


def test_a_renamed_file_is_served_under_its_new_name(folder, tmp_path, checklist, audited):
    cache = tmp_path / "cache"
    run_batch(_files(folder), checklist, jobs=1, cache_dir=cache)
    audited.clear()
    (folder / SMALL[0]).rename(folder / "renamed.txt")
    batch = run_batch(_files(folder), checklist, jobs=1, cache_dir=cache)
    assert audited == []
    renamed = next(a for a in batch.audits if a.document == "renamed.txt")
    assert {r.document for r in renamed.results} == {"renamed.txt"}


def test_a_changed_checklist_or_language_file_invalidates(folder, tmp_path, audited):
    copy = tmp_path / "checklists"
    shutil.copytree(DEFAULT_CHECKLIST.parent, copy)
    path = copy / DEFAULT_CHECKLIST.name
    cache = tmp_path / "cache"
    run_batch(_files(folder), load_checklist(path), jobs=1, cache_dir=cache)
    audited.clear()
    run_batch(_files(folder), load_checklist(path), jobs=1, cache_dir=cache)
    assert audited == []

    language_file = copy / "languages" / "en.yaml"
    language_file.write_text(language_file.read_text(encoding="utf-8") + "\n# a comment changes the hash\n", encoding="utf-8")
    run_batch(_files(folder), load_checklist(path), jobs=1, cache_dir=cache)
    assert sorted(audited) == sorted(SMALL)
    audited.clear()

    text = path.read_text(encoding="utf-8")
    stricter = text.replace('value: {max: "48 hours", keywords', 'value: {max: "24 hours", keywords', 1)
    assert stricter != text
    path.write_text(stricter, encoding="utf-8")
    run_batch(_files(folder), load_checklist(path), jobs=1, cache_dir=cache)
    assert sorted(audited) == sorted(SMALL)


def test_the_key_covers_version_and_pipeline_mode(folder, tmp_path, checklist, monkeypatch):
    path = folder / SMALL[0]
    trained = ResultCache(tmp_path, checklist, pipeline_mode(checklist, prefer_trained=True))
    blank = ResultCache(tmp_path, checklist, pipeline_mode(checklist, prefer_trained=False))
    assert trained.key(path) != blank.key(path)
    assert "locate" in pipeline_mode(checklist, prefer_trained=True)
    monkeypatch.setattr("gdprcheck.batch.__version__", "0.0.0-other")
    other = ResultCache(tmp_path, checklist, pipeline_mode(checklist, prefer_trained=True))
    assert other.key(path) != trained.key(path)


def test_a_corrupt_cache_entry_is_audited_again(folder, tmp_path, checklist, audited):
    cache = tmp_path / "cache"
    first = run_batch(_files(folder), checklist, jobs=1, cache_dir=cache)
    for entry in cache.glob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    audited.clear()
    again = run_batch(_files(folder), checklist, jobs=1, cache_dir=cache)
    assert sorted(audited) == sorted(SMALL)
    assert _dump(again) == _dump(first)


def test_two_workers_give_the_same_results_in_the_same_order(folder, checklist):
    files = _files(folder)
    one = run_batch(files, checklist, jobs=1)
    two = run_batch(files, checklist, jobs=2)
    assert [a.document for a in two.audits] == sorted(SMALL)
    assert _dump(two) == _dump(one)


def test_a_failure_in_a_worker_comes_back_as_an_error_row(folder, checklist, monkeypatch):
    original = Auditor.audit_document

    def failing(self, document):
        if document.source.name == SMALL[1]:
            raise RuntimeError("boom")
        return original(self, document)

    monkeypatch.setattr(Auditor, "audit_document", failing)  # inherited by the forked workers
    batch = run_batch(_files(folder), checklist, jobs=2)
    assert [a.document for a in batch.audits] == [SMALL[0], SMALL[2]]
    problems = {e.document: e.problem for e in batch.errors}
    assert problems[SMALL[1]] == "internal error: RuntimeError: boom"
    assert problems["empty.txt"] == "file is empty"


def test_options_resolve(tmp_path):
    assert resolve_jobs(3) == 3
    assert resolve_jobs(0) >= 1 and resolve_jobs(None) == resolve_jobs(0)
    assert resolve_cache_dir(None, enabled=False) is None
    assert resolve_cache_dir(tmp_path) == tmp_path
    assert resolve_cache_dir(None).name == "gdprcheck"


def test_the_command_line_uses_the_cache_and_jobs(folder, tmp_path, audited):
    cache = tmp_path / "cache"
    out = tmp_path / "out"
    arguments = ["audit", str(folder), "--out", str(out), "--cache-dir", str(cache), "--jobs", "1", "--quiet"]
    # exit code 1: empty.txt fails (an error row) while the others are audited
    assert main(arguments) == 1
    assert sorted(audited) == sorted(SMALL)
    audited.clear()
    assert main(arguments) == 1
    assert audited == []
    assert main([*arguments, "--no-cache"]) == 1
    assert sorted(audited) == sorted(SMALL)


# --- a worker killed, the batch interrupted, the parent gone ---------------------------------------


def _portfolio(tmp_path: Path, copies: int) -> list[Path]:
    """`copies` contracts (the small dev ones, each made distinct), sorted."""
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(copies):
        source = DEV_DOCS / SMALL[number % len(SMALL)]
        (folder / f"{number:03d}_{source.name}").write_text(source.read_text(encoding="utf-8") + f"\n\nAnnex {number}.\n", encoding="utf-8")
    return sorted(folder.iterdir())


def test_a_killed_worker_costs_only_the_file_it_was_auditing(tmp_path, checklist, monkeypatch):
    """As the out-of-memory killer does: the worker auditing one file is killed outright. Only that
    file fails, named; every other file of the batch is audited, in order."""
    import os
    import signal

    files = _portfolio(tmp_path, 24)
    killer = files[9]
    original = Auditor.audit_document

    def killed_on_one_file(self, document):
        if document.source.name == killer.name:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(self, document)

    monkeypatch.setattr(Auditor, "audit_document", killed_on_one_file)  # inherited by the forked workers
    batch = run_batch(files, checklist, jobs=2)
    assert [e.document for e in batch.errors] == [killer.name]
    assert "killed (out of memory?)" in batch.errors[0].problem
    assert [a.document for a in batch.audits] == [f.name for f in files if f != killer]


def test_ctrl_c_stops_the_batch_in_one_line_and_leaves_no_worker(tmp_path):
    """Ctrl-C in a terminal sends SIGINT to the whole process group: the command prints one line,
    exits 130, writes no report, and no worker process is left."""
    import os
    import signal
    import subprocess
    import sys
    import time

    files = _portfolio(tmp_path, 300)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "gdprcheck.cli", "audit", str(files[0].parent), "-o", str(out), "-j", "2", "--no-cache", "-q"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    _wait_for_workers(process)
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("interrupted:")
    assert not out.exists()
    time.sleep(1)
    assert _group_members(process.pid) == []


def test_workers_leave_when_their_parent_is_killed(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    files = _portfolio(tmp_path, 300)
    command = [sys.executable, "-m", "gdprcheck.cli", "audit", str(files[0].parent), "-o", str(tmp_path / "out"), "-j", "2", "--no-cache", "-q"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    _wait_for_workers(process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _group_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _group_members(process.pid) == []


def _wait_for_workers(process, timeout: float = 60) -> None:
    """Until the command has its two worker processes (start-up done, the batch running)."""
    import time

    deadline = time.monotonic() + timeout
    while len(_group_members(process.pid)) < 3:
        assert process.poll() is None, "the command ended before its workers were seen"
        assert time.monotonic() < deadline, "no workers started"
        time.sleep(0.1)


def _group_members(group: int) -> list[int]:
    """Live processes of a process group (Linux /proc), zombies left out."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(entry.name))
    return members
