"""Gazetteer matching: Arabic text -> entity mentions with exact character offsets.

How a mention is found (all matching happens on `normalize(text)`, spans are
mapped back with the offset list, so `text[m.start:m.end] == m.surface`):

1. One Aho-Corasick automaton holds every normalized key of the gazetteer
   (canonical names, aliases, weak aliases, nisba forms). A hit counts only at
   word boundaries: nothing word-like after it, and before it either the start
   of a word or one of the proclitics و ف ب ل ك and their pairs (وب ول وك فب فل
   فك). The clitic is never part of the span: وبكين -> بكين, لروسيا -> روسيا.
   ك (and وك فك) count only before a key written with ال (كالصين) or one of 5+
   characters (كأميركا): كبيرا is not ك + بيرا (Beira), كلاوس not ك + لاوس (Laos).
2. لل + a name written with the article (للصين = ل + الصين, the article's alef
   elided by spelling): the automaton also holds every ال-key without its alef
   (لصين), valid only right after a ل clitic. The span is then لصين: everything
   after the preposition ل, i.e. the article's lam and the name. It is the
   honest span: the only characters dropped are the clitic's, and
   text[start:end] stays exact. (بالصين, والصين, فالصين keep the full الصين.)
3. Strong names and nisba forms: longest key wins, then the earlier one; no
   overlaps. Nisba hits (الروسي, الصينية) get mention_kind="nisba" and the
   country's id; they are never "name" mentions.
4. Weak aliases (شي, كيف, وفا, قنا ...) fill the gaps left by step 3 only when
   `weak_alias_context` says so (see its docstring).
5. Partial names: once a gazetteer person has been named in full, a later bare
   surname (last word of one of their multi-word names) resolves to them
   (method "partial_name"), unless two people named earlier share it.
"""
from __future__ import annotations

import csv
import functools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from flows.normalize import normalize, normalize_with_offsets

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "seeds" / "gazetteer" / "entities.csv"


@dataclass(frozen=True)
class Mention:
    start: int  # char offsets into the text passed in; text[start:end] == surface, always
    end: int
    surface: str
    entity_id: str
    entity_type: str  # PER LOC ORG MISC
    canonical: str  # canonical Arabic name
    method: str  # gazetteer, weak_alias_context, partial_name
    mention_kind: str  # "name" or "nisba"


@dataclass(frozen=True)
class Entity:
    entity_id: str
    canonical_name: str
    entity_type: str
    name_en: str | None
    subtype: str | None
    source: str | None


# kinds of automaton entries
_NAME, _NISBA, _WEAK = 0, 1, 2
_KIND_LABEL = {_NAME: "name", _NISBA: "nisba", _WEAK: "name"}

