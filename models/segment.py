"""Paragraph and sentence segmentation for Indonesian and English news.

Sentences come from ``sentencex`` (Wikimedia's segmenter, ~300 languages, Indonesian
included). It splits after some Indonesian abbreviations that news is full of ("PT.", "Rp.",
"Jl.", "dll.") and before figures ("Rp. 2.500"), so its fragments are joined back where the
break is not a sentence end: after a known abbreviation or an initial, or before a fragment
that starts in lower case or with a digit.
"""

from __future__ import annotations

import re

from sentencex import segment

# Indonesian abbreviations written with a full stop, lower-cased. Single letters ("H.",
# "R.") and dotted acronyms ("S.H.", "a.n.") are handled by _INITIAL below.
INDONESIAN_ABBREVIATIONS = frozenset(
    """
    pt tbk cv rp jl jln gg kec kab kel prov rt rw
    dll dsb dst dkk tsb yth sdr sdri bpk ny nn
    drs dra ir hj dr drg prof kol letjen mayjen brigjen jend kapt komjen irjen akbp
    kompol ipda iptu aiptu bripka
    jan feb mar apr agu agt ags sep sept okt nov des
    tgl hlm pk pkl sbg spt utk thn
    """.split()
)
# Left out on purpose: words that also end sentences as full words ("hal", "kota", "Mei").
_LAST_WORD = re.compile(r"(\S+)\.\s*$")
_INITIAL = re.compile(r"(?:^|\s|\()(?:[A-Za-z]\.)+\s*$")  # "H.", "S.H.", "a.n."
_CONTINUES = re.compile(r"^[\"'“‘(\[]?[a-z0-9]")  # lower case or digit: not a new sentence


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of an article: its non-empty lines, with inner whitespace collapsed."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def split_sentences(paragraph: str, lang: str) -> list[str]:
    """Sentences of one paragraph, in order; joined back together they give the paragraph.

    Args:
        paragraph: One paragraph (no newlines).
        lang: ``"id"`` or ``"en"``.
    """
    sentences: list[str] = []
    for fragment in segment(lang, paragraph):
        piece = fragment.strip()
        if not piece:
            continue
        if sentences and _continues(sentences[-1], piece, lang):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


def _continues(previous: str, piece: str, lang: str) -> bool:
    if _CONTINUES.match(piece) or _INITIAL.search(previous):
        return True
    last = _LAST_WORD.search(previous)
    return lang == "id" and last is not None and last.group(1).lower() in INDONESIAN_ABBREVIATIONS
