"""Command line: parse, call, print, exit code. No audit logic lives here.

Exit codes: 0 at least one contract audited (files that failed are listed in the report's Errors
sheet and on stderr); 1 nothing could be audited; 2 usage, checklist or labels error (nothing written).
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

EXIT_OK, EXIT_NOTHING_AUDITED, EXIT_USAGE = 0, 1, 2


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
    audit.add_argument("--quiet", action="store_true", help="print only errors")

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

    checklist = commands.add_parser("checklist", help="work with checklist files")
    checklist_commands = checklist.add_subparsers(dest="checklist_command", required=True, metavar="ACTION")
    validate = checklist_commands.add_parser("validate", help="check a checklist file and its language files")
    validate.add_argument("file", type=Path, help="checklist YAML")
    return parser


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
    from gdprcheck.audit import Auditor, contract_files
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
    auditor = Auditor(checklist, prefer_trained=not args.blank_pipelines)
    batch = auditor.audit_files(files)
    batch.errors.extend(skipped)
    options = {
        "folder": str(args.folder),
        "--checklist": str(args.checklist),
        "--out": str(args.out),
        "--recursive": "yes" if args.recursive else "no",
        "--blank-pipelines": "yes" if args.blank_pipelines else "no",
        "--baseline": str(args.baseline) if args.baseline else "none",
    }
    try:
        written = write_reports(batch, checklist, args.out, audited_files=files, baseline=args.baseline, options=options)
    except ReviewError as exc:
        print(f"baseline error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"error: cannot write the report to {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_NOTHING_AUDITED
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
    # Files that failed are in the report's Errors sheet; the run fails only if nothing was audited.
    return EXIT_OK if batch.audits else EXIT_NOTHING_AUDITED


def _evaluate(args: argparse.Namespace) -> int:
    from gdprcheck.audit import Auditor, contract_files
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
    batch = Auditor(checklist, prefer_trained=not args.blank_pipelines).audit_files([f for f in files if f.name in labelled])
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
