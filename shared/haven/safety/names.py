"""Names for person search: shared keys across scripts and spellings, and the match that ranks.

A name is cut into words, each normalised (compatibility forms, case, accents and the vowel
points of abjads dropped, letter variants folded: ``Ｍａｒｉａ`` = ``maria``, ``أحمد`` = ``احمد``)
and transliterated to ASCII with ``anyascii`` (``Мустафа`` → ``mustafa``, ``مصطفى`` → ``mstfy``,
``राहुल`` → ``rahul``, ``张伟`` → ``zhang wei``: each Han or Hangul syllable is a word of its own).
Only letters, digits and Indic vowel signs count, so an emoji or a punctuation mark never
becomes a word. A word no transliteration covers keeps its own script.

Spellings that sound alike share a *sound*: jellyfish's Metaphone of the word, folded further
(``sh`` = ``s``, ``th`` = ``t``; vowels, ``y`` and ``w`` dropped, doubled letters once, then
``h`` dropped, as abjads write names), so ``Mustafa``, ``Mustapha``, ``Moustafa`` and the Arabic
``mstfy`` are all ``MSTF``, and ``Oleksandr`` and ``Alexandr`` ``LKSNTR``. A small curated
table folds the variants no sound joins. Particles (``al``, ``el``, ``de``, ``van``, the ``d``
of ``D'Souza``) are words a query may leave out; adjacent words are also tried joined (pairs,
and runs of three holding a particle), so ``D'Souza`` = ``DSouza``, ``El-Amin`` = ``Elamin`` =
``El Amin``, ``Marie-Claire`` = ``Marieclaire`` and ``van der Berg`` = ``Vanderberg``.

The index holds, per word, its sound and every string one deletion away (SymSpell: two sounds
one edit apart always share a key, so a typo costs no scan), per joined word its sound, and
per two words their two sounds (selective where each word is common); words with no sound
(``Wu``) are indexed as they are. A query looks up the same keys of its own
words and joined words (a bounded number: at most :data:`MAX_QUERY_TOKENS` words, sounds cut
at :data:`MAX_SOUND_LENGTH`), then :func:`score` confirms and ranks each candidate: every query
word but a particle must match a distinct word or joined word of the record, exactly, with one
typo (words of four letters or more) or by sound, the exact scoring above the alike (ADR 0033).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import jellyfish
from anyascii import anyascii

#: Words shorter than this must match exactly or by sound (one typo in "Li" is another name).
MIN_FUZZY_LENGTH = 4
#: Longest word kept (bounds the index items a name writes).
MAX_TOKEN_LENGTH = 24
#: At most this many words of one person's names are indexed and compared.
MAX_TOKENS = 8
#: At most this many words of a query are looked up (bounds the keys one search reads).
MAX_QUERY_TOKENS = 6
#: Sounds are cut to this length (bounds the deletion keys of one word).
MAX_SOUND_LENGTH = 10
#: Sounds this long get their deletion neighbourhood indexed (shorter ones only themselves).
MIN_FUZZY_SOUND = 3
#: The most keys one query reads: its words' sounds and their deletions, its joined pairs and
#: runs of three, and its pairs of words.
MAX_LOOKUP_KEYS = (
    MAX_QUERY_TOKENS * (MAX_SOUND_LENGTH + 1)
    + (MAX_QUERY_TOKENS - 1)
    + (MAX_QUERY_TOKENS - 2)
    + MAX_QUERY_TOKENS * (MAX_QUERY_TOKENS - 1) // 2
)

#: Match qualities, best first (see :func:`similarity`).
EXACT, TYPO, ALIKE, ALIKE_WITH_TYPO = 4, 3, 2, 1

#: Key namespaces: ``s:`` a sound (or one deletion of it), ``w:`` a word without a sound,
#: ``p:`` two words' sounds. None can be a key of the first index (words of letters and digits
#: only), which :func:`legacy_index_keys` still derives for records written before it.
SOUND_KEY, WORD_KEY, PAIR_KEY = "s:", "w:", "p:"

_SPLIT = re.compile(r"[\s\-‐-―_.,;:'’`´\"()/\\]+")

#: Letter variants that writers use interchangeably, folded to one form before transliteration.
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

#: Words that are particles of a name: a query may omit them, and they are looked up only joined.
_PARTICLES = (
    "al el ul ad an ar as ash at az bin ibn bint ben abu bou "
    "de da di do dos das del della der den du la le lo van von ter ten zu y e d l o mc"
)
PARTICLES = frozenset(_PARTICLES.split())

#: Spellings of one name that neither their sound nor one typo joins (Ukrainian ``h`` for
#: Russian ``g``, Greek ``Gi``/``Yi``/``I``, an abbreviation), folded to the first of each line.
_VARIANT_GROUPS = (
    "sergei sergey sergii serhii serhiy",
    "yevgeny yevgeniy evgeny evgenii yevhen yevhenii",
    "grigory grigoriy hryhoriy hryhorii",
    "georgy georgiy heorhiy heorhii",
    "ioannis yiannis giannis",
    "mohammed mohd muhd",
    "singh simh sinh",  # सिंह: the anusvara before h
)
VARIANTS = {variant: group.split()[0] for group in _VARIANT_GROUPS for variant in group.split()}
#: Korean family names as they are usually spelt, for their Revised Romanization (``김`` gim):
#: the first syllable of a word written in Hangul.
HANGUL_FAMILY_NAMES = {
    "gim": "kim", "i": "lee", "bag": "park", "choe": "choi", "jeong": "jung", "gang": "kang",
    "jo": "cho", "yun": "yoon", "im": "lim", "sin": "shin", "gwon": "kwon", "o": "oh",
}  # fmt: skip

#: Metaphone's codes for "sh" and "th", folded into "s" and "t"; semivowels and vowels dropped.
_SOUND_FOLD = str.maketrans({"X": "S", "0": "T"} | dict.fromkeys("AEIOUYW"))
_ASCII_WORD = re.compile(r"[a-z0-9]+")


def _is_syllable(char: str) -> bool:
    """Han ideographs and Hangul syllables: each is a word of its own (a syllable of the name)."""
    name = unicodedata.name(char, "")
    return name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH", "HANGUL SYLLABLE"))


def _optional_mark(char: str) -> bool:
    """Accents and the vowel points of abjads, which writers often leave out; not the vowel
    signs of Indic scripts (``राहुल`` without them would be ``rhl``)."""
    if not unicodedata.category(char).startswith("M"):
        return False
    return unicodedata.name(char, "COMBINING").startswith(("COMBINING", "ARABIC", "HEBREW", "SYRIAC"))


def normalise(text: str) -> str:
    """Compatibility-decomposed, optional marks removed, case-folded, variants folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not _optional_mark(c))
    return unicodedata.normalize("NFC", bare.casefold().translate(_FOLD))


