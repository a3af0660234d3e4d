"""The layers built by layers/build.py: arm64 CPython 3.13 wheels, and the haven package, both
with their CPython 3.13 bytecode."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from infra.constructs.functions import ARCHITECTURE, RUNTIME
from layers import build
from tests.infra.synthesis import Synthesized


@pytest.fixture(scope="module")
def deps_site(synthesized: Synthesized) -> Path:
    return synthesized.layer_dirs["deps"] / "python"


def test_deps_layer_has_arm64_cp313_extensions(deps_site: Path) -> None:
    extensions = list((deps_site / "pydantic_core").glob("*.so"))
    assert extensions
    assert all("cpython-313-aarch64-linux-gnu" in so.name for so in extensions)


def test_deps_layer_has_chalice_runtime_without_its_cli_dependencies(deps_site: Path) -> None:
    assert (deps_site / "chalice" / "app.py").is_file()
    for cli_only in ("click", "yaml", "inquirer"):
        assert not (deps_site / cli_only).exists(), cli_only


#: A .pyc header: magic number, then flags (bit 0: hash-based, bit 1: checked against the source).
_UNCHECKED_HASH = 0b01


def _assert_compiled_for_lambda(site: Path) -> None:
    """Every module under ``site`` has exactly one .pyc, of CPython 3.13's format (the magic
    number of the interpreter the build compiled with), never checked against its source, and
    naming its source where Lambda mounts it."""
    tag = f"cpython-{build.PYTHON_VERSION.replace('.', '')}"
    sources = [p for p in site.rglob("*.py") if "__pycache__" not in p.parts]
    assert sources
    magic = _magic_of(build.lambda_python())
    for source in sources:
        compiled = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
        header = compiled.read_bytes()[:16]
        assert header[:4] == magic, compiled
        assert int.from_bytes(header[4:8], "little") == _UNCHECKED_HASH, compiled
    cached = {p.name for p in site.rglob("__pycache__/*")}
    assert all(name.endswith(f".{tag}.pyc") for name in cached), "bytecode of another Python"


def _magic_of(python: str) -> bytes:
    code = "import importlib.util, sys; sys.stdout.write(importlib.util.MAGIC_NUMBER.hex())"
    return bytes.fromhex(
        subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout
    )


def test_layers_hold_lambdas_bytecode_and_no_scripts(synthesized: Synthesized) -> None:
    for layer in synthesized.layer_dirs.values():
        _assert_compiled_for_lambda(layer / "python")
        assert not (layer / "python" / "bin").exists()


def test_the_bytecode_names_its_source_where_lambda_mounts_the_layer(synthesized: Synthesized) -> None:
    site = synthesized.layer_dirs["haven"] / "python"
    tag = f"cpython-{build.PYTHON_VERSION.replace('.', '')}"
    compiled = (site / "haven" / "__pycache__" / f"resources.{tag}.pyc").read_bytes()
    assert f"{build.LAYER_ROOT}/haven/resources.py".encode() in compiled
    assert str(site).encode() not in compiled  # the same bytes whichever folder built it


def test_a_python_of_another_version_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build compiles with Lambda's version or not at all: 3.11's bytecode would be ignored
    by 3.13 (and 3.13 would compile from source at every cold start, as before)."""
    if sys.version_info[:2] == tuple(map(int, build.PYTHON_VERSION.split("."))):
        pytest.skip("this interpreter is Lambda's version")
    monkeypatch.setenv(build.PYTHON_OVERRIDE, sys.executable)
    with pytest.raises(build.LayerBuildError, match=build.PYTHON_OVERRIDE):
        build.lambda_python()


def test_haven_layer_is_the_shared_package(synthesized: Synthesized) -> None:
    copied = synthesized.layer_dirs["haven"] / "python" / "haven"
    source = build.HAVEN_PACKAGE
    assert (copied / "resources.py").read_bytes() == (source / "resources.py").read_bytes()
    sources = {p.relative_to(source) for p in source.rglob("*.py") if "__pycache__" not in p.parts}
    assert {p.relative_to(copied) for p in copied.rglob("*.py")} == sources


def test_deps_build_is_cached_by_a_stamp_of_the_requirements() -> None:
    stamp = build.BUILD_DIR / "deps.sha256"
    assert stamp.read_text().strip() == build.deps_fingerprint()


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("chalice==1.34.0", "chalice"),
        ("PyJWT[crypto]==2.15.1", "pyjwt"),
        ("aws_lambda_powertools==3.37.0  # comment", "aws-lambda-powertools"),
        ("# a comment", None),
        ("-r runtime.txt", None),
        ("", None),
    ],
)
def test_requirement_names(line: str, name: str | None) -> None:
    assert build._requirement_name(line) == name


def test_layers_and_functions_target_the_same_python() -> None:
    assert RUNTIME.name == f"python{build.PYTHON_VERSION}"
    assert build.PLATFORM.endswith("aarch64")
    assert ARCHITECTURE.name == "arm64"


def test_the_benchs_copy_of_the_deps_layer_is_another_build_of_the_same_pins() -> None:
    """The bench's copy (this machine's wheels) never passes for Lambda's layer, nor Lambda's
    for the bench's: the platform is part of the fingerprint both stamps hold."""
    import platform

    assert build.host_platform() == f"manylinux2014_{platform.machine()}"
    assert build.deps_fingerprint() == build.deps_fingerprint(build.PLATFORM)
    assert build.deps_fingerprint("manylinux2014_x86_64") != build.deps_fingerprint("manylinux2014_aarch64")


def test_an_unreachable_package_index_is_named_not_a_resolution_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """On a fresh clone with no way to the index, the layer build says so (pip alone reports
    'ResolutionImpossible' / 'No matching distribution', which reads like a version conflict)."""
    import socket

    with socket.socket() as closed:  # a loopback port nobody listens on
        closed.bind(("127.0.0.1", 0))
        index = f"http://127.0.0.1:{closed.getsockname()[1]}/simple/"
    monkeypatch.setenv("PIP_INDEX_URL", index)
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "2")
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    with pytest.raises(build.LayerBuildError, match="cannot be reached") as raised:
        build.build_deps_layer(tmp_path, force=True)
    assert index in str(raised.value)
    assert "PIP_INDEX_URL" in str(raised.value)


def test_the_haven_layer_is_rebuilt_when_the_package_changes_and_only_then(tmp_path: Path) -> None:
    first = build.build_haven_layer(tmp_path)
    _assert_compiled_for_lambda(first / "python")
    marker = first / "python" / "haven" / "resources.py"
    before = marker.stat().st_mtime_ns
    assert build.build_haven_layer(tmp_path) == first
    assert marker.stat().st_mtime_ns == before  # current: left alone
    (tmp_path / "haven.sha256").write_text("stale\n")
    build.build_haven_layer(tmp_path)
    assert marker.read_text() == (build.HAVEN_PACKAGE / "resources.py").read_text()
    assert (tmp_path / "haven.sha256").read_text().strip() == build.haven_fingerprint()
