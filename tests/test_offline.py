"""Contracts are confidential: an audit never opens a network connection (no model or data is
fetched at run time). Every socket is refused during a whole audit, pipelines loaded from scratch."""

from __future__ import annotations

import socket

import pytest

from gdprcheck.audit import Auditor, contract_files
from gdprcheck.checklist import DEFAULT_CHECKLIST, load_checklist
from tests.conftest import SEEDS


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network access attempted: {args[1:] if len(args) > 1 else args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_an_audit_runs_with_every_socket_refused(no_network, tmp_path):
    from gdprcheck.report import write_reports

    checklist = load_checklist(DEFAULT_CHECKLIST)
    auditor = Auditor(checklist)  # fresh pipelines: loading them must not reach out either
    files, _ = contract_files(SEEDS)
    batch = auditor.audit_files(files)
    assert len(batch.audits) == len(files) and not batch.errors
    write_reports(batch, checklist, tmp_path)
    assert (tmp_path / "results.csv").exists()


def test_the_guard_does_refuse(no_network):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9))
