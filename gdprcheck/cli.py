"""Command line: parse, call, print, exit code. No audit logic lives here.

Exit codes of `audit`: 0 every contract file audited; 1 some files could not be audited (they are
listed on stderr and in the report's Errors sheet, and the report is still written); 2 a usage,
checklist, limit or baseline error, or the report could not be written.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from fnmatch import fnmatch
from pathlib import Path

from gdprcheck import __version__

DEFAULT_INPUT = Path("seeds")
DEFAULT_OUTPUT = Path("reports")

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    from gdprcheck.checklist import DEFAULT_CHECKLIST

    parser = argparse.ArgumentParser(
        prog="gdprcheck",
        description="Check processor agreements against GDPR Article 28, offline, and write Excel gap reports.",
    )
    parser.add_argument("--version", action="version", version=f"gdprcheck {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    audit = commands.add_parser(
        "audit",
        help="audit a folder of contracts and write the gap report",
        description="Audit every .txt, .md, .pdf and .docx contract in a folder.",
    )
    audit.add_argument("folder", nargs="?", type=Path, default=DEFAULT_INPUT, help="folder of contracts (default: seeds/)")
    audit.add_argument(
        "--checklist", type=Path, default=DEFAULT_CHECKLIST, help="checklist YAML (default: the Article 28 checklist)"
    )
    audit.add_argument(
        "--out", type=Path, default=DEFAULT_OUTPUT, help="folder for the workbook and results.csv (default: reports/)"
    )
    audit.add_argument("--recursive", action="store_true", help="also audit contracts in sub-folders")
    audit.add_argument(
        "--blank-pipelines", action="store_true", help="rules on spacy.blank only, even where a trained pipeline is installed"
    )
    audit.add_argument(
        "--baseline",
        type=Path,
        metavar="OLD.xlsx",
        help="carry the reviewer columns over from this earlier workbook (the one in --out is always read too)",
    )
    audit.add_argument("--quiet", action="store_true", help="print only errors (and no progress bar)")
    _add_batch_options(audit)

    evaluate = commands.add_parser(
        "eval",
        help="measure accuracy against hand-made labels",
        description="Audit the labelled contracts and compare with the labels (CSV: document,item,status,value,evidence).",
    )
    evaluate.add_argument("folder", type=Path, help="folder holding the labelled contracts")
    evaluate.add_argument(
        "--labels",
        type=Path,
        required=True,
        help="labels CSV, or a reviewed gdprcheck workbook (.xlsx): the reviewer's status overrides the tool's, "
        "'agree' keeps it, 'not applicable' rows are left out",
    )
    evaluate.add_argument("--checklist", type=Path, default=DEFAULT_CHECKLIST, help="checklist YAML")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.add_argument("--mistakes", action="store_true", help="also list every disagreement with the labels")
    evaluate.add_argument(
        "--documents", default="*", metavar="GLOB", help="only the labelled documents whose file name matches, e.g. 'nl_*'"
    )
    evaluate.add_argument("--blank-pipelines", action="store_true", help="rules on spacy.blank only")
    evaluate.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_batch_options(evaluate)

    checklist = commands.add_parser("checklist", help="work with checklist files")
    checklist_commands = checklist.add_subparsers(dest="checklist_command", required=True, metavar="ACTION")
    validate = checklist_commands.add_parser("validate", help="check a checklist file and its language files")
    validate.add_argument("file", type=Path, help="checklist YAML")
    return parser


def _add_batch_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="worker processes (default: all cores; 1 = in this process)"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="audit every file again instead of reusing results cached on an earlier run"
    )
    parser.add_argument(
        "--cache-dir", type=Path, metavar="DIR", help="where per-document results are cached (default: ~/.cache/gdprcheck)"
    )
    limits = parser.add_argument_group("limits per file (a file over a limit gets an error row)")
    limits.add_argument("--max-file-mb", type=float, default=50, metavar="MB", help="largest file read (default: 50)")
    limits.add_argument("--max-pdf-pages", type=int, default=1000, metavar="N", help="most PDF pages read (default: 1000)")
    limits.add_argument(
        "--max-docx-expanded-mb",
        type=float,
        default=200,
        metavar="MB",
        help="largest unzipped size of a .docx (default: 200; guards against zip bombs)",
    )
    limits.add_argument(
        "--read-timeout",
        type=float,
        default=120,
        metavar="SECONDS",
        help="time to extract one file's text (default: 120; 0 = no limit)",
    )


def _limits(args: argparse.Namespace):
    """The read limits from the command line, or None (and a message) when one is not valid."""
    from pydantic import ValidationError

    from gdprcheck.read import ReadLimits

    try:
        return ReadLimits(
            max_file_mb=args.max_file_mb,
            max_pdf_pages=args.max_pdf_pages,
            max_docx_expanded_mb=args.max_docx_expanded_mb,
            max_seconds=args.read_timeout or None,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        print(f"error: invalid limit ({problems})", file=sys.stderr)
        return None


def _run_batch(args: argparse.Namespace, checklist, files: list[Path], limits=None):
    """The batch with the command's options; documents named relative to the folder given."""
    from gdprcheck.batch import resolve_cache_dir, resolve_jobs, run_batch

    return run_batch(
        files,
        checklist,
        jobs=resolve_jobs(args.jobs),
        cache_dir=resolve_cache_dir(args.cache_dir, enabled=not args.no_cache),
        prefer_trained=not args.blank_pipelines,
        progress=not args.quiet,
        limits=limits,
        root=args.folder,
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        format="%(levelname)s: %(message)s", level=logging.ERROR if getattr(args, "quiet", False) else logging.WARNING
    )
    if args.command == "audit":
        return _audit(args)
    if args.command == "eval":
        return _evaluate(args)
    return _validate(args)


