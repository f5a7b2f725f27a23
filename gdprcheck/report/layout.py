"""The workbook's fixed vocabulary: sheet names, column headers and the reviewer's choices.

Writer and reader share these, so a workbook written by one run can be read back by the next;
the reader finds columns by their header, so a reviewer may reorder or add columns.
"""

from __future__ import annotations

from gdprcheck.models import DocumentAudit, ItemResult, Status

OVERVIEW = "Overview"
CARRIED = "Carried-over reviews"
ERRORS = "Errors"
RUN_INFO = "Run info"
SUBPROCESSORS = "Sub-processors"
PORTFOLIO = "Sub-processor portfolio"
FIXED_SHEETS = [OVERVIEW, SUBPROCESSORS, PORTFOLIO, CARRIED, ERRORS, RUN_INFO]

# the label cells above a contract sheet's table (column A), their values in column B
FILE_LABEL = "File"
HASH_LABEL = "SHA-256"
SUMMARY_LABEL = "Result"

REVIEWER_STATUSES = ["agree", "met", "partial", "missing", "not applicable"]

ITEM_ID = "Item ID"
ITEM = "Item"
STATUS = "Status"
VALUE = "Value"
EVIDENCE = "Evidence"
CLAUSE = "Clause"
RATIONALE = "Rationale"
GDPR = "GDPR"
RECOMMENDATION = "Recommended wording / action"
REVIEWER_STATUS = "Reviewer status"
REVIEWER_COMMENT = "Reviewer comment"
REVIEWED_BY = "Reviewed by"
REVIEW_DATE = "Date"
CARRY_NOTE = "Carry-over note"

TOOL_COLUMNS = [ITEM_ID, ITEM, STATUS, VALUE, EVIDENCE, CLAUSE, RATIONALE, GDPR, RECOMMENDATION]
REVIEW_COLUMNS = [REVIEWER_STATUS, REVIEWER_COMMENT, REVIEWED_BY, REVIEW_DATE, CARRY_NOTE]
FINDING_COLUMNS = TOOL_COLUMNS + REVIEW_COLUMNS
FINDING_WIDTHS = [20, 18, 8, 9, 40, 16, 26, 12, 30, 11, 22, 10, 10, 16]

# the Carried-over reviews sheet: reviews whose finding row no longer exists
DOCUMENT = "Document"
DOCUMENT_HASH = "Document SHA-256"
TOOL_STATUS_THEN = "Tool status then"
WHY = "Why it is here"
SOURCE = "Came from"
CARRIED_COLUMNS = [DOCUMENT, DOCUMENT_HASH, ITEM_ID, ITEM, TOOL_STATUS_THEN, *REVIEW_COLUMNS, WHY, SOURCE]
CARRIED_WIDTHS = [26, 18, 17, 22, 10, 12, 30, 12, 11, 26, 34, 30]

# the Sub-processors sheet: one row per (contract, sub-processor), as subprocessors.csv
SUBPROCESSOR_COLUMNS = [
    DOCUMENT,
    "Sub-processor",
    "Entity",
    "Country",
    "Service",
    "Mechanism",
    "Findings",
    EVIDENCE,
    CLAUSE,
    "Found in",
]
SUBPROCESSOR_WIDTHS = [24, 26, 18, 9, 28, 10, 32, 48, 22, 8]
# the portfolio: per entity, how many vendors name it and where (concentration at a glance)
PORTFOLIO_COLUMNS = ["Entity", "Vendors", "Countries", "Contracts", "Rows with findings"]
PORTFOLIO_WIDTHS = [28, 9, 18, 70, 11]


def shown_results(audit: DocumentAudit) -> list[ItemResult]:
    """The rows of a contract sheet: every checklist item, then each red flag that was raised."""
    return audit.items + [r for r in audit.red_flags if r.status is Status.FLAGGED]
