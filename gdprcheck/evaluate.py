"""Accuracy against hand-made labels (format: shared/eval/README.md), per item, per language, overall.

Status accuracy, gap precision/recall (an item is a gap when partial or missing), evidence hit rate
(quotes compared without case, whitespace or bullets; a hit is containment either way or a common
run of at least half the shorter quote), value accuracy (durations compared in one unit, business
days apart; countries as sets) and red-flag precision/recall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import pandas as pd

from gdprcheck.models import BatchResult, ItemResult
from gdprcheck.values import parse_duration_spec

LABEL_COLUMNS = ["document", "item", "status", "value", "evidence"]
_SQUEEZE = re.compile(r"[\s•●▪◦·]+")


class LabelError(Exception):
    """The labels file cannot be used; the message names the file and the problem."""


def read_labels(path: Path) -> pd.DataFrame:
    """Labels from a CSV file, or from a gdprcheck workbook a reviewer has worked through (.xlsx)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_reviewed_workbook(path)
    try:
        labels = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise LabelError(f"{path}: labels file not found") from None
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise LabelError(f"{path}: not a UTF-8 CSV file ({exc})") from None
    missing = [c for c in LABEL_COLUMNS if c not in labels.columns]
    if missing:
        raise LabelError(f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(LABEL_COLUMNS)}")
    bad = labels[~labels["status"].isin(["met", "partial", "missing", "flagged"])]
    if len(bad):
        row = bad.index[0] + 2
        raise LabelError(f"{path}, line {row}: status '{bad.iloc[0]['status']}' is not met, partial, missing or flagged")
    return labels[LABEL_COLUMNS]


def read_reviewed_workbook(path: Path) -> pd.DataFrame:
    """A reviewed gap workbook as labels: the reviewer's status where there is one, else the tool's
    status at the time of the review ("agree" keeps it); rows marked "not applicable" are left out.

    The quote and value are kept as labels only where the status stands; on a red-flag row, any
    status but "agree" means the flag should not have been raised, so the flag is not labelled."""
    from gdprcheck.report.layout import REVIEWER_STATUSES
    from gdprcheck.report.reviews import ReviewError, read_workbook

    try:
        rows, _ = read_workbook(path)
    except ReviewError as exc:
        raise LabelError(str(exc)) from None
    labels: dict[tuple[str, str], dict[str, str]] = {}
    for row in rows:
        if not row.item or (row.document, row.item) in labels:
            continue
        choice = row.review.reviewer_status
        if choice not in ("", *REVIEWER_STATUSES):
            raise LabelError(f"{row.where}: reviewer status '{row.review.status}' is not one of {', '.join(REVIEWER_STATUSES)}")
        if row.status not in ("met", "partial", "missing", "flagged"):
            raise LabelError(f"{row.where}: status '{row.status}' is not met, partial, missing or flagged")
        if choice == "not applicable" or (row.item.startswith("redflag.") and choice not in ("", "agree")):
            continue
        status = row.status if choice in ("", "agree") else choice
        stands = status == row.status
        labels[(row.document, row.item)] = {
            "document": row.document,
            "item": row.item,
            "status": status,
            "value": row.value if stands else "",
            "evidence": row.evidence if stands and status != "missing" else "",
        }
    if not labels:
        raise LabelError(f"{path}: no finding rows to use as labels")
    return pd.DataFrame(list(labels.values()), columns=LABEL_COLUMNS)


def squeeze(quote: str) -> str:
    return _SQUEEZE.sub("", quote.lower())


def quote_hits(predicted: str, labelled: str) -> bool:
    a, b = squeeze(predicted), squeeze(labelled)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    shorter = min(len(a), len(b))
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size >= shorter / 2


def values_equal(predicted: str, labelled: str) -> bool:
    predicted, labelled = predicted.strip(), labelled.strip()
    if predicted == labelled:
        return True
    try:
        p, lab = parse_duration_spec(predicted), parse_duration_spec(labelled)
    except ValueError:
        pass
    else:
        if (p.unit == "business days") != (lab.unit == "business days"):
            return False
        return p.hours == lab.hours
    if ";" in predicted or ";" in labelled or (predicted.isupper() and labelled.isupper()):
        return {v.strip() for v in predicted.split(";") if v.strip()} == {v.strip() for v in labelled.split(";") if v.strip()}
    return False


