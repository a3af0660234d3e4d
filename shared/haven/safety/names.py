"""Names for person search: normalisation, index keys and the one-typo match.

A name is cut into tokens (words), each normalised so that accents, case, compatibility forms
and script-specific variants do not matter (``José`` = ``jose``, ``Ｍａｒｉａ`` = ``maria``,
``أحمد`` = ``احمد``, ``Γιώργος`` = ``γιωργος``). Scripts are kept, never transliterated: a name
written in Arabic is found by an Arabic query.

Typos are tolerated by a symmetric deletion neighbourhood (SymSpell): a token is indexed under
itself and under every string one deletion away; a query token looks up the same set. Two
tokens one insertion, deletion, substitution or adjacent transposition apart always share a key,
so one typo costs no scan: the lookup is ``len(token) + 1`` exact keys. Candidates are then
confirmed with the true (Damerau) distance, since a shared key can also mean two edits.
Order does not matter: a query matches when each of its tokens matches a distinct name token.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

#: Tokens shorter than this must match exactly (one typo in "Li" is another name).
MIN_FUZZY_LENGTH = 4
#: Longest token indexed (bounds the index items a name writes).
MAX_TOKEN_LENGTH = 24
#: At most this many tokens of one name are indexed and compared.
MAX_TOKENS = 8

_SPLIT = re.compile(r"[\s\-‐-―_.,;:'’`´\"()/\\]+")

#: Letter variants that writers use interchangeably, folded to one form.
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ـ": None,  # tatweel
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "ı": "i",
        "ς": "σ",
    }
)


def normalise(text: str) -> str:
    """Compatibility-decomposed, marks removed, case-folded, variants folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return unicodedata.normalize("NFC", bare.casefold().translate(_FOLD))


def tokens(name: str) -> list[str]:
    """The normalised tokens of a name, in order, without duplicates."""
    seen: list[str] = []
    for part in _SPLIT.split(normalise(name)):
        token = "".join(c for c in part if c.isalnum())[:MAX_TOKEN_LENGTH]
        if token and token not in seen:
            seen.append(token)
    return seen[:MAX_TOKENS]


def name_tokens(*names: str | None) -> list[str]:
    """Tokens of a person's full, given, family and alternate names together."""
    found: list[str] = []
    for name in names:
        for token in tokens(name or ""):
            if token not in found:
                found.append(token)
    return found[:MAX_TOKENS]


def deletion_keys(token: str) -> set[str]:
    """The token and every string one deletion away (only the token when it is short)."""
    if len(token) < MIN_FUZZY_LENGTH:
        return {token}
    return {token} | {token[:i] + token[i + 1 :] for i in range(len(token))}


def index_keys(name_tokens_: Iterable[str]) -> set[str]:
    """Every key a person is indexed under."""
    keys: set[str] = set()
    for token in name_tokens_:
        keys |= deletion_keys(token)
    return keys


def distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment (Damerau) distance, capped at ``limit``."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return min(previous[-1], limit)


def token_matches(query: str, token: str) -> bool:
    if query == token:
        return True
    if min(len(query), len(token)) < MIN_FUZZY_LENGTH:
        return False
    return distance(query, token) <= 1


def matches(query_tokens: list[str], candidate_tokens: list[str]) -> bool:
    """Each query token matches a distinct candidate token (in any order)."""
    return _assign(query_tokens, list(candidate_tokens))


def _assign(query_tokens: list[str], available: list[str]) -> bool:
    if not query_tokens:
        return True
    first, rest = query_tokens[0], query_tokens[1:]
    for i, token in enumerate(available):
        if token_matches(first, token) and _assign(rest, available[:i] + available[i + 1 :]):
            return True
    return False


def lookup_token(query_tokens: list[str]) -> str:
    """The query token to look up: the longest (usually the rarest)."""
    return max(query_tokens, key=lambda t: (len(t), t))
