"""Local mode: the whole platform on one machine, on an embedded AWS (moto server)."""

import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
for _path in (_REPO / "functions" / "api", _REPO / "shared", _REPO):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
