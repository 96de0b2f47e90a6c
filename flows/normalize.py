"""Arabic normalization for matching and search.

`body_norm` is a *matching* form: two spellings a reader takes for the same
word should normalize to the same string. `body_clean` keeps the original
characters; `normalize_with_offsets` returns, for every normalized character,
the index of the original character it came from, so a span found in the
normalized text maps back to an exact span of the original.

Choices (documented because they lose information on purpose):
- diacritics (harakat, tanwin, shadda, sukun, dagger alef, Quranic marks) and
  tatweel are removed: they are optional in news text;
- alef forms أ إ آ ٱ become ا: news writes hamza on alef inconsistently;
- ؤ and ئ are kept: they are letters of their own, not spelling noise;
- alef maksura ى becomes ي: Egyptian and much web text writes final ى as ي
  (and the reverse), so only the merged form matches both;
- teh marbuta ة becomes ه: same reason (مدينه / مدينة);
- Persian/Urdu letters that Arabic sites use interchangeably (ی ک ڤ پ گ)
  become their Arabic counterparts;
- Eastern Arabic and Persian digits become ASCII digits;
- bidi controls, zero-width characters, BOM and soft hyphen are removed;
  non-breaking and other exotic spaces become a plain space;
- presentation forms (ligatures such as ﻻ) are expanded with NFKC;
- Latin letters are case-folded.
"""
from __future__ import annotations

import re
import unicodedata

import pyarabic.araby as araby

_REMOVED = (
    set(araby.TASHKEEL)
    | {araby.TATWEEL, araby.MINI_ALEF, araby.SMALL_ALEF, araby.SMALL_WAW, araby.SMALL_YEH}
    | {chr(c) for c in range(0x0610, 0x061B)}  # Quranic honorifics and small marks
    | {chr(c) for c in range(0x064B, 0x0660)}  # all harakat incl. rarer marks
    | {chr(c) for c in range(0x06D6, 0x06EE)}  # Quranic annotation signs
    | {"\u0670"}  # superscript (dagger) alef
    | {"\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff", "\u00ad", "\u2060"}
    | {chr(c) for c in range(0x202A, 0x202F)}  # LRE RLE PDF LRO RLO
    | {chr(c) for c in range(0x2066, 0x206A)}  # LRI RLI FSI PDI
)

_REPLACED = {
    **{a: araby.ALEF for a in (araby.ALEF_HAMZA_ABOVE, araby.ALEF_HAMZA_BELOW, araby.ALEF_MADDA, araby.ALEF_WASLA)},
    araby.ALEF_MAKSURA: araby.YEH,
    araby.TEH_MARBUTA: araby.HEH,
    "\u06cc": araby.YEH,  # Farsi yeh ی
    "\u06d2": araby.YEH,  # yeh barree
    "\u06a9": araby.KAF,  # keheh ک
    "\u06af": araby.KAF,  # gaf گ
    "\u06a4": araby.FEH,  # veh ڤ
    "\u067e": araby.BEH,  # peh پ
    "\u0686": araby.JEEM,  # tcheh چ
    "\u06c1": araby.HEH,  # heh goal
    "\u06be": araby.HEH,  # heh doachashmee
    "\u066b": ".",  # Arabic decimal separator
    "\u066c": ",",  # Arabic thousands separator
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Eastern Arabic digits
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
    **{s: " " for s in ("\u00a0", "\u2007", "\u202f", "\u205f", "\u3000", *map(chr, range(0x2000, 0x200B)))},
    "_": " ",  # hashtags join words with it: #عبدالعزيز_السكيرين, #دونالد_ترامب
}


def _is_presentation_form(ch: str) -> bool:
    code = ord(ch)
    return 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF


def _map_char(ch: str) -> str:
    """The normalized form of one character (possibly empty or longer than one)."""
    if ch in _REMOVED:
        return ""
    if ch in _REPLACED:
        return _REPLACED[ch]
    if _is_presentation_form(ch):
        # Ligatures expand (ﻻ -> لا); a form NFKC leaves as it is (the ornate brackets ﴾ ﴿ around
        # Quran quotes) stays itself, and an expansion is never expanded again.
        expanded = unicodedata.normalize("NFKC", ch)
        if expanded == ch:
            return ch
        return "".join(c if _is_presentation_form(c) else _map_char(c) for c in expanded)
    return ch.lower() if ch.isascii() else ch


class _CharTable(dict):
    """A str.translate table that fills itself on first sight of a character."""

    def __missing__(self, code: int) -> str:
        mapped = _map_char(chr(code))
        self[code] = mapped
        return mapped


_TABLE = _CharTable()


def normalize(text: str) -> str:
    """The matching form of `text` (see the module docstring for the choices)."""
    return text.translate(_TABLE)


# characters whose normalized form is not exactly one character
_NOT_ONE_TO_ONE = re.compile(
    "["
    + "".join(re.escape(c) for c in sorted(_REMOVED | {k for k, v in _REPLACED.items() if len(v) != 1}))
    + "\ufb50-\ufdff\ufe70-\ufeff]"
)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalized text and, for each of its characters, the index in `text` it came from.

    The list has one extra entry, len(text), so `offsets[end]` is valid for an
    exclusive end. A normalized span [a, b) maps back to
    text[offsets[a]:offsets[b - 1] + 1].
    """
    # Most characters map to exactly one character: translate the runs
    # between the others in one call and only walk the others one by one.
    pieces: list[str] = []
    offsets: list[int] = []
    table = _TABLE
    pos = 0
    for m in _NOT_ONE_TO_ONE.finditer(text):
        i = m.start()
        if i > pos:
            pieces.append(text[pos:i].translate(table))
            offsets.extend(range(pos, i))
        mapped = table[ord(text[i])]
        if mapped:
            pieces.append(mapped)
            offsets.extend([i] * len(mapped))
        pos = i + 1
    if pos < len(text):
        pieces.append(text[pos:].translate(table))
        offsets.extend(range(pos, len(text)))
    offsets.append(len(text))
    return "".join(pieces), offsets


def original_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a span of the normalized text back to the original text."""
    return offsets[start], offsets[end - 1] + 1


_DIACRITICS_AND_TATWEEL = frozenset(araby.TASHKEEL) | {araby.TATWEEL, "\u0670"}


def has_diacritics_or_tatweel(text: str) -> bool:
    return any(ch in _DIACRITICS_AND_TATWEEL for ch in text)


def arabic_ratio(text: str) -> float:
    """Share of letters that are Arabic, over all letters (0 when there are none)."""
    letters = arabic = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff":
                arabic += 1
    return arabic / letters if letters else 0.0