def _load(path: Path):
    from gdprcheck.checklist import ChecklistError, load_checklist

    try:
        return load_checklist(path)
    except ChecklistError as exc:
        print(f"checklist error: {exc}", file=sys.stderr)
        return None


def _validate(args: argparse.Namespace) -> int:
    checklist = _load(args.file)
    if checklist is None:
        return EXIT_USAGE
    print(
        f"{args.file}: valid — {len(checklist.checklist_items)} items, {len(checklist.red_flags)} red flags, "
        f"languages {', '.join(checklist.languages)}"
    )
    return EXIT_OK


def _audit(args: argparse.Namespace) -> int:
    from gdprcheck.audit import contract_files, document_name
    from gdprcheck.report import ReviewError, check_baseline, write_reports

    checklist = _load(args.checklist)
    if checklist is None:
        return EXIT_USAGE
    if args.baseline is not None:
        try:
            check_baseline(args.baseline)
        except ReviewError as exc:
            print(f"baseline error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    try:
        files, skipped = contract_files(args.folder, recursive=args.recursive)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not files:
        print(f"error: {args.folder}: no contract files (.txt, .md, .pdf, .docx) found", file=sys.stderr)
        return EXIT_USAGE
    limits = _limits(args)
    if limits is None:
        return EXIT_USAGE
    batch = _run_batch(args, checklist, files, limits)
    failed = bool(batch.errors)  # files skipped as not being contracts are notes, not failures
    batch.errors.extend(skipped)
    options = {
        "folder": str(args.folder),
        "--checklist": str(args.checklist),
        "--out": str(args.out),
        "--recursive": "yes" if args.recursive else "no",
        "--blank-pipelines": "yes" if args.blank_pipelines else "no",
        "--baseline": str(args.baseline) if args.baseline else "none",
        "--jobs": str(args.jobs or "all cores"),
        "--no-cache": "yes" if args.no_cache else "no",
        "limits": f"{limits.max_file_mb:g} MB, {limits.max_pdf_pages} PDF pages, "
        f"{limits.max_docx_expanded_mb:g} MB unzipped .docx, {limits.max_seconds or 'no'} s per file",
    }
    audited = {document_name(f, args.folder): f for f in files}
    try:
        written = write_reports(batch, checklist, args.out, audited_files=audited, baseline=args.baseline, options=options)
    except ReviewError as exc:
        print(f"baseline error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"error: cannot write the report to {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.quiet:
        for audit in batch.audits:
            gaps = sum(r.status.is_gap for r in audit.items)
            flags = len([r for r in audit.red_flags if r.status.value == "flagged"])
            print(f"{audit.document}: {audit.language}, score {audit.score:.0%}, {gaps} gap(s), {flags} red flag(s)")
    for error in batch.errors:
        print(f"{error.document}: {error.problem}", file=sys.stderr)
    if not args.quiet:
        for path in written:
            print(f"wrote {path}")
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _evaluate(args: argparse.Namespace) -> int:
    from gdprcheck.audit import contract_files, document_name
    from gdprcheck.evaluate import LabelError, evaluate, read_labels

    checklist = _load(args.checklist)
    if checklist is None:
        return EXIT_USAGE
    try:
        labels = read_labels(args.labels)
        files, _ = contract_files(args.folder)
    except (LabelError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    labels = labels[labels["document"].map(lambda name: fnmatch(name, args.documents))]
    labelled = set(labels["document"])
    limits = _limits(args)
    if limits is None:
        return EXIT_USAGE
    batch = _run_batch(args, checklist, [f for f in files if document_name(f, args.folder) in labelled], limits)
    result = evaluate(batch, labels)
    for error in batch.errors:
        print(f"{error.document}: {error.problem}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(result.table())
        if len(result.by_language) > 1:
            for figure in ("status_accuracy", "evidence_hit"):
                print("\n" + result.language_table(figure))
        if args.mistakes:
            print("\n" + "\n".join(result.mistakes))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
