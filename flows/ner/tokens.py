"""The tokens the precise rules walk: each with its matching form, whether it is a word, a
line break before it, the gazetteer mention over it, and whether it is a head noun or cue."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from flows.ner import tagger
from flows.ner.lexicon import ORG_HEADS, PERSON_TITLE_HEADS, PERSON_TITLES, PLACE_CUES, THING_HEADS
from flows.ner.mention import Mention
from flows.ner.words import first_reading, matching_form, raw_offset


QUOTES = frozenset('"\'«»“”„‘’')


@dataclass(slots=True)
class Token:
    s: int
    e: int
    raw: str
    n: str          # normalised
    word: bool      # letters only
    nl: bool        # a line break between the previous token and this one
    gaz: int = -1   # index of the gazetteer mention overlapping the token, -1 if none
    cue: bool = False    # an organisation head or a place cue (:func:`_is_cue_word`)
    thing: bool = False  # a war, exercise, competition or building head (:func:`_is_thing_head`)
    title: bool = False  # a person title or the head of one (الرئيس, وزير): :func:`_is_title_word`


@functools.lru_cache(maxsize=tagger.TYPE_CACHE_SIZE)
def _word_info(raw: str) -> tuple:
    n = matching_form(raw)
    word = bool(n) and n.isalpha()
    return n, word, word and _is_cue_word(n), word and _is_thing_head(n), word and _is_title_word(n)


def tokens_of(text: str, gaz: list[Mention], spans: list[tuple[int, int]] | None = None) -> list[Token]:
    """The tokens of the text (`spans`: its :func:`flows.ner.tagger.tokenize`, when the caller
    has it), each with the index of the gazetteer mention in `gaz` (sorted) over it."""
    toks = []
    append = toks.append
    prev_e = gi = 0
    ng = len(gaz)
    has_nl = "\n" in text
    for s, e in (tagger.tokenize(text) if spans is None else spans):
        raw = text[s:e]
        n, word, cue, thing, title = _word_info(raw)
        g = -1
        if gi < ng:
            while gi < ng and gaz[gi].end <= s:
                gi += 1
            if gi < ng and gaz[gi].start < e:
                g = gi
        append(Token(s, e, raw, n, word, has_nl and "\n" in text[prev_e:s], g, cue, thing, title))
        prev_e = e
    return toks


@functools.lru_cache(maxsize=tagger.TYPE_CACHE_SIZE)
def _is_cue_word(n: str) -> bool:
    """The word (a proclitic allowed) is an organisation head or a place cue; cached per word."""
    return first_reading(n, ORG_HEADS) is not None or first_reading(n, PLACE_CUES) is not None


@functools.lru_cache(maxsize=tagger.TYPE_CACHE_SIZE)
def _is_thing_head(n: str) -> bool:
    return first_reading(n, THING_HEADS) is not None


def _is_title_word(n: str) -> bool:
    """A person title (الرئيس) or a title head in construct (وزير الخارجية), a proclitic allowed;
    cached with the rest of the word's facts by :func:`_word_info`."""
    return first_reading(n, PERSON_TITLES) is not None or first_reading(n, PERSON_TITLE_HEADS) is not None


def span_start(tok: Token, prefix: str) -> int:
    """Offset in the text after a token's normalised proclitic; for لل after its first ل
    only, as the gazetteer does (للجيش -> لجيش): the span stays exact."""
    if not prefix:
        return tok.s
    n_letters = len(prefix) - 1 if prefix.endswith("لل") else len(prefix)
    return tok.s + raw_offset(tok.raw, n_letters)


_PREV_WORD_RE = re.compile(r"(\w+)\s+$")


def word_before(text: str, pos: int) -> tuple[re.Match | None, str]:
    """The word right before text[pos] with only spaces between (or None), and its matching form."""
    prev = _PREV_WORD_RE.search(text, max(0, pos - 40), pos)
    return prev, (matching_form(prev.group(1)) if prev is not None else "")
