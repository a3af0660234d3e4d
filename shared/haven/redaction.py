"""Redacting what identifies a person in free text: e-mail addresses, phone numbers and identity
(passport, national id) numbers, in the forms people write them.

Matching runs on a folded copy of the text: each character is NFKC-normalised on its own, so
full-width letters, digits and signs (``Ｋ７６５４３２１``, ``＠``, ``＋``) and other compatibility
forms match as their plain ones, and a match is mapped back to the characters of the original.
Digits are any script's decimal digits (Devanagari, Arabic-Indic, ...).

- e-mail: ``local@domain.tld``, with spaces around ``@``, or the ``at`` and ``dot`` written out
  (``ram dot thapa at example dot org``, ``ram(at)example.org``, ``ram [at] example [dot] org``,
  ``ram at the rate example dot org``);
- phone or identity number: a run of at least seven digits, which may be broken by spaces,
  dots, hyphens, dashes, slashes and brackets and may start with ``+`` (``+977 980-1234567``,
  ``(01) 441 2345``, ``27-01-71-05797``); a calendar date of 1900 to 2100 (``2026-10-01``,
  ``01.10.2026``) is not one;
- identity number: a word of letters and digits with at least five digits (``K7654321``,
  ``k7654321``, ``12345678A``); one or two letters, a hyphen and at least five digits
  (``K-7654321``, ``k-76543``); one or two capitals, a space and at least six digits
  (``K 7654321``, ``PA 123456``).

Time is linear in the text: every repetition is bounded or cannot backtrack, and a match can
only start where a word starts.
"""

from __future__ import annotations

import re
import unicodedata

REDACTED = "[redacted]"

_LETTER = r"[^\W\d_]"
_ALNUM = r"[^\W_]"
_AT = (
    r"(?:\s{0,3}@\s{0,3}|\s{0,3}[(\[{<]\s?at\s?[)\]}>]\s{0,3}|\s{1,3}at\s{1,3}"
    r"|\s{1,3}at\s{1,3}the\s{1,3}rate\s{1,3}(?:of\s{1,3})?)"
)
_SPELLED_DOT = r"(?:\s{0,3}[(\[{<]\s?dot\s?[)\]}>]\s{0,3}|\s{1,3}dot\s{1,3})"
_DOT = rf"(?:\.|{_SPELLED_DOT})"
_LABEL = r"[\w-]{1,63}"
#: What people put between the digits of a number: spaces, dots, hyphens and dashes, slashes, brackets.
_SEPARATOR = r"[\s.\-\u2010-\u2015\u2212/()]"

_PATTERN = re.compile(
    "|".join(
        (
            # e-mail: a local part that starts a word, an "at", labels, and a final label of letters.
            rf"(?<![\w.+-])[\w.+-]{{1,64}}(?:(?i:{_SPELLED_DOT})[\w.+-]{{1,64}}){{0,4}}(?i:{_AT})"
            rf"{_LABEL}(?:(?i:{_DOT}){_LABEL}){{0,8}}(?i:{_DOT}){_LETTER}{{2,63}}(?![\w-])",
            # identity number: a letter prefix, a hyphen or a space, then the digits.
            rf"(?<!{_ALNUM})(?:{_LETTER}{{1,2}}-\d{{5,}}|[A-Z]{{1,2}} \d{{6,}}){_ALNUM}*",
            # identity number: one word of letters and digits, at least five of them digits.
            rf"(?<!{_ALNUM})(?=(?:{_LETTER}*\d){{5}})(?=\d*{_LETTER}){_ALNUM}+",
            # phone or identity number: seven digits or more, broken by separators or not.
            rf"(?<!{_ALNUM})[(+]{{0,2}}\d(?:{_SEPARATOR}{{0,3}}\d){{6,}}",
        )
    )
)
#: A calendar date: year first (``2026-10-01``) or last (``01.10.2026``, ``10/01/2026``).
_DATE = re.compile(r"(\d{4})([-./])(\d{1,2})\2(\d{1,2})|(\d{1,2})([-./])(\d{1,2})\6(\d{4})")


def _folded(text: str) -> tuple[str, list[int] | None]:
    """The text with each character NFKC-normalised, and where each folded character came from
    (``None`` when folding changed nothing)."""
    if text.isascii():
        return text, None
    parts: list[str] = []
    origin: list[int] = []
    for index, character in enumerate(text):
        folded = unicodedata.normalize("NFKC", character)
        parts.append(folded)
        origin.extend([index] * len(folded))
    return "".join(parts), origin


def _is_date(candidate: str) -> bool:
    date = _DATE.fullmatch(candidate)
    if date is None:
        return False
    year, first, second = date.group(1, 3, 4) if date.group(1) else date.group(8, 5, 7)
    day_and_month = sorted((int(first), int(second)))
    return 1900 <= int(year) <= 2100 and 1 <= day_and_month[0] <= 12 and day_and_month[1] <= 31


def redact(text: str) -> str:
    """``text`` with every e-mail address, phone number and identity number replaced by
    :data:`REDACTED`; everything else is left as written."""
    folded, origin = _folded(text)
    pieces: list[str] = []
    kept_from = 0
    for match in _PATTERN.finditer(folded):
        if _is_date(match.group()):
            continue
        start, end = match.span()
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        pieces += [text[kept_from:start], REDACTED]
        kept_from = end
    pieces.append(text[kept_from:])
    return "".join(pieces)
