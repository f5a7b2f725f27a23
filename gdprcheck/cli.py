"""Command line: parse, call, print, exit code. No audit logic lives here.

Exit codes of `audit`: 0 every contract file audited; 1 some files could not be audited, or a path
given does not exist or is not a contract file (each is listed on stderr and in the report's Errors
sheet, and the report is still written); 2 a usage, checklist, limit or baseline error, nothing to
audit, or the report could not be written.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import logging
import os
import sys
from pathlib import Path

from gdprcheck import __version__

DEFAULT_INPUT = Path("seeds")
DEFAULT_OUTPUT = Path("reports")

_DEFAULT_PATHS = [DEFAULT_INPUT]  # one list, so that a default is told from "seeds" typed out

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gdprcheck",
        description="Check processor agreements against GDPR Article 28, offline, and write Excel gap reports.",
    )
    parser.add_argument("--version", action="version", version=f"gdprcheck {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    audit = commands.add_parser(
        "audit",
        help="audit contracts (files or folders) and write the gap report",
        description="Audit .txt, .md, .pdf and .docx contracts: files, folders of them, or both, in one report.",
    )
    audit.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=_DEFAULT_PATHS,
        metavar="PATH",
        help="contract files and folders of contracts (default: seeds/); a file reached twice is audited once",
    )
    _add_checklist_option(audit)
    audit.add_argument(
        "-o",
        "--out",
        type=Path,
        default=DEFAULT_OUTPUT,
        metavar="DIR",
        help="folder for the workbook and results.csv (default: reports/)",
    )
    audit.add_argument("-r", "--recursive", action="store_true", help="also audit contracts in the folders' sub-folders")
    audit.add_argument(
        "--blank-pipelines", action="store_true", help="rules on spacy.blank only, even where a trained pipeline is installed"
    )
    audit.add_argument(
        "--baseline",
        type=Path,
        metavar="OLD.xlsx",
        help="carry the reviewer columns over from this earlier workbook (the one in --out is always read too)",
    )
    audit.add_argument(
        "--keep-backups",
        type=int,
        default=10,
        metavar="N",
        help="backups of earlier workbooks kept in --out, the most recent (default: 10; 0 keeps them all)",
    )
    audit.add_argument(
        "--approved",
        type=Path,
        metavar="FILE",
        help="the DPO's approved sub-processors (YAML; default: approved-subprocessors.yaml beside the checklist, "
        "else ./checklists/, else the shipped example): findings in subprocessors.csv",
    )
    audit.add_argument("-q", "--quiet", action="store_true", help="print only errors (and no progress bar)")
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
    _add_checklist_option(evaluate)
    evaluate.add_argument(
        "--subprocessors",
        type=Path,
        metavar="SUBLABELS",
        help="also measure the sub-processors found against these labels (CSV: document,name,country,service,evidence)",
    )
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.add_argument("--mistakes", action="store_true", help="also list every disagreement with the labels")
    evaluate.add_argument(
        "--documents", default="*", metavar="GLOB", help="only the labelled documents whose file name matches, e.g. 'nl_*'"
    )
    evaluate.add_argument("--blank-pipelines", action="store_true", help="rules on spacy.blank only")
    evaluate.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _add_batch_options(evaluate)

    checklist = commands.add_parser("checklist", help="work with checklist files")
    checklist_commands = checklist.add_subparsers(dest="checklist_command", required=True, metavar="ACTION")
    validate = checklist_commands.add_parser("validate", help="check a checklist file and its language files")
    validate.add_argument("file", type=Path, help="checklist YAML")
    return parser


def _add_checklist_option(parser: argparse.ArgumentParser) -> None:
    # no default here: finding the default checklist imports the checklist models, which --help
    # does not need (see _checklist_path)
    parser.add_argument(
        "-c",
        "--checklist",
        type=Path,
        metavar="FILE",
        help="checklist YAML (default: ./checklists/art28.yaml, else the shipped one)",
    )


def _checklist_path(args: argparse.Namespace) -> Path:
    from gdprcheck.checklist import default_checklist_path

    return args.checklist if args.checklist is not None else default_checklist_path()


def _add_batch_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-j", "--jobs", type=int, default=0, metavar="N", help="worker processes (default: all cores; 1 = in this process)"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="audit every file again instead of reusing results cached on an earlier run, and check "
        "every checklist pattern afresh",
    )
    parser.add_argument(
        "--cache-dir", type=Path, metavar="DIR", help="where per-document results, and what checking the checklist's patterns learnt, are cached "
        "(default: ~/.cache/gdprcheck)",
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


def _run_batch(args: argparse.Namespace, checklist, files: list[Path], limits, **naming):
    """The batch with the command's options; `naming` says how documents are named (see run_batch)."""
    from gdprcheck.batch import resolve_cache_dir, resolve_jobs, run_batch

    return run_batch(
        files,
        checklist,
        jobs=resolve_jobs(args.jobs),
        cache_dir=resolve_cache_dir(args.cache_dir, enabled=not args.no_cache),
        prefer_trained=not args.blank_pipelines,
        progress=not args.quiet,
        limits=limits,
        **naming,
    )


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    _tune_process()
    logging.basicConfig(
        format="%(levelname)s: %(message)s", level=logging.ERROR if getattr(args, "quiet", False) else logging.WARNING
    )
    try:
        if args.command == "audit":
            return _audit(args)
        if args.command == "eval":
            return _evaluate(args)
        return _validate(args)
    except KeyboardInterrupt:
        # every report file is written to a temporary name and renamed into place: none is left half-written
        print("\ninterrupted: the run stopped before its end; no report file is left half-written", file=sys.stderr)
        return EXIT_INTERRUPTED


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    # argparse ends a list of paths at the first option: in "audit a/ -o out/ b/", b/ is a path too
    if args.command == "audit" and extra and not any(value.startswith("-") for value in extra):
        given = [] if args.paths is _DEFAULT_PATHS else args.paths
        args.paths = given + [Path(value) for value in extra]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def _tune_process() -> None:
    """Settings for a process that loads a great deal once and then audits (measured on a
    one-contract audit: 1.8 s -> 1.4 s of CPU)."""
    # Start-up builds hundreds of thousands of objects that live as long as the process (checklist
    # models, pattern analyses, pipelines); at the default thresholds the cyclic collector traverses
    # them all over again as they are made: a sixth of a one-contract audit.
    gc.set_threshold(100_000, 50, 100)
    # At exit the collector would traverse them all once more, to find garbage the process is about
    # to drop anyway: frozen objects are left out of that last pass.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    # numpy's OpenBLAS starts a thread per core that spins when it is loaded; nothing here
    # multiplies matrices through it (thinc's layers use blis), and a batch runs its own processes
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _load(path: Path, args: argparse.Namespace | None = None):
    """The checklist; for a command with a cache (args given), what checking its patterns learnt is
    kept in the cache folder's patterns/ for the next run (see checklist.load_language). `validate`
    always checks every pattern afresh."""
    from gdprcheck.checklist import ChecklistError, load_checklist

    shapes = None
    if args is not None:
        from gdprcheck.batch import resolve_cache_dir

        folder = resolve_cache_dir(args.cache_dir, enabled=not args.no_cache)
        shapes = folder / "patterns" if folder is not None else None
    try:
        return load_checklist(path, shapes)
    except ChecklistError as exc:
        print(f"checklist error: {exc}", file=sys.stderr)
        return None


