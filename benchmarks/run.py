"""Speed benchmark: a synthetic portfolio of contracts, audited end to end, against the tokenizer.

    python benchmarks/run.py                      # 1,000 documents of about 2,500 words (~5 min)
    python benchmarks/run.py --documents 200 --words 1500 --json speed.json

Builds the portfolio from the seed contracts and the labelled dev contracts (paragraphs shuffled
and sampled, other contracts of the same language mixed in) in a temporary folder, then measures
in one run, on the same texts:

- the ceiling: `spacy.blank(<language>)`'s tokenizer alone over every document;
- the end-to-end audit (read -> normalise -> segment -> language -> locate -> score, results in
  memory), pipelines loaded and warmed beforehand, one process: words/s, documents/s, ratio;
- the batch runner with 1 and with 2 worker processes (start-up included), and the scaling;
- the same batch again with the result cache filled by the first run;
- start-up (import, checklist, pipelines for the portfolio's languages) in a fresh process;
- peak RSS of a 10-document and of a full batch, each in its own process;
- the command line as a DPO runs it (`gdprcheck audit`, workbook and results.csv included): a first
  run of `--cli-documents` contracts, a re-run after reviews were typed into the workbook, a re-run
  with the workbook untouched, `gdprcheck --help` and the audit of one contract;
- the workbook of `--workbook-documents` contracts: writing it, reading its reviews back (parsed,
  and from the record of an unchanged workbook), and the memory writing it takes at 10 documents and
  at all of them.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "seeds", ROOT / "tests" / "data" / "dev" / "docs"]
_BLOCKS = re.compile(r"\n[ \t]*\n")


# --- the portfolio ---------------------------------------------------------------------------------


def _sources() -> dict[str, list[list[str]]]:
    """Paragraph blocks of every source contract, by language (seeds are French)."""
    by_language: dict[str, list[list[str]]] = {}
    for folder in SOURCES:
        for path in sorted(folder.glob("*.txt")):
            prefix = path.name.split("_", 1)[0]
            language = prefix if prefix in {"fr", "en", "nl", "de"} else "fr"
            blocks = [block.strip() for block in _BLOCKS.split(path.read_text(encoding="utf-8")) if block.strip()]
            by_language.setdefault(language, []).append(blocks)
    return by_language


def build_portfolio(folder: Path, documents: int, words: int, seed: int = 28) -> list[Path]:
    """`documents` contracts of about `words` words each: a source contract's title, then its
    paragraphs shuffled, with paragraphs of other contracts of its language mixed in."""
    rng = random.Random(seed)
    sources = [(language, blocks) for language, contracts in sorted(_sources().items()) for blocks in contracts]
    same_language = {language: [b for lang, b in sources if lang == language] for language, _ in sources}
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(documents):
        language, blocks = sources[number % len(sources)]
        mixed_in = [b for other in same_language[language] if other is not blocks for b in rng.sample(other, min(8, len(other)))]
        pool = blocks[1:] + mixed_in
        rng.shuffle(pool)
        chosen, count = [blocks[0]], len(blocks[0].split())
        for block in pool:
            if count >= words:
                break
            chosen.append(block)
            count += len(block.split())
        while count < words:  # a short source: go round again
            block = rng.choice(pool)
            chosen.append(block)
            count += len(block.split())
        path = folder / f"{language}_{number:05d}.txt"
        path.write_text("\n\n".join(chosen) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


# --- measurements --------------------------------------------------------------------------------


def _language(path: Path) -> str:
    return path.name.split("_", 1)[0]


def tokenizer_ceiling(paths: list[Path], texts: dict[Path, str], fresh: bool) -> float:
    """Seconds for spacy.blank(<language>)'s tokenizer over every document (warmed on one each).

    fresh: the tokenizer's cache of already split words is emptied before each document, so that a
    paragraph the synthetic portfolio repeats is not tokenized for free; a real portfolio's
    contracts are different texts. Without it the ceiling is that of a portfolio of near copies."""
    import spacy

    pipelines = {language: spacy.blank(language) for language in sorted({_language(p) for p in paths})}
    for language, nlp in pipelines.items():
        nlp(texts[next(p for p in paths if _language(p) == language)])
    start = time.perf_counter()
    for path in paths:
        nlp = pipelines[_language(path)]
        if fresh:
            getattr(nlp.tokenizer, "_flush_cache", lambda: None)()
        nlp(texts[path])
    return time.perf_counter() - start


def end_to_end(paths: list[Path], checklist) -> float:
    """Seconds for the audit of every document in this process, pipelines loaded and warmed."""
    from gdprcheck.audit import Auditor

    auditor = Auditor(checklist)
    auditor.locator.load()
    for language in sorted({_language(p) for p in paths}):
        auditor.audit_files([next(p for p in paths if _language(p) == language)])
    start = time.perf_counter()
    batch = auditor.audit_files(paths)
    elapsed = time.perf_counter() - start
    if batch.errors:
        raise SystemExit(f"benchmark documents failed: {batch.errors[:3]}")
    return elapsed


def batch_run(paths: list[Path], checklist, jobs: int, cache_dir: Path | None) -> tuple[float, object]:
    from gdprcheck.batch import run_batch

    start = time.perf_counter()
    batch = run_batch(paths, checklist, jobs=jobs, cache_dir=cache_dir)
    return time.perf_counter() - start, batch


_STARTUP = """
import json, sys, time
start = time.perf_counter()
from gdprcheck.audit import Auditor
from gdprcheck.checklist import DEFAULT_CHECKLIST, load_checklist
from gdprcheck.language import detect
imported = time.perf_counter()
checklist = load_checklist(DEFAULT_CHECKLIST)
auditor = Auditor(checklist)
languages = sys.argv[1].split(",")
auditor.locator.load(languages)
detect("The processor shall notify the controller of any personal data breach.", tuple(checklist.languages))  # loads the models
print(json.dumps({"import": imported - start, "total": time.perf_counter() - start}))
"""

_PEAK_RSS = """
import json, resource, sys
from pathlib import Path
from gdprcheck.batch import run_batch
from gdprcheck.checklist import DEFAULT_CHECKLIST, load_checklist
every = sorted(Path(sys.argv[1]).glob("*.txt"))
paths = every[:: max(1, len(every) // int(sys.argv[2]))][: int(sys.argv[2])]  # all languages, evenly
batch = run_batch(paths, load_checklist(DEFAULT_CHECKLIST), jobs=1, cache_dir=None)
assert len(batch.audits) == len(paths), batch.errors[:3]
print(json.dumps({"documents": len(paths), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


_WORKBOOK_RSS = """
import json, resource, sys
from pathlib import Path
from gdprcheck.batch import run_batch
from gdprcheck.checklist import DEFAULT_CHECKLIST, load_checklist
from gdprcheck.report.excel import write_workbook
every = sorted(Path(sys.argv[1]).glob("*.txt"))
paths = every[: int(sys.argv[2])]
batch = run_batch(paths, load_checklist(DEFAULT_CHECKLIST), jobs=1, cache_dir=Path(sys.argv[3]), root=Path(sys.argv[1]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
write_workbook(batch, load_checklist(DEFAULT_CHECKLIST), Path(sys.argv[4]))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"documents": len(paths), "before_mb": before, "peak_mb": after, "added_mb": after - before}))
"""


def _subprocess(code: str, *arguments: str) -> dict:
    completed = subprocess.run([sys.executable, "-c", code, *arguments], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _command() -> list[str]:
    """`gdprcheck` as installed beside this Python (the console script a DPO runs), else the module."""
    script = Path(sys.executable).with_name("gdprcheck")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gdprcheck.cli"]


def _timed(arguments: list[str]) -> float:
    start = time.perf_counter()
    completed = subprocess.run(_command() + arguments, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"gdprcheck {' '.join(arguments)} failed ({completed.returncode}): {completed.stderr[-2000:]}")
    return elapsed


def type_reviews(workbook: Path, batch, checklist, every: int = 3) -> int:
    """Write the workbook again with a review on every `every`-th finding row, as if a DPO had filled
    them in and saved it (no record of it: the next run must read it). Returns the reviews typed."""
    from datetime import datetime

    from gdprcheck.report import layout
    from gdprcheck.report.excel import write_workbook
    from gdprcheck.report.reviews import Review, place_reviews

    reviews = []
    for audit in batch.audits:
        for number, result in enumerate(layout.shown_results(audit)):
            if number % every == 0:
                reviews.append(
                    Review(
                        document=audit.document,
                        sha256=audit.sha256,
                        item=result.item,
                        tool_status=result.status.value,
                        status="agree",
                        comment=f"checked {result.item}",
                        by="A. Dupont (DPO)",
                        date=datetime(2026, 5, 4),
                    )
                )
    write_workbook(batch, checklist, workbook, place_reviews(reviews, batch))
    return len(reviews)


def command_line(paths: list[Path], work: Path, checklist) -> dict:
    """The audit as a DPO runs it, on its own copy of the first documents, from a cold cache."""
    from gdprcheck.report import WORKBOOK_NAME
    from gdprcheck.report.record import RECORD_NAME
    from gdprcheck.report.reviews import read_reviews

    contracts, out, cache = work / "cli-contracts", work / "cli-reports", work / "cli-cache"
    contracts.mkdir()
    for path in paths:
        shutil.copy(path, contracts)
    audit = ["audit", str(contracts), "--out", str(out), "--cache-dir", str(cache), "--quiet"]
    figures = {"cli_documents": len(paths), "cli_first_seconds": _timed(audit)}
    # the batch the command audited, from its cache, to type reviews into its workbook
    batch = _cached_batch(contracts, cache, checklist)
    (out / RECORD_NAME).unlink(missing_ok=True)
    typed = type_reviews(out / WORKBOOK_NAME, batch, checklist)
    figures["cli_rerun_reviewed_seconds"] = _timed(audit)
    figures["cli_rerun_unchanged_seconds"] = _timed(audit)
    carried = len(read_reviews(out / WORKBOOK_NAME))
    if carried != typed:
        raise SystemExit(f"{typed} reviews typed, {carried} in the workbook after two re-runs")
    figures["cli_reviews_carried"] = carried
    figures["cli_help_seconds"] = _timed(["--help"])
    one = work / "cli-one"
    one.mkdir()
    shutil.copy(paths[0], one)
    figures["cli_one_contract_seconds"] = _timed(["audit", str(one), "--out", str(work / "cli-one-out"), "--no-cache", "--quiet"])
    # a new vendor's contract on a machine that has run audits before: its result is not cached, what
    # checking the checklist learnt is
    new = work / "cli-new"
    new.mkdir()
    (new / paths[0].name).write_text(paths[0].read_text(encoding="utf-8") + "\nAnnexe : version du 4 décembre.\n", encoding="utf-8")
    figures["cli_new_contract_seconds"] = _timed(["audit", str(new), "--out", str(work / "cli-new-out"), "--cache-dir", str(cache), "--quiet"])
    return figures


def _cached_batch(contracts: Path, cache: Path, checklist):
    """The results of the command's run, read from its cache (its read limits are the defaults)."""
    from gdprcheck.batch import run_batch
    from gdprcheck.read import ReadLimits

    limits = ReadLimits(max_file_mb=50, max_pdf_pages=1000, max_docx_expanded_mb=200, max_seconds=120)
    return run_batch(sorted(contracts.glob("*.txt")), checklist, jobs=1, cache_dir=cache, limits=limits, root=contracts)


def workbook_figures(batch, checklist, work: Path) -> dict:
    """Writing the workbook of the whole batch, and reading its reviews back, in this process."""
    from gdprcheck.report import WORKBOOK_NAME, write_reports
    from gdprcheck.report.excel import write_workbook
    from gdprcheck.report.reviews import read_reviews, read_workbook

    out = work / "workbook"
    out.mkdir()
    path = out / WORKBOOK_NAME
    start = time.perf_counter()
    write_workbook(batch, checklist, path)
    written = time.perf_counter() - start
    typed = type_reviews(path, batch, checklist)
    start = time.perf_counter()
    rows, carried = read_workbook(path)
    parsed = time.perf_counter() - start
    if sum(not row.review.is_empty for row in rows) + len(carried) != typed:
        raise SystemExit("the reviews read back are not the reviews typed")
    write_reports(batch, checklist, out)  # carries them over, and leaves the record of the new workbook
    start = time.perf_counter()
    again = read_reviews(path)
    recorded = time.perf_counter() - start
    if len(again) != typed:
        raise SystemExit("the reviews carried over are not the reviews typed")
    return {
        "workbook_documents": len(batch.audits),
        "workbook_write_seconds": written,
        "workbook_bytes": path.stat().st_size,
        "reviews_typed": typed,
        "review_parse_seconds": parsed,
        "review_record_seconds": recorded,
    }


# --- the run -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1000, help="documents in the portfolio (default: 1000)")
    parser.add_argument("--words", type=int, default=2500, help="words per document, about (default: 2500)")
    parser.add_argument(
        "--batch-documents",
        type=int,
        help="documents for the 1-vs-2-process and cache runs, which include start-up (default: all)",
    )
    parser.add_argument("--small", type=int, default=10, help="documents of the small batch for peak memory (default: 10)")
    parser.add_argument(
        "--cli-documents", type=int, help="documents audited through the command line, first run and re-runs (default: all)"
    )
    parser.add_argument("--workbook-documents", type=int, help="documents in the workbook written and read back (default: all)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build the portfolio in DIR and keep it")
    parser.add_argument("--seed", type=int, default=28)
    args = parser.parse_args(argv)

    from gdprcheck.checklist import DEFAULT_CHECKLIST, load_checklist

    work = Path(tempfile.mkdtemp(prefix="gdprcheck-bench-"))
    folder = args.keep or work / "portfolio"
    try:
        started = time.perf_counter()
        paths = build_portfolio(folder, args.documents, args.words, args.seed)
        texts = {path: path.read_text(encoding="utf-8") for path in paths}
        words = sum(len(text.split()) for text in texts.values())
        languages = sorted({_language(p) for p in paths})
        print(f"portfolio: {len(paths)} documents, {words:,} words ({', '.join(languages)}) in {folder}", file=sys.stderr)
        checklist = load_checklist(DEFAULT_CHECKLIST)

        print("tokenizer ceiling ...", file=sys.stderr)
        ceiling = tokenizer_ceiling(paths, texts, fresh=True)
        warm_ceiling = tokenizer_ceiling(paths, texts, fresh=False)
        print("end-to-end audit, one process ...", file=sys.stderr)
        audit = end_to_end(paths, checklist)

        subset = paths[: args.batch_documents or len(paths)]
        subset_words = sum(len(texts[p].split()) for p in subset)
        print(f"batch runner on {len(subset)} documents: 1 process, 2 processes, cached re-run ...", file=sys.stderr)
        one, first = batch_run(subset, checklist, 1, work / "cache-1")
        two, parallel = batch_run(subset, checklist, 2, work / "cache-2")
        cached, again = batch_run(subset, checklist, 1, work / "cache-1")
        if again.model_dump() != first.model_dump() or parallel.model_dump() != first.model_dump():
            raise SystemExit("cached or parallel results differ from the first run")

        print("start-up and peak memory (fresh processes) ...", file=sys.stderr)
        startup = _subprocess(_STARTUP, ",".join(languages))
        small = _subprocess(_PEAK_RSS, str(folder), str(args.small))
        large = _subprocess(_PEAK_RSS, str(folder), str(len(paths)))

        in_book = paths[: args.workbook_documents or len(paths)]
        print(f"workbook of {len(in_book)} documents: written, reviews read back ...", file=sys.stderr)
        book_batch = batch_run(in_book, checklist, 1, work / "cache-1")[1]
        book = workbook_figures(book_batch, checklist, work)
        book_small = _subprocess(_WORKBOOK_RSS, str(folder), str(args.small), str(work / "cache-1"), str(work / "small.xlsx"))
        book_large = _subprocess(_WORKBOOK_RSS, str(folder), str(len(in_book)), str(work / "cache-1"), str(work / "large.xlsx"))

        on_cli = paths[: args.cli_documents or len(paths)]
        print(f"command line on {len(on_cli)} documents: first run, re-runs, --help, one contract ...", file=sys.stderr)
        cli = command_line(on_cli, work, checklist)

        figures = {
            "documents": len(paths),
            "words": words,
            "languages": languages,
            "tokenizer_words_per_s": words / ceiling,
            "audit_words_per_s": words / audit,
            "audit_documents_per_s": len(paths) / audit,
            "ratio_to_ceiling": ceiling / audit,
            "tokenizer_warm_cache_words_per_s": words / warm_ceiling,
            "ratio_to_warm_cache_ceiling": warm_ceiling / audit,
            "batch_documents": len(subset),
            "batch_words": subset_words,
            "jobs1_seconds": one,
            "jobs2_seconds": two,
            "jobs1_documents_per_s": len(subset) / one,
            "jobs2_documents_per_s": len(subset) / two,
            "scaling_2_processes": one / two,
            "cached_rerun_seconds": cached,
            "cache_speedup": one / cached,
            "startup_import_seconds": startup["import"],
            "startup_seconds": startup["total"],
            "peak_rss_mb_small": small["peak_rss_mb"],
            "peak_rss_mb_large": large["peak_rss_mb"],
            "small_documents": small["documents"],
            "large_documents": large["documents"],
            "memory_ratio": large["peak_rss_mb"] / small["peak_rss_mb"],
            **book,
            "workbook_write_added_mb_small": book_small["added_mb"],
            "workbook_write_added_mb_large": book_large["added_mb"],
            "workbook_write_peak_mb_small": book_small["peak_mb"],
            "workbook_write_peak_mb_large": book_large["peak_mb"],
            **cli,
            "cli_rerun_speedup": cli["cli_first_seconds"] / cli["cli_rerun_unchanged_seconds"],
            "cli_rerun_reviewed_speedup": cli["cli_first_seconds"] / cli["cli_rerun_reviewed_seconds"],
            "benchmark_seconds": time.perf_counter() - started,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


def table(f: dict) -> str:
    rows = [
        ("portfolio", f"{f['documents']:,} documents, {f['words']:,} words ({', '.join(f['languages'])})", ""),
        ("tokenizer only (ceiling)", f"{f['tokenizer_words_per_s']:,.0f} words/s", "spacy.blank, cache emptied per doc"),
        (
            "tokenizer, warm cache",
            f"{f['tokenizer_warm_cache_words_per_s']:,.0f} words/s (ratio {f['ratio_to_warm_cache_ceiling']:.2f})",
            "repeated paragraphs come free",
        ),
        (
            "end-to-end audit",
            f"{f['audit_words_per_s']:,.0f} words/s, {f['audit_documents_per_s']:.1f} docs/s",
            "1 process, loaded",
        ),
        ("ratio to ceiling", f"{f['ratio_to_ceiling']:.2f}", "target >= 0.40"),
        (
            f"batch, 1 process ({f['batch_documents']} docs)",
            f"{f['jobs1_seconds']:.1f} s, {f['jobs1_documents_per_s']:.1f} docs/s",
            "start-up included",
        ),
        ("batch, 2 processes", f"{f['jobs2_seconds']:.1f} s, {f['jobs2_documents_per_s']:.1f} docs/s", ""),
        ("scaling 1 -> 2 processes", f"{f['scaling_2_processes']:.2f}x", "target >= 1.7x"),
        ("cached re-run", f"{f['cached_rerun_seconds']:.2f} s ({f['cache_speedup']:.0f}x faster)", "target >= 10x"),
        ("start-up", f"{f['startup_seconds']:.2f} s (import {f['startup_import_seconds']:.2f} s)", "target < 3 s"),
        (
            "peak RSS",
            f"{f['peak_rss_mb_small']:.0f} MB at {f['small_documents']} docs, "
            f"{f['peak_rss_mb_large']:.0f} MB at {f['large_documents']:,} docs ({f['memory_ratio']:.2f}x)",
            "target <= 1.5x",
        ),
        (
            f"workbook of {f['workbook_documents']:,} contracts",
            f"{f['workbook_write_seconds']:.2f} s to write ({f['workbook_bytes'] / 1e6:.1f} MB)",
            "target <= 5 s",
        ),
        (
            f"its {f['reviews_typed']:,} reviews read back",
            f"{f['review_parse_seconds']:.2f} s parsed, {f['review_record_seconds']:.3f} s unchanged (record)",
            "target <= 2 s",
        ),
        (
            "memory to write the workbook",
            f"+{f['workbook_write_added_mb_small']:.0f} MB at {f['small_documents']} docs, "
            f"+{f['workbook_write_added_mb_large']:.0f} MB at {f['workbook_documents']:,} docs "
            f"(peak {f['workbook_write_peak_mb_small']:.0f} / {f['workbook_write_peak_mb_large']:.0f} MB)",
            "flat in the batch size",
        ),
        (
            f"gdprcheck audit, {f['cli_documents']:,} docs, first run",
            f"{f['cli_first_seconds']:.1f} s",
            "workbook and results.csv included; target (1,000 docs, 2 cores) <= 45 s",
        ),
        (
            "re-run, reviews typed in since",
            f"{f['cli_rerun_reviewed_seconds']:.2f} s ({f['cli_rerun_reviewed_speedup']:.1f}x faster)",
            f"{f['cli_reviews_carried']:,} reviews carried over; workbook parsed",
        ),
        (
            "re-run, workbook untouched",
            f"{f['cli_rerun_unchanged_seconds']:.2f} s ({f['cli_rerun_speedup']:.1f}x faster)",
            "target >= 10x; the report is left as it is",
        ),
        ("gdprcheck --help", f"{f['cli_help_seconds']:.2f} s", ""),
        ("gdprcheck audit, one contract", f"{f['cli_one_contract_seconds']:.2f} s", "--no-cache (nothing kept from earlier runs); target <= 1.5 s"),
        ("gdprcheck audit, a new contract", f"{f['cli_new_contract_seconds']:.2f} s", "not in the result cache; checklist patterns known from earlier runs"),
        ("benchmark took", f"{f['benchmark_seconds']:.0f} s", ""),
    ]
    width = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [f"{'measure':<{width[0]}}  {'result':<{width[1]}}  note", "-" * (sum(width) + 8)]
    lines += [f"{a:<{width[0]}}  {b:<{width[1]}}  {c}" for a, b, c in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