@dataclass
class _Tally:
    status_total: int = 0
    status_correct: int = 0
    gap_tp: int = 0
    gap_fp: int = 0
    gap_fn: int = 0
    evidence_total: int = 0
    evidence_hits: int = 0
    value_total: int = 0
    value_correct: int = 0
    flag_tp: int = 0
    flag_fp: int = 0
    flag_fn: int = 0
    mistakes: list[str] = field(default_factory=list)

    def add(self, other: _Tally) -> None:
        for name in self.__dataclass_fields__:
            if name != "mistakes":
                setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> dict[str, float | int | None]:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        return {
            "pairs": self.status_total,
            "status_accuracy": ratio(self.status_correct, self.status_total),
            "gap_precision": ratio(self.gap_tp, self.gap_tp + self.gap_fp),
            "gap_recall": ratio(self.gap_tp, self.gap_tp + self.gap_fn),
            "evidence_hit": ratio(self.evidence_hits, self.evidence_total),
            "value_accuracy": ratio(self.value_correct, self.value_total),
            "redflag_precision": ratio(self.flag_tp, self.flag_tp + self.flag_fp),
            "redflag_recall": ratio(self.flag_tp, self.flag_tp + self.flag_fn),
        }


@dataclass
class Evaluation:
    by_item: dict[str, dict]
    by_language: dict[str, dict]
    overall: dict
    mistakes: list[str]
    by_language_item: dict[str, dict[str, dict]] = field(default_factory=dict)  # language -> item -> figures

    def as_dict(self) -> dict:
        return {
            "overall": self.overall,
            "by_language": self.by_language,
            "by_item": self.by_item,
            "by_language_item": self.by_language_item,
            "mistakes": self.mistakes,
        }

    def language_table(self, figure: str = "status_accuracy") -> str:
        """Items x languages for one figure: where each language is weak."""
        columns = {
            language: {item: values[figure] for item, values in items.items()}
            for language, items in self.by_language_item.items()
        }
        frame = pd.DataFrame(columns).astype(float)
        frame.index.name = figure
        return frame.sort_index().to_string(na_rep="-", float_format=lambda x: f"{x:.2f}")

    def table(self) -> str:
        rows = [{"scope": f"item {k}", **v} for k, v in self.by_item.items()]
        rows += [{"scope": f"language {k}", **v} for k, v in self.by_language.items()]
        rows.append({"scope": "OVERALL", **self.overall})
        frame = pd.DataFrame(rows).set_index("scope").astype(float)
        frame["pairs"] = frame["pairs"].astype(int)
        return frame.to_string(na_rep="-", float_format=lambda x: f"{x:.3f}")


def evaluate(batch: BatchResult, labels: pd.DataFrame) -> Evaluation:
    predicted: dict[tuple[str, str], ItemResult] = {}
    languages: dict[str, str] = {}
    for audit in batch.audits:
        languages[audit.document] = audit.language
        for result in audit.results:
            predicted[(audit.document, result.item)] = result
    audited = set(languages)
    unaudited = sorted(set(labels["document"]) - audited)

    by_item: dict[str, _Tally] = {}
    by_language: dict[str, _Tally] = {}
    by_language_item: dict[tuple[str, str], _Tally] = {}
    overall = _Tally()
    labelled_flags = set()
    for row in labels.itertuples(index=False):
        if row.document not in audited:
            continue
        language = languages[row.document]
        tally = _Tally()
        if row.item.startswith("redflag."):
            labelled_flags.add((row.document, row.item))
            guess = predicted.get((row.document, row.item))
            if guess is not None and guess.status.value == "flagged":
                tally.flag_tp += 1
                if row.evidence:
                    tally.evidence_total += 1
                    tally.evidence_hits += bool(guess.evidence and quote_hits(guess.evidence.quote, row.evidence))
            else:
                tally.flag_fn += 1
                tally.mistakes.append(f"{row.document} {row.item}: flag missed")
        else:
            guess = predicted.get((row.document, row.item))
            status = guess.status.value if guess else "missing"
            tally.status_total += 1
            tally.status_correct += status == row.status
            if status != row.status:
                tally.mistakes.append(f"{row.document} {row.item}: predicted {status}, labelled {row.status}")
            labelled_gap, predicted_gap = row.status != "met", status != "met"
            tally.gap_tp += labelled_gap and predicted_gap
            tally.gap_fp += predicted_gap and not labelled_gap
            tally.gap_fn += labelled_gap and not predicted_gap
            if row.evidence and row.status != "missing":
                tally.evidence_total += 1
                hit = bool(guess and guess.evidence and quote_hits(guess.evidence.quote, row.evidence))
                tally.evidence_hits += hit
                if not hit and status != "missing":
                    tally.mistakes.append(f"{row.document} {row.item}: evidence missed")
            if row.value:
                tally.value_total += 1
                correct = bool(guess and values_equal(guess.value, row.value))
                tally.value_correct += correct
                if not correct:
                    tally.mistakes.append(
                        f"{row.document} {row.item}: value {guess.value if guess else ''!r}, labelled {row.value!r}"
                    )
        buckets = (
            by_item.setdefault(row.item, _Tally()),
            by_language.setdefault(language, _Tally()),
            by_language_item.setdefault((language, row.item), _Tally()),
            overall,
        )
        for bucket in buckets:
            bucket.add(tally)
        overall.mistakes.extend(tally.mistakes)

    for (document, item), result in predicted.items():
        if result.is_red_flag and result.status.value == "flagged" and (document, item) not in labelled_flags:
            extra = _Tally(flag_fp=1)
            buckets = (
                by_item.setdefault(item, _Tally()),
                by_language.setdefault(languages[document], _Tally()),
                by_language_item.setdefault((languages[document], item), _Tally()),
                overall,
            )
            for bucket in buckets:
                bucket.add(extra)
            overall.mistakes.append(f"{document} {item}: flagged, not labelled")
    mistakes = overall.mistakes + [f"{d}: labelled but not audited" for d in unaudited]
    return Evaluation(
        by_item={k: v.figures() for k, v in sorted(by_item.items())},
        by_language={k: v.figures() for k, v in sorted(by_language.items())},
        overall=overall.figures(),
        mistakes=mistakes,
        by_language_item=_nest(by_language_item),
    )