def _approval(args: argparse.Namespace, checklist):
    """The approved list of sub-processors, held against the vocabulary's names; None (and a message) when it cannot be used."""
    from gdprcheck.checklist import ChecklistError
    from gdprcheck.subprocessors import ApprovalCheck, load_approved, load_vocabulary

    try:
        approved = load_approved(args.approved, checklist_source=checklist.source or None)
        vocabulary = load_vocabulary(checklist_source=checklist.source or None)
    except ChecklistError as exc:
        print(f"approved list error: {exc}", file=sys.stderr)
        return None
    return ApprovalCheck(approved, vocabulary)


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
    from gdprcheck.audit import collect_contracts

    checklist_path = _checklist_path(args)
    checklist = _load(checklist_path, args)
    if checklist is None:
        return EXIT_USAGE
    approval = _approval(args, checklist)
    if approval is None:
        return EXIT_USAGE
    if args.baseline is not None:
        from gdprcheck.report import ReviewError, check_baseline

        try:
            check_baseline(args.baseline)
        except ReviewError as exc:
            print(f"baseline error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    inputs = collect_contracts(args.paths, recursive=args.recursive)
    if not inputs.files:
        if args.paths is _DEFAULT_PATHS and not args.paths[0].exists():
            print(
                "error: no contracts named: give the files or folders to audit, e.g. `gdprcheck audit contracts/` "
                f"(without a path the audit reads {args.paths[0]}/, the repository's example contracts, not in this folder)",
                file=sys.stderr,
            )
            return EXIT_USAGE
        for problem in inputs.failed + inputs.skipped:
            print(f"error: {problem.document}: {problem.problem}", file=sys.stderr)
        print("error: nothing to audit", file=sys.stderr)
        return EXIT_USAGE
    limits = _limits(args)
    if limits is None:
        return EXIT_USAGE
    if not args.quiet:
        for note in inputs.renamed:
            print(f"note: {note}", file=sys.stderr)
    batch = _run_batch(args, checklist, inputs.files, limits, names=inputs.names)
    approval.apply(batch)  # after the cache: the list may change without any contract changing
    # paths that are not contracts head the errors; files skipped as not being contracts are notes
    batch.errors[:0] = inputs.failed
    failed = bool(batch.errors)
    batch.errors.extend(inputs.skipped)
    options = {
        "paths": "; ".join(str(path) for path in args.paths),
        "--checklist": str(checklist_path),
        "--out": str(args.out),
        "--recursive": "yes" if args.recursive else "no",
        "--blank-pipelines": "yes" if args.blank_pipelines else "no",
        "--baseline": str(args.baseline) if args.baseline else "none",
        "--approved": approval.approved.source,
        "--jobs": str(args.jobs or "all cores"),
        "--no-cache": "yes" if args.no_cache else "no",
        "limits": f"{limits.max_file_mb:g} MB, {limits.max_pdf_pages} PDF pages, "
        f"{limits.max_docx_expanded_mb:g} MB unzipped .docx, {limits.max_seconds or 'no'} s per file",
    }
    audited = {name: path for path, name in inputs.names.items()}
    from gdprcheck.report import CSV_NAME, WORKBOOK_NAME, ReviewError, write_reports
    from gdprcheck.report.folder import locked, prune_backups, remove_stale_temporaries

    def waiting() -> None:
        print(f"waiting: another audit is writing its report in {args.out}", file=sys.stderr)

    try:
        # one run at a time reads the previous workbook and puts the new one in place
        with locked(args.out, on_wait=waiting):
            remove_stale_temporaries(args.out)
            written = write_reports(batch, checklist, args.out, audited_files=audited, baseline=args.baseline, options=options)
            prune_backups(args.out / WORKBOOK_NAME, args.keep_backups)
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
        if not written:
            print(
                f"unchanged: {args.out / WORKBOOK_NAME} and {args.out / CSV_NAME} already hold these results and "
                "reviews; left as they are (delete the workbook to have it written again)"
            )
        not_audited = len([e for e in batch.errors if not e.problem.startswith("skipped:")])
        print(
            f"audited {len(batch.audits)} contract(s)"
            + (f", {not_audited} file(s) could not be (listed above)" if not_audited else "")
            + f"; report: {args.out / WORKBOOK_NAME}"
        )
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _evaluate(args: argparse.Namespace) -> int:
    import json
    from fnmatch import fnmatch

    from gdprcheck.audit import contract_files, document_name
    from gdprcheck.evaluate import (
        LabelError,
        evaluate,
        evaluate_subprocessors,
        read_labels,
        read_subprocessor_labels,
        subprocessor_table,
    )

    checklist = _load(_checklist_path(args), args)
    if checklist is None:
        return EXIT_USAGE
    try:
        labels = read_labels(args.labels)
        sub_labels = read_subprocessor_labels(args.subprocessors) if args.subprocessors else None
        files, _ = contract_files(args.folder)
    except (LabelError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    labels = labels[labels["document"].map(lambda name: fnmatch(name, args.documents))]
    labelled = set(labels["document"])
    limits = _limits(args)
    if limits is None:
        return EXIT_USAGE
    batch = _run_batch(args, checklist, [f for f in files if document_name(f, args.folder) in labelled], limits, root=args.folder)
    result = evaluate(batch, labels)
    subprocessors = None
    if sub_labels is not None:
        from gdprcheck.subprocessors import NameIndex, load_vocabulary

        names = NameIndex(load_vocabulary(checklist_source=checklist.source or None))
        subprocessors = evaluate_subprocessors(batch, sub_labels, names)
    for error in batch.errors:
        print(f"{error.document}: {error.problem}", file=sys.stderr)
    if args.json:
        figures = result.as_dict()
        if subprocessors is not None:
            figures["subprocessors"] = subprocessors
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        print(result.table())
        if subprocessors is not None:
            print("\n" + subprocessor_table(subprocessors))
            if args.mistakes:
                print("\n" + "\n".join(subprocessors["mistakes"]))
        if len(result.by_language) > 1:
            for figure in ("status_accuracy", "evidence_hit"):
                print("\n" + result.language_table(figure))
        if args.mistakes:
            print("\n" + "\n".join(result.mistakes))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
