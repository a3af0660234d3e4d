"""The browser tests and benches serve the apps ``make web`` built, and refuse a stale build."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bench.web import WEB_SOURCES, StaleWebBuild, require_web_build


def _tree(root: Path, *, built: bool) -> None:
    (root / "web" / "src").mkdir(parents=True)
    (root / "web" / "src" / "main.ts").write_text("export {};\n")
    if built:
        (root / "build" / "web" / "console").mkdir(parents=True)
        (root / "build" / "web" / "index.html").write_text("<!doctype html>")
        (root / "build" / "web" / "console" / "index.html").write_text("<!doctype html>")


def test_a_build_newer_than_every_source_is_served(tmp_path: Path) -> None:
    _tree(tmp_path, built=True)
    os.utime(tmp_path / "web" / "src" / "main.ts", (1_000_000, 1_000_000))
    require_web_build(tmp_path)


def test_a_missing_build_asks_for_make_web(tmp_path: Path) -> None:
    _tree(tmp_path, built=False)
    with pytest.raises(StaleWebBuild, match=r"build/web/index.html, build/web/console/index.html missing"):
        require_web_build(tmp_path)


def test_a_source_changed_after_the_build_asks_for_make_web(tmp_path: Path) -> None:
    _tree(tmp_path, built=True)
    later = (tmp_path / "build" / "web" / "index.html").stat().st_mtime + 10
    os.utime(tmp_path / "web" / "src" / "main.ts", (later, later))
    with pytest.raises(StaleWebBuild, match=r"older than web/src/main.ts \(and 0 more\): run `make web`"):
        require_web_build(tmp_path)


def test_the_check_watches_what_make_builds_from() -> None:
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    line = next(line for line in makefile.splitlines() if line.startswith("WEB_SOURCES :="))
    named = set(re.findall(r"web/([\w.]+)", line))
    assert named == set(WEB_SOURCES)
