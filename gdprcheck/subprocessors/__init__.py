"""The sub-processor register: who a contract says processes the data, where, and under which
transfer mechanism (issue 13). extract.py reads them off a located contract; names.py makes
spellings of one entity comparable; vocabulary.py loads the words (checklists/subprocessors.yaml);
approved.py holds each contract's sub-processors against the DPO's approved list
(checklists/approved-subprocessors.yaml)."""

from gdprcheck.subprocessors.approved import ApprovalCheck, ApprovedList, default_approved_path, load_approved
from gdprcheck.subprocessors.extract import SubprocessorFinder
from gdprcheck.subprocessors.names import NameIndex, comparable
from gdprcheck.subprocessors.vocabulary import Vocabulary, default_vocabulary_path, load_vocabulary

__all__ = [
    "ApprovalCheck",
    "ApprovedList",
    "NameIndex",
    "SubprocessorFinder",
    "Vocabulary",
    "comparable",
    "default_approved_path",
    "default_vocabulary_path",
    "load_approved",
    "load_vocabulary",
]