def _ascii(word: str) -> str:
    """The word transliterated, lower-case letters and digits only; the word itself if none."""
    form = "".join(_ASCII_WORD.findall(anyascii(word).lower()))[:MAX_TOKEN_LENGTH]
    return VARIANTS.get(form, form) if form else word[:MAX_TOKEN_LENGTH]


def _segments(part: str) -> list[str]:
    """A run of letters and digits, with each Han or Hangul syllable split off."""
    found: list[str] = []
    current = ""
    for char in part:
        if _is_syllable(char):
            if current:
                found.append(current)
            found.append(char)
            current = ""
        else:
            current += char
    if current:
        found.append(current)
    return found


def tokens(name: str) -> list[str]:
    """The words of a name as matched and indexed, in order, without duplicates."""
    seen: list[str] = []
    for part in _SPLIT.split(normalise(name)):
        letters = "".join(c for c in part if unicodedata.category(c)[0] in "LMN")
        for n, segment in enumerate(_segments(letters)):
            # The Arabic article is written joined to its word: a particle of its own here.
            words = ["al", segment[2:]] if segment.startswith("ال") and len(segment) > 3 else [segment]
            for word in words:
                form = _ascii(word)
                if n == 0 and len(word) == 1 and unicodedata.name(word, "").startswith("HANGUL"):
                    form = HANGUL_FAMILY_NAMES.get(form, form)
                if form and form not in seen:
                    seen.append(form)
    return seen


def name_tokens(*names: str | None) -> list[str]:
    """Words of a person's full, given, family and alternate names together."""
    found: list[str] = []
    for name in names:
        for token in tokens(name or ""):
            if token not in found:
                found.append(token)
    return found[:MAX_TOKENS]


