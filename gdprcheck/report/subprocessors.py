"""subprocessors.csv: one row per (document, sub-processor) the contracts name, for machines and for
the DPO's register (issue 13). Countries are ISO 3166 alpha-2 codes or EU/EEA joined by ';'; findings
(what the approved list says of the sub-processor) joined by '; '."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from gdprcheck.models import BatchResult

COLUMNS = ["document", "name", "country", "service", "mechanism", "evidence", "clause", "findings"]


def subprocessor_rows(batch: BatchResult) -> list[dict[str, str]]:
    return [
        {
            "document": audit.document,
            "name": found.name,
            "country": ";".join(found.countries),
            "service": found.service,
            "mechanism": found.mechanism,
            "evidence": found.evidence,
            "clause": found.clause,
            "findings": "; ".join(found.findings),
        }
        for audit in batch.audits
        for found in audit.subprocessors
    ]


def write_subprocessors_csv(batch: BatchResult, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator=os.linesep)
        writer.writeheader()
        writer.writerows(subprocessor_rows(batch))
