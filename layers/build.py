"""Build Haven's two Lambda layers into ``build/layers/``.

``deps``
    The runtime dependencies (``requirements/runtime.txt``, pinned by
    ``requirements/constraints.txt``) as wheels for Lambda's Python 3.13 on arm64. Chalice is
    installed without its dependencies: a function only needs its runtime module
    (``chalice.app``), not the CLI's click, PyYAML, inquirer and friends. The build is skipped
    when a stamp records the same inputs, so a synth works offline once the layer exists.
``haven``
    A copy of the ``shared/haven`` package, rebuilt whenever its files changed (a stamp of their
    hashes; a build never touches a copy that is current, so concurrent synths keep theirs).

Both layers ship their bytecode, compiled by a CPython of the runtime's version (3.13: its
bytecode format is fixed for the whole minor version) and checked against nothing at import
(``unchecked-hash``): ``/opt`` is read-only on Lambda, so without it every cold start compiled
boto3, botocore and Haven from source again (ADR 0046). The build's own Python may differ (the
venv runs 3.11): :func:`lambda_python` finds a 3.13 to compile with.

Run ``python layers/build.py``, or import :func:`build_layers` (the CDK app does).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RUNTIME_REQUIREMENTS = REPO_ROOT / "requirements" / "runtime.txt"
CONSTRAINTS = REPO_ROOT / "requirements" / "constraints.txt"
HAVEN_PACKAGE = REPO_ROOT / "shared" / "haven"
BUILD_DIR = REPO_ROOT / "build" / "layers"

#: The Lambda runtime the layers target (must match the functions in ``infra/``).
PYTHON_VERSION = "3.13"
PLATFORM = "manylinux2014_aarch64"
IMPLEMENTATION = "cp"

#: Requirements installed with ``--no-deps`` (only their runtime module is used).
NO_DEPS = frozenset({"chalice"})

#: How the layers' bytecode is checked against its source at import: never (the layers are
#: read-only and replaced whole, so a stale ``.pyc`` cannot happen; a timestamp check would
#: stat every source and a checked hash would read and hash it, at every cold start).
INVALIDATION_MODE = "unchecked-hash"
#: Where the layers are mounted on Lambda: the path compiled into the code objects, so the
#: bytecode is the same whichever folder it was built in (and tracebacks name Lambda's paths).
LAYER_ROOT = "/opt/python"
#: Names the interpreter to compile the bytecode with, when none of Lambda's version is found.
PYTHON_OVERRIDE = "HAVEN_LAYER_PYTHON"

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_JUNK_DIRS = ("__pycache__",)
#: What the layers' bytecode is (part of both stamps: a layer built without it is rebuilt).
_BYTECODE = f"bytecode cpython-{PYTHON_VERSION.replace('.', '')} {INVALIDATION_MODE} {LAYER_ROOT}"
#: Top-level folders that wheels install beside the packages but nothing imports at run time
#: (console scripts, C headers, static libraries and their cmake/pkg-config files).
_NOT_IMPORTED = ("bin", "include", "lib", "lib64", "share")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(line: str) -> str | None:
    """The project name of a requirements line, or None for blanks, comments and options."""
    text = line.split("#", 1)[0].strip()
    if not text or text.startswith("-"):
        return None
    match = _NAME.match(text)
    return _normalize(match.group(1)) if match else None


def host_platform() -> str:
    """The wheel platform of this machine (``manylinux2014_x86_64`` on a developer's PC): the
    bench builds a copy of the deps layer for it, whose compiled modules can run here."""
    return f"manylinux2014_{platform.machine()}"


def deps_fingerprint(wheel_platform: str = PLATFORM) -> str:
    """sha256 over everything that decides the content of the ``deps`` layer."""
    digest = hashlib.sha256()
    for part in (RUNTIME_REQUIREMENTS.read_bytes(), CONSTRAINTS.read_bytes()):
        digest.update(part)
        digest.update(b"\0")
    digest.update(f"{wheel_platform}|{IMPLEMENTATION}|{PYTHON_VERSION}|{sorted(NO_DEPS)}".encode())
    digest.update(_BYTECODE.encode())
    return digest.hexdigest()


def _pip_install(target: Path, args: list[str], wheel_platform: str) -> None:
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--upgrade",
        "--platform",
        wheel_platform,
        "--only-binary=:all:",
        "--python-version",
        PYTHON_VERSION,
        "--implementation",
        IMPLEMENTATION,
        "--target",
        str(target),
        "--constraint",
        str(CONSTRAINTS),
        *args,
    ]
    try:
        subprocess.run(command, check=True)
    except subprocess.CalledProcessError as error:
        raise LayerBuildError(_pip_failure(error.returncode, wheel_platform)) from None


class LayerBuildError(RuntimeError):
    """The deps layer could not be built; the message says why and what to do."""


DEFAULT_INDEX = "https://pypi.org/simple/"


def package_index() -> str:
    """The index pip installs from: ``PIP_INDEX_URL``, pip's configuration, or PyPI."""
    configured = os.environ.get("PIP_INDEX_URL")
    if not configured:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "config", "get", "global.index-url"],
            capture_output=True,
            text=True,
            check=False,
        )
        configured = result.stdout.strip() if result.returncode == 0 else ""
    return configured or DEFAULT_INDEX