def query_tokens(query: str) -> list[str]:
    return tokens(query)[:MAX_QUERY_TOKENS]


@lru_cache(maxsize=65_536)
def sound(word: str) -> str:
    """The word's sound (``""`` when it has none: too short, or not in Latin letters)."""
    if not word.isascii() or not word.isalpha():
        return ""
    code = jellyfish.metaphone(word).translate(_SOUND_FOLD)
    single = "".join(c for i, c in enumerate(code) if i == 0 or c != code[i - 1])  # hdd = haddad
    return single.replace("H", "")[:MAX_SOUND_LENGTH]  # after: Muhammad (MMT) is not Ahmed (MT)


def deletions(text: str) -> set[str]:
    """The text and every string one deletion away."""
    return {text} | {text[:i] + text[i + 1 :] for i in range(len(text))}


def word_keys(word: str, *, fuzzy: bool = True) -> set[str]:
    """The keys of one word (or joined pair): its sound, with its deletions when long enough."""
    code = sound(word)
    if not code:
        return {WORD_KEY + word}
    if fuzzy and len(code) >= MIN_FUZZY_SOUND:
        return {SOUND_KEY + key for key in deletions(code)}
    return {SOUND_KEY + code}


@dataclass(frozen=True)
class Unit:
    """A word, or two adjacent words joined, and which words of its name it covers."""

    text: str
    first: int
    last: int


def units(words: list[str]) -> list[Unit]:
    """Each word, each pair of adjacent words joined, and each run of three joined whose first
    two hold a particle (``van der Berg`` = ``Vanderberg``, ``de la Cruz`` = ``Delacruz``)."""
    found = [Unit(w, i, i) for i, w in enumerate(words)]
    found += [Unit(a + b, i, i + 1) for i, (a, b) in enumerate(pairwise(words))]
    found += [
        Unit("".join(words[i : i + 3]), i, i + 2)
        for i in range(len(words) - 2)
        if words[i] in PARTICLES or words[i + 1] in PARTICLES
    ]
    return found


def pair_keys(words: list[str]) -> set[str]:
    """A key per two words (but particles), by their sounds in either order: ``p:L+MMT`` for
    Mohamed Ali. Far fewer records share one than share a word, so a search of common names
    still reaches its person when each word's key holds more entries than a search reads."""
    parts = sorted({sound(w) or WORD_KEY + w for w in words if w not in PARTICLES})
    return {f"{PAIR_KEY}{a}+{b}" for i, a in enumerate(parts) for b in parts[i + 1 :]}


def index_keys(name_tokens_: Iterable[str]) -> set[str]:
    """Every key a person is indexed under: its words' (fuzzy), its joined words' and its pairs
    of words' (exact)."""
    words = list(name_tokens_)
    keys = pair_keys(words)
    for unit in units(words):
        keys |= word_keys(unit.text, fuzzy=unit.first == unit.last)
    return keys


def lookup_keys(query_tokens_: list[str]) -> set[str]:
    """The keys a query reads: the same as a record's, but a particle's own (unless alone)."""
    words = query_tokens_[:MAX_QUERY_TOKENS]
    keys = pair_keys(words)
    for unit in units(words):
        single = unit.first == unit.last
        if not single or unit.text not in PARTICLES or len(words) == 1:
            keys |= word_keys(unit.text, fuzzy=single)
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


def _vowelless(word: str) -> bool:
    """Written without vowels (an abjad's transliteration: ``mhmd``, ``ly``)."""
    return not any(c in "aeiou" for c in word)


def _short_alike(a: str, b: str) -> bool:
    """Names with a one-letter sound: alike when one is written without vowels (``ly``, Ali in
    Arabic), when long (``Aisha``, ``Ayesha``) or the same but for ``y`` (``Ali``, ``Aly``);
    not merely by sound (``Li`` is not ``Lu``, nor ``Ali``), and never a particle."""
    if a in PARTICLES or b in PARTICLES:
        return False  # علي (ly) is Ali, not the article al
    if _vowelless(a) or _vowelless(b):
        return True
    if a[0] != b[0]:
        return False
    return min(len(a), len(b)) >= MIN_FUZZY_LENGTH or a.replace("y", "i") == b.replace("y", "i")