_CLITICS = frozenset({"", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك"})
_LAM_CLITICS = frozenset({"ل", "ول", "فل"})
# ك "like/as" before a bare name is rare, while a short key after ك is often the tail of an ordinary
# word (كبيرا = ك + بيرا, كلاوس = ك + لاوس): a prefix holding ك is accepted before a key written with
# the article (كالصين) or a bare key of 5+ characters (كأميركا, كروسيا), not before a shorter one.
_KAF_CLITICS = frozenset({"ك", "وك", "فك"})

# ---- context cues for weak aliases (normalized forms) ----
_PER_TITLES = frozenset(normalize(w) for w in """
الرئيس رئيس الرئيسة السيد السيدة الزعيم زعيم الملك الملكة الأمير الأميرة الشيخ الشيخة السلطان
المستشار المستشارة الوزير الوزيرة الجنرال المشير الفريق اللواء العقيد العميد القائد المرشد
البابا الإمام السيناتور السناتور النائب النائبة الحاكم العاهل نظيره نظيرته نظيريه الدكتور د
الأمين المبعوث المتحدث الناطق العهد الوزراء الحكومة الخارجية الدفاع المالية الداخلية الجمهورية
""".split())
_PER_TITLE_HEADS = frozenset(normalize(w) for w in "رئيس وزير وزيرة ولي زعيم أمين قائد مستشار نائب سفير مبعوث ملك أمير حاكم رئيسة".split())
_LOC_CUES = frozenset(normalize(w) for w in """
مدينة المدينة العاصمة عاصمة بلدة قرية محافظة ولاية إقليم منطقة جزيرة دولة جمهورية مملكة ميناء
مطار ريف شمال جنوب شرق غرب وسط قرب شمالي جنوبي شرقي غربي
""".split())
_ORG_CUES = frozenset(normalize(w) for w in """
حركة حزب جماعة تنظيم منظمة شركة مجموعة وكالة صحيفة قناة موقع شبكة مجلس هيئة جبهة كتائب تحالف
مؤسسة بنك مصرف
""".split())
_AGENCY_CUES = frozenset(normalize(w) for w in """
وكالة الأنباء أنباء وفقا وفق نقلا بحسب حسب ذكرت أفادت أوردت قالت نقلت أعلنت لوكالة
""".split())
# words that make the name right after them a team's (لاعب برشلونة, مدرب نيوكاسل)
CLUB_WORDS = frozenset(normalize(w) for w in """
نادي فريق مدرب لاعب لاعبو لاعبي مهاجم مدافع حارس مشجعي مشجعو
""".split())
# a club's bare name (برشلونة) counts after these, besides the organisation words
_CLUB_CUES = CLUB_WORDS | frozenset(normalize(w) for w in "النادي الفريق جماهير رئيس أمام ضد".split())
# words of sports news: an article with several of them is about sport, where a club's bare
# name is the club (برشلونة ... ريال مدريد), not its city
_SPORT_WORDS = frozenset(normalize(w) for w in """
مباراة المباراة مباريات المباريات الدوري دوري هدف هدفا هدفين أهداف الأهداف لاعب اللاعب لاعبي اللاعبين
مدرب المدرب الموسم بطولة البطولة كأس الكأس ملعب الملعب المنتخب التعادل الفوز مهاجم المهاجم الانتقالات
""".split())
SPORT_ARTICLE_WORDS = 4
_SPORT_RE = re.compile(r"(?<!\w)[وفبل]?(?:" + "|".join(sorted(_SPORT_WORDS, key=len, reverse=True)) + r")(?!\w)")
_MODIFIERS = frozenset(normalize(w) for w in """
السابق السابقة الحالي الحالية الجديد الجديدة الأسبق المنتخب المنتخبة المخلوع الراحل الأعلى العام
الأول الأولى المؤقت المكلف الفخري
""".split())
# first names, kinship and dynasty words are never taken as a person's surname alone
_NOT_SURNAMES = frozenset(normalize(w) for w in """
محمد أحمد علي حسن حسين عبد عبدالله الله بن بنت أبو ابو آل ال ولد الثاني الثالث السادس عشر الرابع
نهيان مكتوم ثاني خليفة سعود الصباح الأحمد جونيور شريف صالح سلام عباس سعيد خان الشيخ إبراهيم
مصطفى محمود عمر خالد يوسف قاسم منصور هادي جون الأسد عون بري كيم لي وانغ
""".split())

_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class _Info:
    entity: Entity
    cue_class: str  # PER LOC ORG AGENCY MISC


@dataclass(frozen=True)
class Gazetteer:
    entities: tuple[Entity, ...]
    infos: tuple[_Info, ...]
    automaton: object  # ahocorasick.Automaton: key -> tuple of (entity_index, kind, lam_only, key_len)
    surnames: dict  # normalized surname -> tuple of entity indexes (persons)
    modifiers: frozenset  # nisba keys + generic adjectives, skipped when looking for a title

    def __hash__(self) -> int:  # identity hash: usable as a cache key
        return id(self)


def _split(cell: str | None) -> list[str]:
    return [p for p in (cell or "").split("|") if p.strip()]


def _key(s: str) -> str:
    return re.sub(r"\s+", " ", normalize(s)).strip()


def load_gazetteer(path=None) -> Gazetteer:
    """The gazetteer at `path` (default seeds/gazetteer/entities.csv); the default is loaded once."""
    if path is None:
        return _load_default()
    return _load(str(path))


@functools.lru_cache(maxsize=1)
def _load_default() -> Gazetteer:
    return _load(str(DEFAULT_PATH))


def _load(path: str) -> Gazetteer:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    entities: list[Entity] = []
    infos: list[_Info] = []
    keys: dict[str, list[tuple[int, int, bool, int]]] = {}
    nisba_keys: set[str] = set()
    person_names: list[tuple[int, list[str]]] = []

    def add(k: str, idx: int, kind: int) -> None:
        if len(k.replace(" ", "")) < 2:
            return
        keys.setdefault(k, []).append((idx, kind, False, len(k)))
        if k.startswith("ال") and len(k) > 3:
            lk = k[1:]  # للصين: ل + (ا)لصين
            keys.setdefault(lk, []).append((idx, kind, True, len(lk)))

    for idx, r in enumerate(rows):
        e = Entity(r["entity_id"], r["canonical_ar"], r["entity_type"], r.get("name_en") or None,
                   r.get("subtype") or None, r.get("source") or None)
        entities.append(e)
        cue = {"agency": "AGENCY", "sports_club": "CLUB"}.get(e.subtype or "", e.entity_type)
        infos.append(_Info(e, cue))
        weak = {_key(w) for w in _split(r.get("weak_aliases"))}
        strong = {_key(a) for a in [r["canonical_ar"], *_split(r.get("aliases"))]} - weak
        for k in strong:
            add(k, idx, _NAME)
        for k in weak:
            add(k, idx, _WEAK)
        for n in _split(r.get("nisba")):
            k = _key(n)
            add(k, idx, _NISBA)
            nisba_keys.add(k)
        if e.entity_type == "PER":
            person_names.append((idx, [k for k in strong if " " in k]))

    first_names = {w for _, names in person_names for k in names for w in k.split()[:-1]}
    surnames: dict[str, set[int]] = {}
    for idx, names in person_names:
        for k in names:
            last = k.split()[-1]
            if len(last) >= 3 and last not in _NOT_SURNAMES and last not in first_names and last not in keys:
                surnames.setdefault(last, set()).add(idx)

    automaton = ahocorasick.Automaton()
    for k, entries in keys.items():
        automaton.add_word(k, tuple(entries))
    automaton.make_automaton()
    return Gazetteer(tuple(entities), tuple(infos), automaton,
                     {k: tuple(sorted(v)) for k, v in surnames.items()},
                     frozenset(nisba_keys) | _MODIFIERS)


def known_entities(gazetteer=None) -> list[Entity]:
    return list((gazetteer or load_gazetteer()).entities)


# --------------------------------------------------------------------------- context
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
                       modifiers: frozenset = _MODIFIERS) -> bool:
    """Whether a weak alias at norm[start:end] counts as a mention.

    It counts when (a) the same entity was already named in this text (full
    name or an earlier accepted mention), or (b) the words right before it,
    after skipping up to three adjectives (nisba forms such as الصيني, or
    السابق/الجديد...), end in a cue of the entity's class:
      PER    a title: الرئيس, السيد, الزعيم, الملك, رئيس الوزراء, وزير الخارجية, نظيره ...
      LOC    a place word: مدينة, العاصمة, محافظة, ريف, في ...
      ORG    an organisation word: حركة, حزب, شركة, وكالة ...; or it is in (parentheses)
      AGENCY as ORG plus وكالة/أنباء/وفقا ل/نقلا عن/ذكرت ...
      CLUB   as ORG plus a club word (نادي, فريق, مدرب, لاعب, ضد ...); or a masculine
             nationality adjective right after (برشلونة الإسباني: a city would take the
             feminine); or the text is sports news (:func:`is_sports_text`)
    Otherwise it is not a mention.
    """
    if named_before:
        return True
    if cue_class == "CLUB":
        nxt = _WORD_RE.match(norm, end + 1) if norm[end:end + 1] == " " else None
        if nxt is not None and is_masculine_nisba(nxt.group(), modifiers):
            return True
        if is_sports_text(norm):
            return True
    if cue_class in ("ORG", "AGENCY", "CLUB"):
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
        return t1 in _PER_TITLES or t2 in _PER_TITLE_HEADS
    if cue_class == "LOC":
        return t1 in _LOC_CUES
    if cue_class == "AGENCY":
        return t1 in _AGENCY_CUES or t1 in _ORG_CUES or t2 in _AGENCY_CUES
    if cue_class == "ORG":
        return t1 in _ORG_CUES
    if cue_class == "CLUB":
        return t1 in _ORG_CUES or t1 in _CLUB_CUES
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


# --------------------------------------------------------------------------- matching
def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


# A name followed by these words is part of a common phrase, not the name: مسقط رأس
# ("birthplace", not Muscat).
_IDIOMS = {normalize("مسقط"): frozenset({normalize("رأس"), normalize("رأسه"), normalize("رأسها")})}


def _idiom_follows(norm: str, key: str, end: int) -> bool:
    nxt = _IDIOMS.get(key)
    if not nxt:
        return False
    m = _WORD_RE.match(norm, end + 1) if end < len(norm) and norm[end] == " " else None
    return m is not None and m.group() in nxt


# One spelling, two places: which one an article means is read from its other words.
# key -> ((entity id, normalized cue words), ...); the first entity is the default on a tie.
_SHARED_NAMES = {
    normalize(key): tuple((eid, frozenset(normalize(w) for w in cues.split())) for eid, cues in readings)
    for key, readings in {
        "عمان": (
            ("loc:country:om", "سلطنة مسقط العماني العمانية العمانيون العمانيين السلطان قابوس"),
            ("loc:city:amman", "الأردن الأردني الأردنية الأردنيون الأردنيين الأردنيه بالأردن والأردن"),
        ),
    }.items()
}


def _shared_name_readings(norm: str, g: Gazetteer) -> dict:
    """(default entity index, key) -> the entity index the article's cue words point to, for
    the keys of _SHARED_NAMES that occur in `norm` (عمان: Oman, or Amman in an article
    about Jordan: "العاصمة الأردنية عمان")."""
    out = {}
    words = None
    for key, readings in _SHARED_NAMES.items():
        if key not in norm:
            continue
        ids = _entity_index(g)
        if words is None:
            words = Counter(m.group() for m in _WORD_RE.finditer(norm))
        counts = [sum(words[w] for w in cues) for _, cues in readings]
        best = max(range(len(readings)), key=lambda i: (counts[i], -i))
        default, chosen = ids.get(readings[0][0]), ids.get(readings[best][0])
        if best and default is not None and chosen is not None:
            out[(default, key)] = chosen
    return out


@functools.lru_cache(maxsize=4)
def _entity_index(g: Gazetteer) -> dict:
    return {e.entity_id: i for i, e in enumerate(g.entities)}


def extract_mentions(text: str, gazetteer=None) -> list[Mention]:
    """Gazetteer mentions in `text`, sorted by start, non-overlapping (see the module doc)."""
    g = gazetteer or load_gazetteer()
    if not text:
        return []
    norm, offs = normalize_with_offsets(text)
    n = len(norm)
    strong: list[tuple[int, int, int, int]] = []  # (start, end, entity_idx, kind)
    weak: list[tuple[int, int, int]] = []
    for end_i, entries in g.automaton.iter(norm):
        end = end_i + 1
        if end < n and _is_word(norm[end]):
            continue
        for idx, kind, lam_only, klen in entries:
            start = end - klen
            if start > 0 and _is_word(norm[start - 1]):
                ws = start - 1
                while ws > 0 and _is_word(norm[ws - 1]) and start - ws < 3:
                    ws -= 1
                if ws > 0 and _is_word(norm[ws - 1]):
                    continue
                prefix = norm[ws:start]
            else:
                prefix = ""
            if lam_only:
                if prefix not in _LAM_CLITICS:
                    continue
            elif prefix not in _CLITICS:
                continue
            elif prefix in _KAF_CLITICS and klen < 5 and not norm.startswith("ال", start):
                continue
            elif prefix[-1:] in ("ب", "ل", "ف") and _word_beats_name(norm[ws:end], norm[start:end]):
                continue
            if _idiom_follows(norm, norm[start:end], end):
                continue
            if kind == _WEAK:
                weak.append((start, end, idx))
            else:
                strong.append((start, end, idx, kind))

    taken = bytearray(n)
    chosen: list[tuple[int, int, int, int, str]] = []  # start, end, idx, kind, method
    for start, end, idx, kind in sorted(strong, key=lambda h: (h[0] - h[1], h[0], h[3])):
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append((start, end, idx, kind, "gazetteer"))

    first_named: dict[int, int] = {}
    for start, _, idx, kind, _ in chosen:
        if kind == _NAME and first_named.get(idx, n) > start:
            first_named[idx] = start

    for start, end, idx in sorted(weak, key=lambda h: (h[0], h[0] - h[1])):
        if any(taken[start:end]):
            continue
        info = g.infos[idx]
        if weak_alias_context(norm, start, end, info.cue_class, first_named.get(idx, n) < start, g.modifiers):
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, idx, _WEAK, "weak_alias_context"))
            if first_named.get(idx, n) > start:
                first_named[idx] = start

    named_people = {idx for idx in first_named if g.infos[idx].entity.entity_type == "PER"}
    if named_people and g.surnames:
        surnames = g.surnames
        for m in _WORD_RE.finditer(norm):
            tok, ts = m.group(), m.start()
            # a cheap superset test first: few words are anyone's surname, with or without a clitic
            if taken[ts] or (tok not in surnames and tok[1:] not in surnames and tok[2:] not in surnames):
                continue
            for off, cand in _surname_candidates(tok):
                idxs = [i for i in g.surnames.get(cand, ()) if i in named_people and first_named[i] < ts]
                if len(idxs) == 1:
                    s, e = ts + off, m.end()
                    if not any(taken[s:e]):
                        taken[s:e] = b"\x01" * (e - s)
                        chosen.append((s, e, idxs[0], _NAME, "partial_name"))
                    break

    out = []
    reading = _shared_name_readings(norm, g)
    for start, end, idx, kind, method in sorted(chosen):
        if kind == _NAME and reading:
            idx = reading.get((idx, norm[start:end]), idx)
        e = g.infos[idx].entity
        o_start, o_end = offs[start], offs[end - 1] + 1
        out.append(Mention(o_start, o_end, text[o_start:o_end], e.entity_id, e.entity_type, e.canonical_name,
                           method, _KIND_LABEL[kind]))
    return out


@functools.lru_cache(maxsize=100_000)
def _word_beats_name(word: str, name: str) -> bool:
    """The whole word, clitic and all, is more than twice as frequent in ANT news as the name
    after the clitic: بنوك ("banks") is not ب + نوك (Nuuk), بلاتر (Blatter) not ب + لاتر (Latur),
    بابا not ب + أبا (Aba), فاتن not ف + أتن. The tagger reads clitics by the same principle
    (tagger.proclitic_len). Asked only after ب/ل/ف: و joins any name to a list, so a rare
    name is often seen more with و than alone (وشيراز, وتركمانستان)."""
    from flows import tagger  # the counts live with the tagger's word features

    freq = tagger._resources()["freq"]
    return freq.get(tagger.normalize(word), 0) > 2 * freq.get(tagger.normalize(name), 0)


def _surname_candidates(tok: str):
    """(offset into tok, normalized surname) readings of a word: itself, or without a clitic."""
    yield 0, tok
    if len(tok) > 4 and tok[:2] in _CLITICS and len(tok[:2]) == 2:
        yield 2, tok[2:]
    if len(tok) > 3 and tok[0] in "وفبلك":
        yield 1, tok[1:]
