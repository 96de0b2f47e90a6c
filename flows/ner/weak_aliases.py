"""When a weak alias of the gazetteer (شي, كيف, وفا, قنا, a club's bare name) counts as a
mention: the words around it, by the class of its entity; and whether a text is sports news."""
from __future__ import annotations

import functools
import re

from flows.ner.lexicon import (ALIAS_AGENCY_CUES, ALIAS_CLUB_CUES, ALIAS_ORG_CUES, ALIAS_PERSON_TITLE_HEADS,
                               ALIAS_PERSON_TITLES, ALIAS_PLACE_CUES, GENERIC_MODIFIERS, SPORTS_NEWS_WORDS)


SPORT_ARTICLE_WORDS = 4
_SPORT_RE = re.compile(r"(?<!\w)[وفبل]?(?:" + "|".join(sorted(SPORTS_NEWS_WORDS, key=len, reverse=True)) + r")(?!\w)")
_WORD_RE = re.compile(r"\w+")


def _strip_clitic(tok: str) -> str:
    if tok.startswith("لل") and len(tok) > 3:
        return "ال" + tok[2:]
    if tok[:1] in ("و", "ف") and len(tok) > 3:
        tok = tok[1:]
        if tok.startswith("لل") and len(tok) > 3:
            return "ال" + tok[2:]
    if tok[:3] in ("بال", "كال") and len(tok) > 4:
        return tok[1:]
    return tok


def weak_alias_context(norm: str, start: int, end: int, cue_class: str, named_before: bool,
                       modifiers: frozenset = GENERIC_MODIFIERS, same_country: bool = False) -> bool:
    """Whether a weak alias at norm[start:end] counts as a mention.

    It counts when (a) the same entity was already named in this text (full
    name or an earlier accepted mention), or (b) the words right before it,
    after skipping up to three adjectives (nisba forms such as الصيني, or
    السابق/الجديد...), end in a cue of the entity's class:
      PER    a title: الرئيس, السيد, الزعيم, الملك, رئيس الوزراء, وزير الخارجية, نظيره ...
      LOC    a place word: مدينة, العاصمة, محافظة, ريف, في ...; or (`same_country`) the text
             names outright another city or region of the same country (جدة beside مكة المكرمة)
      ORG    an organisation word: حركة, حزب, شركة, وكالة ...; or it is in (parentheses)
      AGENCY as ORG plus وكالة/أنباء/وفقا ل/نقلا عن/ذكرت ...
      CLUB   as ORG plus a club word (نادي, فريق, مدرب, لاعب, ضد ...); or a masculine
             nationality adjective right after (برشلونة الإسباني: a city would take the
             feminine); or the text is sports news (:func:`is_sports_text`)
      CLUB_COMMON  a club named by a common word (الهلال, النصر, الأهلي): in sports news, a
             club or match word right before (مباريات الهلال); nothing else (التعاون
             الياباني is cooperation, القمر (الهلال) the crescent)
    Otherwise it is not a mention.
    """
    if named_before or same_country:
        return True
    if cue_class in ("CLUB", "CLUB_COMMON"):
        nxt = _WORD_RE.match(norm, end + 1) if norm[end:end + 1] == " " else None
        # (not for a common word: التعاون الياباني is Japanese cooperation)
        if nxt is not None and is_masculine_nisba(nxt.group(), modifiers) and cue_class == "CLUB":
            return True
        if cue_class == "CLUB" and is_sports_text(norm):
            return True
    if cue_class in ("ORG", "AGENCY", "CLUB"):  # (القمر (الهلال): the crescent)
        before = norm[max(0, start - 3):start].rstrip()
        after = norm[end:end + 3].lstrip()
        if before.endswith("(") and after.startswith(")"):
            return True
    toks = [_strip_clitic(t) for t in _WORD_RE.findall(norm[max(0, start - 80):start])]
    # the clitic glued to the alias itself (لوكالة ... / وفقا لـ) is not a word of its own
    skipped = 0
    while toks and toks[-1] in modifiers and skipped < 3:
        toks.pop()
        skipped += 1
    if not toks:
        return False
    t1 = toks[-1]
    t2 = toks[-2] if len(toks) > 1 else ""
    if cue_class == "PER":
        return t1 in ALIAS_PERSON_TITLES or t2 in ALIAS_PERSON_TITLE_HEADS
    if cue_class == "LOC":
        return t1 in ALIAS_PLACE_CUES
    if cue_class == "AGENCY":
        return t1 in ALIAS_AGENCY_CUES or t1 in ALIAS_ORG_CUES or t2 in ALIAS_AGENCY_CUES
    if cue_class == "ORG":
        return t1 in ALIAS_ORG_CUES
    if cue_class == "CLUB":
        return t1 in ALIAS_ORG_CUES or t1 in ALIAS_CLUB_CUES
    if cue_class == "CLUB_COMMON":
        # a club named by a common word (الهلال "the crescent", النصر "victory"): a club or
        # match word right before, in sports news only (another club joined by و: the matcher)
        return t1 in ALIAS_CLUB_CUES and is_sports_text(norm)
    return False


def is_masculine_nisba(n: str, modifiers: frozenset) -> bool:
    """A normalized definite masculine nationality adjective (الايطالي, not الايطاليه)."""
    return n.startswith("ال") and n.endswith("ي") and n in modifiers


@functools.lru_cache(maxsize=8)  # several rules ask it of the same text
def is_sports_text(norm: str) -> bool:
    """The normalized text is sports news: SPORT_ARTICLE_WORDS or more of its words are
    words of sports reports (مباراة, الدوري, هدف, لاعب, مدرب ...; و/ف/ب/ل allowed before)."""
    n = 0
    for _ in _SPORT_RE.finditer(norm):
        n += 1
        if n >= SPORT_ARTICLE_WORDS:
            return True
    return False