def _nest(tallies: dict[tuple[str, str], _Tally]) -> dict[str, dict[str, dict]]:
    nested: dict[str, dict[str, dict]] = {}
    for (language, item), tally in sorted(tallies.items()):
        nested.setdefault(language, {})[item] = tally.figures()
    return nested


# --- sub-processors (issue 13) ---------------------------------------------------------------------

SUBPROCESSOR_COLUMNS = ["document", "name", "country"]


def read_subprocessor_labels(path: Path) -> pd.DataFrame:
    """Sub-processor labels (document,name,country,service,evidence): one row per named sub-processor."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise LabelError(f"{path}: cannot be read ({exc})") from None
    missing = [column for column in SUBPROCESSOR_COLUMNS if column not in frame.columns]
    if missing:
        raise LabelError(f"{path}: missing column(s) {', '.join(missing)} (expected document,name,country,service,evidence)")
    return frame


def _country_set(value: str) -> frozenset[str]:
    return frozenset(code.strip().upper() for code in re.split(r"[;,]", value or "") if code.strip())


def evaluate_subprocessors(batch: BatchResult, labels: pd.DataFrame, names) -> dict:
    """Precision and recall of (document, entity) pairs, names compared through `names` (a NameIndex:
    case, punctuation, legal forms and aliases ignored), and country accuracy (as sets) on the pairs
    matched. Every audited document counts: one the labels do not list names no sub-processor."""
    audited = {audit.document: audit for audit in batch.audits}
    tp = fp = fn = country_ok = 0
    mistakes: list[str] = []
    by_language: dict[str, dict[str, int]] = {}
    for document, audit in audited.items():
        labelled = {names.key(row.name): row for row in labels[labels["document"] == document].itertuples()}
        predicted = {names.key(found.name): found for found in audit.subprocessors}
        tally = by_language.setdefault(audit.language, {"tp": 0, "fp": 0, "fn": 0, "country_ok": 0})
        for key, found in predicted.items():
            if key not in labelled:
                fp += 1
                tally["fp"] += 1
                mistakes.append(f"{document}: extra sub-processor '{found.name}' ({found.found_in}, {found.clause})")
                continue
            tp += 1
            tally["tp"] += 1
            expected = _country_set(labelled[key].country)
            if frozenset(found.countries) == expected:
                country_ok += 1
                tally["country_ok"] += 1
            else:
                mistakes.append(
                    f"{document}: '{found.name}' country {';'.join(found.countries) or '-'}, labelled {';'.join(sorted(expected)) or '-'}"
                )
        for key, row in labelled.items():
            if key not in predicted:
                fn += 1
                tally["fn"] += 1
                mistakes.append(f"{document}: missed sub-processor '{row.name}'")

    def figures(tp: int, fp: int, fn: int, country_ok: int) -> dict:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        return {
            "labelled": tp + fn,
            "predicted": tp + fp,
            "matched": tp,
            "precision": ratio(tp, tp + fp),
            "recall": ratio(tp, tp + fn),
            "country_accuracy": ratio(country_ok, tp),
        }

    return {
        "overall": figures(tp, fp, fn, country_ok),
        "by_language": {language: figures(**tally) for language, tally in sorted(by_language.items())},
        "mistakes": mistakes,
    }


def subprocessor_table(result: dict) -> str:
    rows = [{"scope": f"language {k}", **v} for k, v in result["by_language"].items()]
    rows.append({"scope": "OVERALL", **result["overall"]})
    frame = pd.DataFrame(rows).set_index("scope")
    return "sub-processors\n" + frame.to_string(na_rep="-", float_format=lambda x: f"{x:.3f}")