def index_reachable(index: str, timeout_s: float = 10.0) -> bool:
    try:
        with urllib.request.urlopen(index, timeout=timeout_s):  # noqa: S310 (pip's own index)
            return True
    except urllib.error.HTTPError:
        return True  # it answered
    except (urllib.error.URLError, OSError):
        return False


def _pip_failure(returncode: int, wheel_platform: str) -> str:
    index = package_index()
    if not index_reachable(index):
        return (
            f"cannot build the deps layer: the package index {index} cannot be reached from "
            f"here, and the layer needs the wheels of CPython {PYTHON_VERSION} on "
            f"{wheel_platform} from it. Connect to the network (or set PIP_INDEX_URL to a "
            "mirror) and run again; once built, a layer is reused offline while requirements/ "
            "are unchanged."
        )
    return (
        f"cannot build the deps layer: pip exited {returncode} installing requirements/runtime.txt "
        f"for CPython {PYTHON_VERSION} on {wheel_platform} from {index} (its output is above); a "
        "pinned version without a wheel for that platform is the usual cause."
    )


def _interpreter(python: str) -> tuple[str, str] | None:
    """``major.minor`` of an interpreter and its own binary (not a launcher such as a pyenv
    shim, which is a script), or None when it does not run (a shim of a version that is
    installed but not selected exits non-zero)."""
    try:
        result = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2], sys.executable)"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except OSError:
        return None
    if result.returncode != 0:
        return None
    version, _, executable = result.stdout.strip().partition(" ")
    return version, executable


def _candidate_pythons() -> list[str]:
    override = os.environ.get(PYTHON_OVERRIDE)
    if override:
        return [override]
    on_path = shutil.which(f"python{PYTHON_VERSION}")
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    pattern = f"versions/{PYTHON_VERSION}.*/bin/python{PYTHON_VERSION}"
    installed = sorted(pyenv_root.glob(pattern), reverse=True)
    return [sys.executable, *([on_path] if on_path else []), *map(str, installed)]


def lambda_python() -> str:
    """A CPython of Lambda's version (``PYTHON_VERSION``) to compile the layers' bytecode with:
    ``$HAVEN_LAYER_PYTHON`` if set, else this interpreter, ``python3.13`` on the path, or a
    pyenv-installed 3.13 (any patch release: a minor version's bytecode format is fixed).
    The interpreter's own binary: what a tool that follows no launcher (valgrind) must run."""
    for python in _candidate_pythons():
        found = _interpreter(python)
        if found is not None and found[0] == PYTHON_VERSION:
            return found[1]
    raise LayerBuildError(
        f"cannot compile the layers' bytecode: no CPython {PYTHON_VERSION} found (tried "
        f"{', '.join(_candidate_pythons())}). Install one (e.g. `pyenv install {PYTHON_VERSION}`) "
        f"or set {PYTHON_OVERRIDE} to its path: bytecode must be compiled by Lambda's version."
    )


def compile_bytecode(site: Path) -> None:
    """Compile every module under ``site`` (a layer's ``python/`` folder) for Lambda's runtime,
    as if it were at :data:`LAYER_ROOT`; a source that does not compile fails the build."""
    command = [
        lambda_python(),
        "-m",
        "compileall",
        "-q",
        "--invalidation-mode",
        INVALIDATION_MODE,
        "-s",
        str(site),
        "-p",
        LAYER_ROOT,
        str(site),
    ]
    if subprocess.run(command, check=False).returncode != 0:
        raise LayerBuildError(f"cannot compile the layer's bytecode in {site} (the failing files are above)")


