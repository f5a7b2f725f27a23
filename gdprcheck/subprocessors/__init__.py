"""The sub-processor register: who a contract says processes the data, where, and under which
transfer mechanism (issue 13). extract.py reads them off a located contract; names.py makes
spellings of one entity comparable; vocabulary.py loads the words (checklists/subprocessors.yaml)."""

from gdprcheck.subprocessors.extract import SubprocessorFinder
from gdprcheck.subprocessors.names import NameIndex, comparable
from gdprcheck.subprocessors.vocabulary import Vocabulary, default_vocabulary_path, load_vocabulary

__all__ = ["NameIndex", "SubprocessorFinder", "Vocabulary", "comparable", "default_vocabulary_path", "load_vocabulary"]
