"""Names and ids of the entities the gazetteer does not know: the canonical name of a span,
the spelling-variant fold of a name, its auto id, and the gazetteer entity whose name folds
the same."""
from __future__ import annotations

import functools
import re
import unicodedata

from flows.ner.gazetteer import load_gazetteer


_DIACRITICS_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff\u00ad]")
_FOLD_TABLE = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ء": "", "ؤ": "و", "ئ": "ي",
    "ى": "ي", "ی": "ي", "ة": "ه",
    "غ": "ج", "ق": "ج", "گ": "ج",  # g: غوغل / جوجل / قوقل
    "ڤ": "ف", "پ": "ب", "ک": "ك", "چ": "ج",
})
_VOWELS = frozenset("اوي")
_SPLIT_RE = re.compile(r"[\s\-\u2010-\u2015_]+")


def fold(name: str) -> str:
    """Spelling-variant key of a name: two spellings a reader takes for the
    same foreign or Arabic name fold to the same string.

    Diacritics/tatweel/invisible marks dropped; alef forms and hamza seats
    unified; ى -> ي, ة -> ه; غ ج ق (and گ چ) -> ج, ڤ -> ف, پ -> ب; long
    vowels ا و ي dropped inside a word between two consonant letters (never
    first or last), so بوتين = بوتن, ترامب = ترمب, while هواوي keeps its
    shape; a doubled letter written once; words joined
    without spaces or hyphens (شي جين بينغ = شي جينبينغ). Latin is
    case-folded."""
    s = unicodedata.normalize("NFKC", name)
    s = _INVISIBLE_RE.sub("", _DIACRITICS_RE.sub("", s)).translate(_FOLD_TABLE).lower()
    out = []
    for w in _SPLIT_RE.split(s.strip()):
        if not w:
            continue
        k = re.sub(r"(.)\1+", r"\1", w) if len(w) > 3 else w
        k = k[0] + "".join(c for j, c in enumerate(k[1:-1], 1)
                           if not (c in _VOWELS and k[j - 1] not in _VOWELS and k[j + 1] not in _VOWELS)) \
            + (k[-1] if len(k) > 1 else "")
        out.append(k)
    return "".join(out)


def auto_id(typ: str, name: str) -> str:
    """Entity id of a name the gazetteer does not know."""
    return f"{typ.lower()}:auto:{fold(name)}"


def gazetteer_folds(gazetteer=None) -> dict:
    """fold(name) -> entity index for gazetteer names whose fold is unambiguous."""
    return _folds(gazetteer or load_gazetteer())


@functools.lru_cache(maxsize=2)
def _folds(g) -> dict:
    seen: dict[str, set] = {}
    for idx, names in enumerate(g.names):
        for n in names:
            k = fold(n)
            if len(k) >= 4:
                seen.setdefault(k, set()).add(idx)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def canonical_name(words_raw: list[str], lam: bool) -> str:
    name = _DIACRITICS_RE.sub("", " ".join(words_raw))
    return "ا" + name if lam else name  # لجيش الروسي (span after the ل of لل) -> الجيش الروسي
