"""Tokens, sentences and the tagger's letter normalisation of Arabic words, with their
clitic split: what every other part of the tagger reads a text as."""
from __future__ import annotations

import functools
import re

# word types whose features/vectors are cached; a long run over many articles clears a
# full cache and starts over, so memory stays flat (150k types: about 100 MB in all)
TYPE_CACHE_SIZE = 150_000

_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_TOKEN_RE = re.compile(
    r"\d+(?:[.,\u066b\u066c]\d+)+"          # 1.3  112,5
    r"|(?:[^\W_]|[" + _MARKS + r"])+"       # words (letters, digits, diacritics)
    r"|\S"                                   # any other single char
)
_SENT_END = frozenset(".!?\u061f")


def tokenize(text: str) -> list[tuple[int, int]]:
    """(start, end) char offsets of tokens; punctuation is split off words,
    Arabic words keep their clitics."""
    return [m.span() for m in _TOKEN_RE.finditer(text)]


def sentences(text: str, spans: list[tuple[int, int]]) -> list[list[int]]:
    """Group token indices into sentences: split after . ! ? and at newlines."""
    sents: list[list[int]] = []
    cur: list[int] = []
    prev_end = 0
    for i, (s, e) in enumerate(spans):
        if cur and "\n" in text[prev_end:s]:
            sents.append(cur)
            cur = []
        cur.append(i)
        prev_end = e
        if e - s == 1 and text[s] in _SENT_END:
            sents.append(cur)
            cur = []
    if cur:
        sents.append(cur)
    return sents


_NORM_TABLE = str.maketrans({
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # alefs
    "\u0649": "\u064a",  # alef maqsura -> ya
    "\u06cc": "\u064a", "\u06a9": "\u0643", "\u06a4": "\u0641", "\u067e": "\u0628", "\u06af": "\u0643",
})
MARKS_RE = re.compile("[" + _MARKS + "]")


def normalize(word: str) -> str:
    """Arabic letter normalisation used for all lexical lookups."""
    w = MARKS_RE.sub("", word).translate(_NORM_TABLE)
    return w.lower() if w.isascii() else w


@functools.lru_cache(maxsize=TYPE_CACHE_SIZE)
def norm_cached(word: str) -> str:
    return normalize(word)


AL = "\u0627\u0644"  # ال
LL = "\u0644\u0644"  # لل


def strip_clitics(w: str) -> tuple[str, str]:
    """Greedy clitic split of a normalised word: (prefix, stem).
    Conjunction و/ف, then preposition ب/ك/ل (or لل = ل+ال), then ال."""
    pre = ""
    if len(w) >= 4 and w[0] in "\u0648\u0641":  # و ف
        pre, w = w[0], w[1:]
    if len(w) >= 4 and w.startswith(LL):
        return pre + LL, w[2:]
    if len(w) >= 4 and w[0] in "\u0628\u0643\u0644" and w[1:3] == AL:  # بال كال لال
        pre, w = pre + w[0], w[1:]
    if len(w) >= 4 and w.startswith(AL):
        return pre + AL, w[2:]
    return pre, w
