"""Context rules of sports news: a city named as a club (مدرب نيوكاسل, روما الإيطالي), a
country named as a side of a game (its national team)."""
from __future__ import annotations

import functools
import re
from collections import Counter

from flows.ner.gazetteer import load_gazetteer
from flows.ner.ids import auto_id, fold, gazetteer_folds
from flows.ner.lexicon import (CLUB_PREFIXES, CLUB_SUFFIXES, CLUB_WORDS, NATIONAL_TEAM, PLACE_OR_THING_WORDS,
                               TEAM_VERBS_AFTER, TEAM_WORDS_BEFORE, WIN_VERBS)
from flows.ner.mention import Mention
from flows.ner.tokens import word_before
from flows.ner.weak_aliases import is_sports_text
from flows.ner.words import (RARE_FREQ, ant_freq, masculine_nisba, matching_form, name_like, raw_offset, reading_in,
                              without_conjunction)
from flows.normalize import normalize


_NEXT_WORD_RE = re.compile(r"\s+(\w+)")
# a country named this often as a side of a game is that side wherever else the report names it
SIDE_MENTIONS = 2


def _club_suffix(word: str) -> bool:
    """A word that, after a city, makes a team's name: يونايتد, سيتي..., or a rare word
    ending like an English plural (يوتا جاز, أتلانتا هوكس, شيكاغو بولز, هيوستن روكتس)."""
    n = matching_form(word)
    if n in CLUB_SUFFIXES:
        return True
    return len(n) >= 3 and n[-1] in "زس" and name_like(n, word) and not n.startswith("ال") \
        and n[0] not in "وف" and ant_freq(word) < RARE_FREQ  # not إنجلترا وويلز


def clubs_by_context(text: str, gaz: list[Mention]) -> list[Mention]:
    """A city the gazetteer found that names a football club where it stands: right after a
    club word (مدرب نيوكاسل, لاعب برشلونة, مشجعي ليون) or with a club suffix after it
    (نيوكاسل يونايتد, يوتا جاز: the suffix joins the name; :func:`_club_suffix`). Such a mention becomes an
    ORG (the club's id when the gazetteer knows the club, else an auto id); elsewhere the
    same city stays a place."""
    folds = gazetteer_folds()
    g = load_gazetteer()
    out = []
    for m in gaz:
        if m.mention_kind != "name" or not m.entity_id.startswith(("loc:city:", "loc:region:")):
            out.append(m)
            continue
        nxt = _NEXT_WORD_RE.match(text, m.end)
        suffix = nxt is not None and _club_suffix(nxt.group(1))
        prev, prev_n = word_before(text, m.start)
        cue = prev is not None and reading_in(prev_n, CLUB_WORDS) is not None
        if not (suffix or cue) and nxt is not None and masculine_nisba(nxt.group(1)) \
                and not reading_in(prev_n, PLACE_OR_THING_WORDS) and sports_news(text):
            # روما الإيطالي in sports news: the city would take the feminine (الإيطالية); not
            # after a place word or a building, which the adjective may describe (استاد مدينة
            # سان بطرسبرغ الروسي)
            cue = True
        if not (suffix or cue):
            out.append(m)
            continue
        start, end = m.start, (nxt.end() if suffix else m.end)
        club_prefix = reading_in(prev_n, CLUB_PREFIXES) if prev is not None else None
        if club_prefix is not None and prev.end() + 1 >= m.start:
            # سيسكا موسكو, (و)سبورتنغ لشبونة, أتلتيك بلباو: the club's whole name
            start = prev.start(1) + raw_offset(prev.group(1), len(club_prefix[0]))
        name = text[start:end]
        idx = folds.get(fold(name))
        if idx is not None and g.entities[idx].entity_type == "ORG":
            ent = g.entities[idx]
            out.append(Mention(start, end, name, ent.entity_id, "ORG", ent.canonical_name, "rule_club", "name"))
        else:
            out.append(Mention(start, end, name, auto_id("ORG", matching_form(name)), "ORG", name, "rule_club", "name"))
    return out