@lru_cache(maxsize=65_536)
def similarity(a: str, b: str) -> int:
    """How well two words match: :data:`EXACT` … :data:`ALIKE_WITH_TYPO`, or 0."""
    if a == b:
        return EXACT
    if min(len(a), len(b)) >= MIN_FUZZY_LENGTH and distance(a, b) <= 1:
        return TYPO
    sa, sb = sound(a), sound(b)
    if not sa or not sb:
        return 0
    if sa == sb and (len(sa) >= 2 or _short_alike(a, b)):
        return ALIKE
    if min(len(sa), len(sb)) >= MIN_FUZZY_SOUND and min(len(a), len(b)) >= MIN_FUZZY_LENGTH:
        return ALIKE_WITH_TYPO if distance(sa, sb) <= 1 else 0
    return 0


def score(query: list[str], candidate: list[str]) -> int | None:
    """The best match of the query's words to distinct words of the candidate, or ``None``.

    Each query word but a particle is matched, alone or joined with the next, to a word or
    joined words of the candidate that no other query word uses (joined words only to a single
    word, and not by a sound one edit away: Amina Diallo is not Aminata); the score adds the
    quality of each match per word it covers. Particles left out score nothing.
    """
    query = query[:MAX_QUERY_TOKENS]
    theirs = units(candidate)
    # Every possible match first (most candidates fail here, before any assignment is tried).
    starting: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # first → (width, mask, points)
    covered = 0
    for mine in units(query):
        width = mine.last - mine.first + 1
        for other in theirs:
            joined = int(width > 1) + int(other.last > other.first)
            if joined > 1:
                continue
            quality = similarity(mine.text, other.text)
            if quality and (not joined or quality >= ALIKE):
                mask = ((1 << (other.last + 1)) - 1) ^ ((1 << other.first) - 1)
                starting[mine.first].append((width, mask, quality * width))
                covered |= ((1 << (mine.last + 1)) - 1) ^ ((1 << mine.first) - 1)
    optional = not all(w in PARTICLES for w in query)
    needed = [i for i, w in enumerate(query) if not (optional and w in PARTICLES)]
    if any(not covered >> i & 1 for i in needed):
        return None
    memo: dict[tuple[int, int], int | None] = {}

    def solve(i: int, used: int) -> int | None:
        if i >= len(query):
            return 0
        if (i, used) in memo:
            return memo[(i, used)]
        best: int | None = None
        for width, mask, points in starting[i]:
            if not mask & used:
                rest = solve(i + width, used | mask)
                if rest is not None and (best is None or points + rest > best):
                    best = points + rest
        if optional and query[i] in PARTICLES:
            rest = solve(i + 1, used)
            if rest is not None and (best is None or rest > best):
                best = rest
        memo[(i, used)] = best
        return best

    return solve(0, 0)


def matches(query_tokens_: list[str], candidate_tokens: list[str]) -> bool:
    """Each query word (but particles) matches a distinct word of the candidate, in any order."""
    return score(query_tokens_, candidate_tokens) is not None


# --- the first index (records written before the sound keys; see ADR 0033) ----------------


def _legacy_normalise(text: str) -> str:
    """The first index's normalisation: every mark removed (Indic vowel signs too)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return unicodedata.normalize("NFC", bare.casefold().translate(_FOLD))


def legacy_tokens(name: str) -> list[str]:
    """The words of a name as the first index cut them (normalised, never transliterated)."""
    seen: list[str] = []
    for part in _SPLIT.split(_legacy_normalise(name)):
        token = "".join(c for c in part if c.isalnum())[:MAX_TOKEN_LENGTH]
        if token and token not in seen:
            seen.append(token)
    return seen[:MAX_TOKENS]


def legacy_index_keys(*names: str | None) -> set[str]:
    """The keys the first index wrote for a person's names (to delete them)."""
    found: list[str] = []
    for name in names:
        for token in legacy_tokens(name or ""):
            if token not in found:
                found.append(token)
    keys: set[str] = set()
    for token in found[:MAX_TOKENS]:
        keys |= deletions(token) if len(token) >= MIN_FUZZY_LENGTH else {token}
    return keys
