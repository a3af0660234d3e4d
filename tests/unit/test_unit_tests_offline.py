"""The unit tests of the pure core reach it without AWS: they import neither moto nor boto3."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

UNIT = Path(__file__).parent
PURE = [
    UNIT / "test_kernel.py",
    UNIT / "recruitment" / "test_workflow_table.py",
    UNIT / "test_unit_tests_offline.py",
    UNIT / "crisis" / "test_incident_updates.py",
    UNIT / "complaints" / "test_lifecycles.py",
    UNIT.parent / "fakes.py",
]
FORBIDDEN = {"moto", "boto3", "botocore"}


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", PURE, ids=lambda p: p.name)
def test_pure_unit_tests_do_not_import_aws(path: Path) -> None:
    assert path.exists()
    assert not _imported_roots(path) & FORBIDDEN


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    offender = tmp_path / "offender.py"
    offender.write_text("from moto import mock_aws\nimport boto3.session\n")
    assert _imported_roots(offender) & FORBIDDEN == {"moto", "boto3"}