@functools.lru_cache(maxsize=8)  # keyed by the text as written; is_sports_text by the normalized one
def sports_news(text: str) -> bool:
    """:func:`is_sports_text` of a text, asked by several rules of the same text."""
    return is_sports_text(normalize(text))


def national_teams(text: str, gaz: list[Mention]) -> list[Mention]:
    """In sports news (:func:`is_sports_text`) a country named as a side of a game is
    its national team: an ORG whose name is منتخب + the country (one id across articles),
    found where a word of playing or of result stands right before it (ضد صربيا, أمام
    سويسرا, انتزعت ليبيا, مباراة المكسيك, فازت على الأوروغواي) or a verb of result right
    after it (وكانت ليبيا فازت). Elsewhere, and after في/من/إلى, the country stays a place."""
    country = [m.mention_kind == "name" and m.entity_id.startswith("loc:country:") for m in gaz]
    if not any(country) or not sports_news(text):
        return gaz
    side = [is_country and _side_of_a_game(text, m) for m, is_country in zip(gaz, country)]
    side_counts = Counter(m.entity_id for m, is_side in zip(gaz, side) if is_side)
    sides = {eid for eid, n in side_counts.items() if n >= SIDE_MENTIONS}
    out = []
    last_team_end = -10
    for m, is_country, is_side in zip(gaz, country, side):
        if is_country and (
                text[last_team_end:m.start].strip() in ("و", "،", ",")  # بين كرواتيا وإنكلترا
                or _after_team_and_ala(text, m, last_team_end) or is_side
                or m.entity_id in sides and not _place_preposition_before(text, m)):
            # a country the report names as a side of a game (twice: one "تتقدم روسيا بفارق"
            # in a war report is no game) is that side wherever else it names it (مدرب
            # كولومبيا, ليتساووا مع اليابان, 6 للسنغال), but after في/من/إلى
            last_team_end = m.end
            name = "منتخب " + m.canonical
            start = m.start
            prev, prev_n = word_before(text, m.start)
            head = reading_in(prev_n, NATIONAL_TEAM) if prev is not None else None
            if head is not None:  # منتخب البرازيل, لمنتخب إسبانيا: the head word is part of the name
                start = prev.start(1) + raw_offset(prev.group(1), len(head[0]))
            m = Mention(start, m.end, text[start:m.end], auto_id("ORG", matching_form(name)), "ORG", name,
                        "rule_national_team", "name")
        out.append(m)
    return out


def _place_preposition_before(text: str, m: Mention) -> bool:
    """في, من or إلى (و/ف allowed before) right before the mention, or ب glued to it (بالسنغال)."""
    _, prev_n = word_before(text, m.start)
    clitic = matching_form(text[text.rfind(" ", 0, m.start) + 1:m.start])
    bare = without_conjunction(prev_n, 2)
    return bare in ("في", "من", "الي") or clitic.endswith("ب")


def _side_of_a_game(text: str, m: Mention) -> bool:
    """A word of playing or of result right before the mention, or a verb of result right after."""
    prev, prev_n = word_before(text, m.start)
    nxt = _NEXT_WORD_RE.match(text, m.end)
    if reading_in(prev_n, TEAM_WORDS_BEFORE) is not None or (
            nxt is not None and reading_in(matching_form(nxt.group(1)), TEAM_VERBS_AFTER) is not None):
        return True
    if prev_n == "علي" and prev is not None:  # فازت على الأوروغواي
        before, before_n = word_before(text, prev.start())
        return before is not None and reading_in(before_n, WIN_VERBS) is not None
    return False


def _after_team_and_ala(text: str, m: Mention, last_team_end: int) -> bool:
    """فوز بلجيكا على بنما: the side after على, right after a team."""
    return text[last_team_end:m.start].strip() == "على"