def _strip(root: Path) -> None:
    for name in _NOT_IMPORTED:
        if (root / name).is_dir():
            shutil.rmtree(root / name)
    for junk in _JUNK_DIRS:
        for path in sorted(root.rglob(junk), reverse=True):
            if path.is_dir():
                shutil.rmtree(path)
    for compiled in root.rglob("*.py[co]"):
        compiled.unlink()


def build_deps_layer(
    build_dir: Path = BUILD_DIR, *, force: bool = False, wheel_platform: str = PLATFORM
) -> Path:
    """Install the runtime dependencies into ``<build_dir>/deps/python`` unless up to date:
    Lambda's wheels, or those of ``wheel_platform`` (the bench's copy for this machine)."""
    layer_dir = build_dir / "deps"
    stamp = build_dir / "deps.sha256"
    fingerprint = deps_fingerprint(wheel_platform)
    site = layer_dir / "python"
    if not force and site.is_dir() and stamp.is_file() and stamp.read_text().strip() == fingerprint:
        print(f"deps layer up to date ({fingerprint[:12]})")
        return layer_dir

    if layer_dir.exists():
        shutil.rmtree(layer_dir)
    stamp.unlink(missing_ok=True)
    site.mkdir(parents=True)

    with_deps: list[str] = []
    without_deps: list[str] = []
    for line in RUNTIME_REQUIREMENTS.read_text().splitlines():
        name = _requirement_name(line)
        if name is None:
            continue
        requirement = line.split("#", 1)[0].strip()
        (without_deps if name in NO_DEPS else with_deps).append(requirement)

    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text("\n".join(with_deps) + "\n")
        _pip_install(site, ["--requirement", str(requirements)], wheel_platform)
    if without_deps:
        _pip_install(site, ["--no-deps", *without_deps], wheel_platform)

    _strip(site)
    compile_bytecode(site)
    stamp.write_text(fingerprint + "\n")
    return layer_dir


def haven_fingerprint() -> str:
    """sha256 over the package's files (names and contents), junk excluded."""
    digest = hashlib.sha256()
    for path in sorted(HAVEN_PACKAGE.rglob("*")):
        if (
            path.is_file()
            and not any(part in _JUNK_DIRS for part in path.parts)
            and path.suffix not in (".pyc", ".pyo")
        ):
            digest.update(str(path.relative_to(HAVEN_PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(_BYTECODE.encode())
    return digest.hexdigest()


def build_haven_layer(build_dir: Path = BUILD_DIR) -> Path:
    """Copy ``shared/haven`` into ``<build_dir>/haven/python/haven`` unless the copy there is of
    the same files (left alone, so a synth running beside this one keeps its asset)."""
    layer_dir = build_dir / "haven"
    stamp = build_dir / "haven.sha256"
    fingerprint = haven_fingerprint()
    if layer_dir.is_dir() and stamp.is_file() and stamp.read_text().strip() == fingerprint:
        return layer_dir
    stamp.unlink(missing_ok=True)
    if layer_dir.exists():
        shutil.rmtree(layer_dir)
    shutil.copytree(
        HAVEN_PACKAGE,
        layer_dir / "python" / "haven",
        ignore=shutil.ignore_patterns(*_JUNK_DIRS, "*.pyc", "*.pyo"),
    )
    compile_bytecode(layer_dir / "python")
    stamp.write_text(fingerprint + "\n")
    return layer_dir


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build_layers(
    build_dir: Path = BUILD_DIR, *, force: bool = False, wheel_platform: str = PLATFORM
) -> dict[str, Path]:
    """Build both layers; returns layer name → directory to use as the layer's code asset.

    One build at a time per folder (a lock file): two synths at once (a test run's workers, a
    synth beside a test) would otherwise delete each other's half-copied layer.
    """
    build_dir.mkdir(parents=True, exist_ok=True)
    with (build_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        layers = {
            "deps": build_deps_layer(build_dir, force=force, wheel_platform=wheel_platform),
            "haven": build_haven_layer(build_dir),
        }
    for name, path in layers.items():
        print(f"layer {name}: {directory_size(path) / 1_048_576:.1f} MiB unzipped ({path})")
    return layers


def main(argv: list[str]) -> int:
    force = "--force" in argv
    try:
        build_layers(force=force)
    except LayerBuildError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
