"""The unit tests reach the pure core without AWS: no file under tests/unit, nor the fakes they
use, imports moto, boto3 or botocore (tests that need AWS live in tests/integration)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

UNIT = Path(__file__).parent
PURE = [*sorted(UNIT.rglob("*.py")), UNIT.parent / "fakes.py"]
FORBIDDEN = {"moto", "boto3", "botocore"}


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", PURE, ids=lambda p: str(p.relative_to(UNIT.parent)))
def test_pure_unit_tests_do_not_import_aws(path: Path) -> None:
    assert path.exists()
    assert not _imported_roots(path) & FORBIDDEN


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    offender = tmp_path / "offender.py"
    offender.write_text("from moto import mock_aws\nimport boto3.session\n")
    assert _imported_roots(offender) & FORBIDDEN == {"moto", "boto3"}
