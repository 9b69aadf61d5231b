"""Splitting text that is too long for a model into pieces that fit."""

from __future__ import annotations

import re
from collections.abc import Callable

# Where a long sentence may be cut, best first: clause punctuation, then spaces.
_CLAUSE_BREAK = re.compile(r"(?<=[;:,])\s+|\s+(?=[-–—]\s)")


def split_to_fit(text: str, count_tokens: Callable[[str], int], max_tokens: int) -> list[str]:
    """Cuts ``text`` into consecutive pieces of at most ``max_tokens`` tokens each.

    Cuts at clause punctuation where possible, else between words, else inside a word.
    Joining the pieces with single spaces gives the text back (whitespace normalised).
    """
    if count_tokens(text) <= max_tokens:
        return [text]
    return _join_greedily(_units(text, count_tokens, max_tokens), count_tokens, max_tokens)


def pack(sentences: list[str], count_tokens: Callable[[str], int], max_tokens: int) -> list[str]:
    """Joins consecutive sentences into as few chunks of at most ``max_tokens`` as it can."""
    pieces = [p for s in sentences for p in split_to_fit(s, count_tokens, max_tokens)]
    return _join_greedily(pieces, count_tokens, max_tokens)


def _join_greedily(
    units: list[str], count_tokens: Callable[[str], int], max_tokens: int
) -> list[str]:
    """Consecutive units joined with spaces while the join still fits ``max_tokens``."""
    joined: list[str] = []
    for unit in units:
        if joined and count_tokens(f"{joined[-1]} {unit}") <= max_tokens:
            joined[-1] = f"{joined[-1]} {unit}"
        else:
            joined.append(unit)
    return joined


def _units(text: str, count_tokens: Callable[[str], int], max_tokens: int) -> list[str]:
    """The smallest pieces needed: clauses, or words of an over-long clause, or characters."""
    units: list[str] = []
    for clause in _CLAUSE_BREAK.split(text):
        if count_tokens(clause) <= max_tokens:
            units.append(clause)
            continue
        for word in clause.split():
            if count_tokens(word) <= max_tokens:
                units.append(word)
            else:
                units.extend(_split_word(word, count_tokens, max_tokens))
    return [u for u in units if u]


def _split_word(word: str, count_tokens: Callable[[str], int], max_tokens: int) -> list[str]:
    """Cuts a word into the longest prefixes that fit, each found by bisection."""
    parts: list[str] = []
    rest = word
    while rest:
        fits, too_long = 1, len(rest) + 1  # a prefix of one character is always taken
        while too_long - fits > 1:
            middle = (fits + too_long) // 2
            if count_tokens(rest[:middle]) <= max_tokens:
                fits = middle
            else:
                too_long = middle
        parts.append(rest[:fits])
        rest = rest[fits:]
    return parts
