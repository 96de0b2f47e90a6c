"""Combined Arabic entity extraction: gazetteer + statistical tagger + rules.

``extract(text) -> list[Mention]`` (the Mention of :mod:`flows.entities`;
``text[m.start:m.end] == m.surface`` always; sorted, non-overlapping).

Combination (every step was kept only if it helped entity F1 on the ANERcorp
dev split, the last 10% of train, scored with a tagger trained without dev,
8 sentences per text; ``python -m flows.ner_eval --system combined`` prints
dev and test for the committed models). Dev F1: tagger alone 0.740; gazetteer
alone 0.457; gazetteer + tagger, tagger deferring to the gazetteer 0.695;
+ the longer tagger name wins 0.715; + gazetteer name shrunk to the tagger's
core 0.739; + document pass 0.749; + cue rules (LOC, quoted titles) 0.756;
+ one-word GeoNames cities need the tagger 0.760; tagger stage 1 only 0.763;
restrictions for real news (extent only over one name, shrink only by a cue
word or nisba) 0.7545. ANERcorp test (once, at the end): 0.737 (P .789 R .692).

1. Gazetteer mentions (:func:`flows.entities.extract_mentions`) are taken
   (names and nisba forms, with their entity ids), except one-word GeoNames
   cities the tagger does not also see (وجده، العمارة: common words).
2. Tagger spans (:func:`flows.tagger.tag_text`, first stage only) that do not
   overlap a gazetteer mention are added as names (method "tagger"). A tagger
   span overlapping a gazetteer mention defers to it, except: a longer tagger
   span covering exactly one gazetteer name wins (دينامو كييف, معهد هاربين
   للتكنولوجيا, هانتر بايدن around a bare بايدن: another person); a gazetteer
   name covering the tagger span shrinks to it when what is cut is one leading
   cue word or trailing nisba forms (قطاع غزة -> غزة, keeping the id).
2b. Cue rules: a word after a place cue (حي، شارع، مدينة، إقليم...) -> LOC; a
   quoted title after بعنوان / برنامج / فيلم... -> MISC. (Club, media, title and
   speech-verb person cues were measured and hurt dev F1: left out.)
3. Ids of names the gazetteer does not know: ``<type>:auto:<fold(name)>``
   where :func:`fold` is a spelling-variant fold (غ/ج/ق, ي/ى, ة/ه, hamza
   seats, internal long vowels, spaces and hyphens), so ترامب / ترمب or
   شي جين بينغ / شي جينبينج get one id in every article. A fold that equals
   the fold of a gazetteer name takes the gazetteer's id instead.
4. Document consistency: a name found once (by any method) is found at its
   other occurrences in the same text (whole words, a proclitic allowed);
   a later bare surname of a person named in full earlier resolves to that
   person's id (unless two people named earlier share it).

That combination finds more names but adds too many wrong one-word guesses
on real news. The pipeline uses the **precise mode** instead
(``extract(text, PRECISE_OPTIONS)`` = :func:`extract_precise`, see the
section "precise mode" below): every gazetteer mention, plus only the names
the gazetteer does not know that :func:`decide` accepts (tagger persons with
evidence, organisations from a head noun and its extent, places after a place
cue), then a document pass over those names alone. Same ids as above.
"""
from __future__ import annotations

import bisect
import functools
import re
import unicodedata
import dataclasses
from dataclasses import dataclass

from flows import entities, tagger
from flows.entities import Mention

# --------------------------------------------------------------------------- folding

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


# --------------------------------------------------------------------------- resources

_ORG_HEADS = frozenset(entities.normalize(w) for w in """
وزارة جامعة معهد وكالة شركة منظمة حلف حزب جيش بنك مصرف هيئة مجلس حركة جمعية اتحاد الاتحاد البنك
صحيفة جريدة مجلة قناة إذاعة مؤسسة لجنة نادي النادي فريق منتخب جبهة مركز محكمة الجامعة المنظمة
الحزب الحركة المجلس الجمعية الهيئة المؤسسة اللجنة مجموعة صندوق الصندوق كلية أكاديمية مستشفى بورصة
الأمم الجيش قوات كتائب تنظيم التحالف تحالف رابطة نقابة الوكالة الشركة الوزارة المعهد المركز المحكمة
""".split())


@functools.lru_cache(maxsize=tagger.TYPE_CACHE_SIZE)
def _strip_clitic_norm(w: str) -> str:
    """Normalized word without و/ف/ب/ل/ك proclitics (لل -> ال)."""
    pre, st = tagger.strip_clitics(w)
    if pre.endswith("ال"):
        return "ال" + st
    return st


@functools.lru_cache(maxsize=1)
def _gaz_folds() -> dict:
    """fold(name) -> entity index for gazetteer names whose fold is unambiguous."""
    g = entities.load_gazetteer()
    import csv

    seen: dict[str, set] = {}
    with open(entities.DEFAULT_PATH, encoding="utf-8", newline="") as fh:
        for idx, r in enumerate(csv.DictReader(fh)):
            for n in [r["canonical_ar"], *[p for p in (r.get("aliases") or "").split("|") if p.strip()]]:
                k = fold(n)
                if len(k) >= 4:
                    seen.setdefault(k, set()).add(idx)
    assert len(g.entities) > 0
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


_SHRINK_HEADS = frozenset(tagger.normalize(w) for w in """
قطاع حركة منظمة مدينة منطقة محافظة ولاية إقليم جزيرة دولة جمهورية مملكة إمارة
""".split())


def _cue_shrink(text: str, gm: Mention, s: int, e: int) -> bool:
    """A gazetteer name shrinks to the tagger's span only when what is cut off is a
    whole leading cue word (قطاع غزة -> غزة, حركة حماس -> حماس) or whole trailing
    nisba adjectives (حزب الله اللبناني -> حزب الله); never بحر الصين الشرقي -> بحر الصين."""
    before, after = text[gm.start:s], text[e:gm.end]
    if before and after:
        return False
    if before:
        if not before.endswith(" "):
            return False
        words = before.split()
        return len(words) == 1 and tagger.normalize(words[0]) in _SHRINK_HEADS
    if not after.startswith(" "):
        return False
    mods = entities.load_gazetteer().modifiers  # nisba forms (اللبناني) and a few generic adjectives
    return all(entities.normalize(w) in mods for w in after.split())


@functools.lru_cache(maxsize=1)
def _geonames_cities() -> frozenset:
    g = entities.load_gazetteer()
    return frozenset(e.entity_id for e in g.entities if e.source == "geonames" and e.entity_id.startswith("loc:city:"))


# --------------------------------------------------------------------------- options

DEFAULT_OPTIONS = {
    "tagger": True,          # add tagger spans the gazetteer does not cover
    "tagger_stage2": False,  # the tagger's document-level stage: no dev gain here (our document pass does it), 2x time
    "longer_tagger": "all",  # none | org_head | org_head+per | all: a tagger span covering gazetteer mentions wins
    "shrink": "gaz_type",    # "" | gaz_type | tagger_type: a gazetteer name covering a tagger span shrinks to it
    "rules": ("LOC", "MISC_TITLE"),  # cue classes used; ORG_CLUB, PER_SAY, PER_TITLE hurt dev F1, ORG_MEDIA 0
    "rule_max_freq": 0,      # >0: a cue-found single word must be rarer than this in ANT
    "city_needs_tagger": True,  # a one-word GeoNames city counts only where the tagger sees a name too
    "extent_type": False,    # a tagger PER covering one gazetteer place is a place (كوت ديفوار): hurt dev F1
    "tagger_max_freq": 0,    # >0: a one-word tagger name must be rarer than this in ANT (common words)
    "gaz_fold_ids": True,    # an auto name whose fold equals a gazetteer name's fold takes its id
    "doc_consistency": True,  # a name found once is found at its other occurrences
    "surname": True,         # a bare surname after a full name -> that person
    "drop_gaz_types": (),    # gazetteer types not used as names (measured)
}

_WORD_RE = re.compile(r"[^\W\d_]+")
_tn = tagger._norm_cached  # cached letter normalisation (alef forms, ى, marks)
_CLITIC_PREFIXES = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")


def _mk(text: str, s: int, e: int, eid: str, typ: str, canonical: str, method: str, kind: str = "name") -> Mention:
    return Mention(s, e, text[s:e], eid, typ, canonical, method, kind)


def extract(text: str, options: dict | None = None) -> list[Mention]:
    """Entity mentions of ``text`` (see the module doc)."""
    if not text:
        return []
    opt = DEFAULT_OPTIONS if options is None else {**DEFAULT_OPTIONS, **options}
    if opt.get("precise"):
        return _extract_precise(text, opt)
    gaz = [m for m in entities.extract_mentions(text)
           if not (m.mention_kind == "name" and m.entity_type in opt["drop_gaz_types"])]
    taken = bytearray(len(text) + 1)
    chosen: list[Mention] = []
    for m in gaz:
        chosen.append(m)

    if opt["tagger"]:
        folds = _gaz_folds() if opt["gaz_fold_ids"] else {}
        g = entities.load_gazetteer()
        spans = tagger.tag_text(text, stage2=True) if opt["tagger_stage2"] else tagger.tag_text(text, stage2=False)
        # which gazetteer mentions each tagger span overlaps
        gstarts = [m.start for m in chosen]
        drop: set[int] = set()
        overlapped: set[int] = set()
        adds: list[Mention] = []
        for (s, e, typ) in spans:
            lo = bisect.bisect_left(gstarts, s - 200)
            over = [i for i in range(lo, len(chosen)) if chosen[i].start < e and s < chosen[i].end]
            if over:
                overlapped.update(over)
                surf = text[s:e]
                covers = (all(s <= chosen[i].start and chosen[i].end <= e for i in over)
                          and (e - s) > max(chosen[i].end - chosen[i].start for i in over))
                inside = (len(over) == 1 and chosen[over[0]].start <= s and e <= chosen[over[0]].end
                          and (e - s) < chosen[over[0]].end - chosen[over[0]].start)
                mode = opt["longer_tagger"]
                one_name = len(over) == 1 and chosen[over[0]].mention_kind == "name"
                if covers and mode != "none" and surf.split() and one_name:
                    first = _strip_clitic_norm(entities.normalize(surf.split()[0]))
                    if mode == "all" or (typ == "ORG" and first in _ORG_HEADS) or (
                            mode == "org_head+per" and typ == "PER"):
                        # the longer name wins: دينامو كييف over كييف, جامعة القاهرة over القاهرة,
                        # هانتر بايدن over a bare بايدن (another person unless its fold is a known spelling)
                        drop.update(over)
                        idx = folds.get(fold(surf))
                        if idx is not None:
                            ent = g.entities[idx]
                            adds.append(_mk(text, s, e, ent.entity_id, typ, ent.canonical_name,
                                            "tagger_gazetteer_variant"))
                        else:
                            t2 = typ
                            if (opt["extent_type"] and typ == "PER" and len(over) == 1
                                    and chosen[over[0]].entity_type == "LOC"):
                                t2 = "LOC"  # كوت ديفوار: a place name the tagger read as a person
                            adds.append(_mk(text, s, e, auto_id(t2, surf), t2, surf, "tagger_extent"))
                elif inside and opt["shrink"] and chosen[over[0]].mention_kind == "name" and _cue_shrink(
                        text, chosen[over[0]], s, e):
                    # قطاع غزة -> غزة, حركة حماس -> حماس: the name without its cue word, same entity
                    gm = chosen[over[0]]
                    drop.update(over)
                    t2 = gm.entity_type if opt["shrink"] == "gaz_type" else typ
                    adds.append(_mk(text, s, e, gm.entity_id, t2, gm.canonical, "gazetteer_core"))
                continue
            surf = text[s:e]
            if opt["tagger_max_freq"] and " " not in surf:
                if tagger._resources()["freq"].get(_tn(surf), 0) >= opt["tagger_max_freq"]:
                    continue
            k = fold(surf)
            idx = folds.get(k)
            if idx is not None:
                ent = g.entities[idx]
                adds.append(_mk(text, s, e, ent.entity_id, typ, ent.canonical_name, "tagger_gazetteer_variant"))
            else:
                adds.append(_mk(text, s, e, auto_id(typ, surf), typ, surf, "tagger"))
        if opt["city_needs_tagger"]:
            # single-word GeoNames cities that are also common words (وجده، العمارة، بيرا):
            # kept only where the tagger also sees a name
            for i, m in enumerate(chosen):
                if (i not in overlapped and m.mention_kind == "name" and m.entity_id in _geonames_cities()
                        and " " not in m.surface.strip()):
                    drop.add(i)
        chosen = [m for i, m in enumerate(chosen) if i not in drop] + adds
        chosen.sort(key=lambda m: (m.start, -m.end))

    for m in chosen:
        taken[m.start:m.end] = b"\x01" * (m.end - m.start)

    if opt["rules"]:
        chosen = chosen + _cue_rules(text, taken, opt)

    if opt["doc_consistency"] or opt["surname"]:
        chosen = _document_pass(text, chosen, taken, opt)
    return _sorted_non_overlapping(chosen)


def _sorted_non_overlapping(chosen: list[Mention]) -> list[Mention]:
    """Final guard of both modes: sorted by position, the first of overlapping mentions kept."""
    chosen = sorted(chosen, key=lambda m: (m.start, m.end))
    out: list[Mention] = []
    for m in chosen:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


def _cue_set(words: str) -> frozenset:
    return frozenset(tagger.normalize(w) for w in words.split())


# a name right after one of these words (clitics allowed on the cue) is of the given type
_CUES = {
    "ORG_CLUB": ("ORG", _cue_set("فريق الفريق نادي النادي منتخب")),
    "ORG_MEDIA": ("ORG", _cue_set("صحيفة جريدة مجلة قناة شبكة وكالة تلفزيون إذاعة")),
    "LOC": ("LOC", _cue_set("حي شارع بلدة بلدتي قرية مدينة منطقة إقليم محافظة ولاية العاصمة عاصمة جزيرة مخيم "
                            "ضاحية مقاطعة")),
    "PER_SAY": ("PER", _cue_set("قال قالت أضاف أضافت أكد أكدت أوضح أوضحت صرح صرحت أشار أشارت تابع")),
    "PER_TITLE": ("PER", _cue_set("الرئيس السيد السيدة الشيخ الأمير الدكتور الباحث المدرب اللاعب الفنان "
                                  "الفنانة المخرج الكاتب الزميل")),
}
_TITLE_CUES = _cue_set("بعنوان برنامج برنامجها برنامجه فيلم مسلسل كتاب أغنية ألبوم رواية مسرحية")
_OPEN_Q = {"«": "»", '"': '"', "'": "'", "“": "”"}
_STOP = _cue_set("""
في من إلى على عن مع أن إن أنه إنه التي الذي الذين هذا هذه ذلك تلك كان كانت لم لن قد ثم أو أم بعد قبل
خلال حيث كما أيضا اليوم أمس غدا كل بين عند حتى منذ لدى ضد نحو وفق عبر مثل غير الى علي ما لا هو هي هم
الجديد الجديدة الحالي الحالية السابق السابقة الأول الأولى العام الماضي المقبل الدولي الدولية الوطني الوطنية
""")


def _loose(word: str) -> str:
    return "".join("[اأإآٱ]" if c == "ا" else "[يى]" if c == "ي" else re.escape(c) for c in word)


@functools.lru_cache(maxsize=8)
def _cue_regex(rules: tuple) -> re.Pattern:
    words = set()
    for cls in rules:
        if cls in _CUES:
            words |= _CUES[cls][1]
    if "MISC_TITLE" in rules:
        words |= _TITLE_CUES
    words = sorted(words, key=len, reverse=True) or ["(?!)"]
    return re.compile("|".join(_loose(w) for w in words))


def _cue_rules(text: str, taken: bytearray, opt: dict) -> list[Mention]:
    """Names the tagger missed, from the word before them (see _CUES): فريق العربي -> ORG,
    بحي البياع -> LOC; a quoted title after بعنوان / برنامج -> MISC."""
    toks = tagger.tokenize(text)
    cue_of = {}
    for cls in opt["rules"]:
        if cls in _CUES:
            typ, words = _CUES[cls]
            for w in words:
                cue_of[w] = typ
    freq = tagger._resources()["freq"] if opt["rule_max_freq"] else None
    out: list[Mention] = []
    n = len(toks)
    # only words right after a word that contains a cue are looked at (a fast regex prefilter)
    starts = [a for a, _ in toks]
    cand = sorted({bisect.bisect_right(starts, m.start()) for m in _cue_regex(tuple(opt["rules"])).finditer(text)})
    for i in cand:
        if i < 1 or i >= n:
            continue
        s, e = toks[i]
        if taken[s]:
            continue
        ps, pe = toks[i - 1]
        if "\n" in text[pe:s]:
            continue
        prev = _tn(text[ps:pe])
        if "MISC_TITLE" in opt["rules"] and text[s:e] in _OPEN_Q and i >= 1:
            if _strip_clitic_norm(prev) in _TITLE_CUES or prev in _TITLE_CUES:
                close = _OPEN_Q[text[s:e]]
                j = i + 1
                while j < n and j - i <= 7 and text[toks[j][0]:toks[j][1]] != close and "\n" not in text[toks[j - 1][1]:toks[j][0]]:
                    j += 1
                if j < n and j > i + 1 and text[toks[j][0]:toks[j][1]] == close:
                    a, b = toks[i + 1][0], toks[j - 1][1]
                    if not any(taken[a:b]):
                        out.append(_mk(text, a, b, auto_id("MISC", text[a:b]), "MISC", text[a:b], "rule_title"))
                        taken[a:b] = b"\x01" * (b - a)
                continue
        typ = cue_of.get(prev) or cue_of.get(_strip_clitic_norm(prev))
        if typ is None:
            continue
        w = _tn(text[s:e])
        core = _strip_clitic_norm(w)
        if len(core) < 3 or not core.isalpha() or w in _STOP or core in _STOP or core in cue_of:
            continue
        if core.endswith(("ها", "هم", "هما", "نا")) and not core.startswith("ال"):
            continue  # جارتها, عاصمتهم: a noun with a pronoun, not a name
        if freq is not None and freq.get(w, 0) >= opt["rule_max_freq"]:
            continue
        cut = tagger.proclitic_len(text[s:e])
        a = s + cut if cut and s + cut < e else s
        surf = text[a:e]
        out.append(_mk(text, a, e, auto_id(typ, surf), typ, surf, "rule_cue"))
        taken[a:e] = b"\x01" * (e - a)
    return out


def _document_pass(text: str, chosen: list[Mention], taken: bytearray, opt: dict) -> list[Mention]:
    norm_words = [(m.start(), m.end(), _tn(m.group())) for m in _WORD_RE.finditer(text)]
    if not norm_words:
        return chosen
    # names found, as normalized token tuples -> (type, id, canonical), first position
    names: dict[tuple, tuple] = {}
    surnames: dict[str, set] = {}
    surname_at: dict[str, int] = {}
    person_info: dict[str, tuple] = {}
    for m in chosen:
        if m.mention_kind != "name":
            continue
        toks = tuple(_tn(w) for w in _WORD_RE.findall(m.surface))
        if not toks:
            continue
        toks = (_strip_clitic_norm(toks[0]),) + toks[1:] if m.method.startswith("tagger") else toks
        if len("".join(toks)) < 3:
            continue
        names.setdefault(toks, (m.entity_type, m.entity_id, m.canonical, m.start))
        if opt["surname"] and m.entity_type == "PER" and len(toks) >= 2:
            last = toks[-1]
            if len(last) >= 2 and entities.normalize(last) not in entities._NOT_SURNAMES:
                surnames.setdefault(last, set()).add(m.entity_id)
                person_info.setdefault(m.entity_id, (m.entity_type, m.entity_id, m.canonical, m.start))
                surname_at[last] = min(surname_at.get(last, m.start), m.start)
    first_tok: dict[str, list] = {}
    for toks, info in names.items():
        first_tok.setdefault(toks[0], []).append((toks, info))
    for v in first_tok.values():
        v.sort(key=lambda x: -len(x[0]))

    if opt["surname"]:
        # a one-word person the tagger found (وو) after a full name ending in it (جوزيف وو) is that person
        for k, m in enumerate(chosen):
            if m.method == "tagger" and m.entity_type == "PER" and " " not in m.surface:
                last = _strip_clitic_norm(_tn(m.surface))
                ids = surnames.get(last)
                if ids and len(ids) == 1 and surname_at[last] < m.start:
                    eid = next(iter(ids))
                    full = person_info[eid]
                    chosen[k] = _mk(text, m.start, m.end, eid, "PER", full[2], "surname")
    keys = set(first_tok) | set(surnames)
    out = list(chosen)
    n = len(norm_words)
    for i, (ws, we, w) in enumerate(norm_words):
        if taken[ws]:
            continue
        if not (w in keys or w[1:] in keys or w[2:] in keys or ("ا" + w[1:]) in keys or ("ا" + w[2:]) in keys
                or w[3:] in keys):
            continue
        for pre in _CLITIC_PREFIXES:
            if not w.startswith(pre) or len(w) - len(pre) < 2:
                continue
            rest = w[len(pre):]
            cands = [rest]
            if pre.endswith("ل") and pre and not rest.startswith("ال"):
                cands.append("ا" + rest if rest.startswith("ل") else None)  # لل + name with ال
            hit = None
            for c in cands:
                if not c:
                    continue
                if opt["doc_consistency"]:
                    for toks, info in first_tok.get(c, ()):
                        L = len(toks)
                        if i + L <= n and all(norm_words[i + k][2] == toks[k] for k in range(1, L)):
                            # the words must be contiguous (single spaces / nothing but spaces between)
                            if all(text[norm_words[i + k - 1][1]:norm_words[i + k][0]].strip() == ""
                                   for k in range(1, L)):
                                hit = (L, info, "doc_consistency")
                                break
                if hit is None and opt["surname"] and len(c) >= 3 and c in surnames and len(surnames[c]) == 1 \
                        and surname_at[c] < ws:
                    eid = next(iter(surnames[c]))
                    full = person_info[eid]
                    hit = (1, full, "surname")
                if hit:
                    break
            if hit:
                L, info, method = hit
                s = ws + _raw_offset(text[ws:we], len(pre)) if pre else ws
                e = norm_words[i + L - 1][1]
                if s < e and not any(taken[s:e]):
                    typ, eid, canonical, _ = info
                    out.append(_mk(text, s, e, eid, typ, canonical, method))
                    taken[s:e] = b"\x01" * (e - s)
                break
    return out


def _raw_offset(word: str, n_letters: int) -> int:
    """Index in the raw word after its first ``n_letters`` normalized letters."""
    k = i = 0
    while i < len(word) and k < n_letters:
        if entities.normalize(word[i]):
            k += 1
        i += 1
    while i < len(word) and not entities.normalize(word[i]):
        i += 1
    return i


def spans(text: str, options: dict | None = None) -> list[tuple[int, int, str]]:
    """(start, end, type) of the name mentions (nisba forms left out): the
    adapter :func:`flows.ner_eval.evaluate_spans` scores."""
    return [(m.start, m.end, m.entity_type) for m in extract(text, options) if m.mention_kind == "name"]



# =========================================================================== precise mode
#
# ``extract(text, PRECISE_OPTIONS)`` or :func:`extract_precise`: what the pipeline uses.
# Every gazetteer mention is kept as the gazetteer matcher finds it (a gazetteer place or
# nisba inside an accepted organisation name gives way to it: جامعة القاهرة); a name the
# gazetteer does not know is added only when :func:`decide` accepts it. Candidates come
# from three places, each carrying the evidence decide() needs:
#   - the tagger's person spans (PER);
#   - an organisation head noun (وزارة, جامعة, معهد, حزب ...) and the extent that
#     :func:`org_extent` reads after it (a genitive, adjectives, a لل complement);
#   - a place cue (مدينة, ولاية, إقليم, محافظة ...) and the name after it (LOC).
# The tagger's other spans (LOC, ORG, MISC without a cue) are never added on their own.
# A document pass then finds the accepted names again in the same text, and a later bare
# surname of an accepted person; gazetteer names are not propagated (the gazetteer finds
# its own, and weak aliases such as كيف need their context each time).

PRECISE_OPTIONS = {**DEFAULT_OPTIONS, "precise": True}

# ANT frequency (of the normalised word) under which an unknown word reads as a name
RARE_FREQ = 40
# how much more the tagger's word-type features favour O over a person label for a common word:
# 5 to 11 for قال, مدينة, خلال, هدف; under 3 for name words (خاشقجي 2.1, بلماضي 0.2, حسن -5)
COMMON_WORD_O_MARGIN = 4.0


def _nset(words: str) -> frozenset:
    return frozenset(entities.normalize(w) for w in words.split())


# never a name nor part of one: function words, pronouns, demonstratives, auxiliaries, time
# words, months (both families), weekdays, numbers and currencies, speech verbs, and the
# nouns news uses for states, sides and leaders
_P_STOP = _nset("""
في من إلى الى على عن مع أن إن أنه إنه أنها إنها لأن لكن لكنه ولكن أو أم ثم بل حتى إذا لو لولا كي لكي
ما ماذا لماذا كيف أين متى هل لا لم لن ليس ليست قد سوف كان كانت يكون تكون كانوا هذا هذه ذلك تلك
هؤلاء أولئك الذي التي الذين اللذان اللتان اللذين اللتين اللواتي اللاتي هو هي هم هن هما أنا نحن أنت أنتم
كل بعض جميع كافة عدة عدد غير سوى بين عند لدى ضد نحو وفق وفقا حسب بحسب عبر خلال منذ قبل بعد أمام خلف
فوق تحت حول دون إزاء تجاه رغم أيضا فقط جدا الآن هنا هناك حيث كما بينما عندما حين حينما إلا أي أية
يا نعم ذات نفس نفسه نفسها ذاته ذاتها أمام ولدت توفي توفيت
منه منها عليه عليها إليه إليها له لها لهم به بها فيه فيها عنه عنها
اليوم أمس غدا صباح مساء ليلة ليل نهار يوم أيام الأسبوع أسبوع الشهر شهر العام عام السنة سنة أعوام سنوات
الماضي الماضية المقبل المقبلة القادم القادمة الحالي الحالية الجاري الأخير الأخيرة الأول الأولى الثاني
الثانية الثالث الثالثة الرابع الخامس العاشر
يناير فبراير مارس أبريل إبريل مايو يونيو يونيه يوليو يوليه أغسطس سبتمبر أكتوبر نوفمبر ديسمبر
كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين
السبت الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة
واحد اثنان اثنين ثلاث ثلاثة أربع أربعة خمس خمسة ست ستة سبع سبعة ثمان ثماني ثمانية تسع تسعة عشر عشرة
مئة مائة ألف آلاف مليون ملايين مليار مليارات دولار دولارا دولارات يورو جنيه ريال درهم دينار روبل يوان
الدولة الدولتان الدولتين البلدين البلدان البلاد الحكومة الجانب الجانبان الجانبين الطرفين الطرفان
الزعيمان الزعيمين الرئيسان الرئيسين الشعب العالم المنطقة الغرب الشرق الشمال الجنوب الوحدة
قال قالت أضاف أضافت أكد أكدت أوضح أوضحت صرح صرحت أشار أشارت تابع تابعت ذكر ذكرت أعلن أعلنت
اعتبر اعتبرت رأى يرى نفى نفت دعا دعت التقى استقبل بحث أفاد أفادت شدد شددت قائلا مضيفا مؤكدا
""")

# person titles/roles right before a name (a one-word tagger person counts only after one)
_P_TITLES = _nset("""
الرئيس الرئيسة السيد السيدة الشيخ الشيخة الأمير الأميرة الملك الملكة السلطان الدكتور الدكتورة د
المستشار المستشارة الوزير الوزيرة الجنرال المشير اللواء العقيد العميد المقدم الرائد النقيب القائد
المرشد البابا الإمام السيناتور السناتور النائب النائبة الحاكم العاهل الباحث الباحثة الكاتب الكاتبة
الصحفي الصحفية الصحافي الصحافية المحلل المحللة الأستاذ الأستاذة البروفيسور المهندس المحامي المحامية
المدرب اللاعب الفنان الفنانة المخرج المطرب المطربة الممثل الممثلة النجم النجمة المغني المغنية الروائي
الشاعر الزعيم الداعية السفير السفيرة المبعوث المندوب المدير المديرة الأمين القاضي الكاردينال المطران
الحاخام المرشح المرشحة الناشط الناشطة الخبير الخبيرة الأكاديمي المؤرخ الفيلسوف المفكر الراحل الراحلة
المهاجم المدافع الحارس القس الضابط الجندي الشرطي المصرفي الملياردير المتهم الطالب الطالبة الشاب الشابة
الطفل الطفلة المواطن المواطنة المراسل المراسلة المذيع المذيعة المغرد الناشر المنتج الملحن المصور
""")
# heads of a title in construct: رئيس الوزراء X, وزير الخارجية X, المتحدث باسم الوزارة X
_P_TITLE_HEADS = _nset("""
رئيس رئيسة وزير وزيرة سفير سفيرة مدير مديرة أمين أمينة نائب نائبة مستشار مستشارة قائد قائدة زعيم زعيمة
ملك ملكة أمير أميرة حاكم مبعوث مبعوثة مندوب مندوبة عضو عضوة المتحدث المتحدثة الناطق الناطقة متحدث متحدثة
ناطق ناطقة مساعد مساعدة محافظ رئيسا مؤسس مالك مالكة صاحب صاحبة
""")
_P_TITLE_LINKS = _nset("باسم")

# organisation head nouns. Strong: head + one definite genitive is a name (وزارة الدفاع,
# مجلس النواب). Weak: the extent needs a name word in it (شركة أبل) or the tagger's agreement.
_O_STRONG = _nset("""
وزارة جامعة معهد وكالة منظمة حلف حزب بنك مصرف هيئة مجلس صحيفة جريدة مجلة نادي منتخب نقابة
رابطة أكاديمية بورصة محكمة اتحاد جمعية
""")
_O_WEAK = _nset("""
شركة مجموعة مركز لجنة صندوق مؤسسة حركة كلية مستشفى قناة فريق تحالف تنظيم جماعة إذاعة شبكة جيش
""")
# definite heads that make a name with a describing adjective (البنك المركزي, الحزب الشيوعي,
# الحرس الثوري); with a nationality alone they describe (الجيش الروسي, البرلمان الألماني)
_O_DEF = _nset("الجيش البرلمان الحرس الكونغرس الحزب البنك المجلس المحكمة الاتحاد")
_O_HEADS = _O_STRONG | _O_WEAK | _O_DEF
_FEDERATION = entities.normalize("الاتحاد")
# a head + only one of these is a common phrase, not a name (مجلس الإدارة, وكالة الأنباء)
_O_GENERIC_COMPLEMENT = _nset("""
الإدارة الأمناء التحقيق الطيران الأنباء الدولة البلاد المدينة الحكومة الشركة الحزب الجامعة الخبراء
الشعب العائلة الحي القرية الأحياء الطلاب الإعلام الأخبار السلام الحرب العاصمة الإمارة المملكة الولاية
المحافظة البلد الوطن المنطقة الإقليم الاحتياط الاحتلال الرئاسة
""")
# adjectives that describe rather than name (الحزب الحاكم, البنك الكبير)
_O_GENERIC_ADJ = _nset("""
الجديد الجديدة الحاكم السابق السابقة الحالي الحالية الكبير الكبيرة الأكبر الكبرى الرسمي الرسمية المحلي
المحلية الحكومي الحكومية الخاص الخاصة التابع التابعة المذكور المذكورة الرئيسي الرئيسية المعني المعنية
المختص المختصة المسؤول المسؤولة المشترك المشتركة الأخرى الآخر المختلفة الوحيد الوحيدة الأم المعارض
المعارضة الصغير الصغيرة الناشئة العملاق العملاقة الضخمة الشهير الشهيرة
""")
# adjectives without the -ي/-ية shape (المتحدة, العليا)
_O_ADJ_WORDS = _nset("""
المتحدة العليا الكبرى الأعلى العظمى العام العامة الحر الحرة المستقل المستقلة الموحد الموحدة المتحد
الأحمر الأخضر الأبيض الأسود
""")

# place cues: the name right after one is a place (one word, or the tagger's span)
# (not عاصمة: every capital is in the gazetteer, so what follows an unknown one is no capital)
_L_CUES = _nset("مدينة بلدة قرية محافظة ولاية إقليم مقاطعة جزيرة حي مخيم ضاحية ميناء منطقة")
_L_CUES_NEED_TAGGER = _nset("منطقة حي")  # منطقة الصراع, حي سكني: the tagger must agree
# words that start a place or saint's name before a person-looking one (سان بول دو فونس)
_P_PLACE_PREFIX = _nset("سان سانت سانتا")
# a name right after one of these (or an organisation head or place cue) names that thing,
# not a person: جسر بون نف, مطار جون كينيدي, شارع محمد علي
# a name does not end with one of these (ندى بو | فرحات, عبد | الله): the tagger stopped short
_CANAL = entities.normalize("قناة")
_P_PREP_PRONOUNS = _nset("لي له لها لهم لنا لك لكم معي معه معها عنه عنها منه منها إليه إليها")
_P_CONNECTORS = _nset("بو أبو ابو بن ابن بنت آل عبد أبي ولد دو دي دا دل ديل فان فون لا لو ال")
_P_THING_NOUNS = _nset("""
جسر شارع ساحة ميدان مطار ملعب استاد قاعة مسرح متحف برج فندق سجن قصر مبنى مسجد كنيسة كاتدرائية جادة
طريق نهر جبل سفينة حاملة قاعدة معبر مرفأ فيلم كتاب رواية مسلسل برنامج أغنية لوحة تمثال ألبوم مسرحية قصيدة
""")

_TANWEEN_RE = re.compile("[\u064b-\u064d]")
_QUOTES = frozenset('"\'«»“”„‘’')
_PRONOUN_SUFFIXES = ("ها", "هم", "هما", "هن", "نا", "كم")


@functools.lru_cache(maxsize=tagger.TYPE_CACHE_SIZE)
def _nw(word: str) -> str:
    """Matching form of a word (flows.normalize: ة -> ه, ى -> ي, alef forms, marks dropped)."""
    return entities.normalize(word)


@functools.lru_cache(maxsize=tagger.TYPE_CACHE_SIZE)
def _readings(n: str) -> tuple:
    """(proclitic, rest) readings of a normalised word: itself, without و/ف, without
    ب/ل/ك after that, and لل + x read as ال + x."""
    out = [("", n)]
    rests = [("", n)]
    if len(n) > 3 and n[0] in "وف":
        out.append((n[0], n[1:]))
        rests.append((n[0], n[1:]))
    for p, r in rests:
        if len(r) > 3 and r.startswith("لل"):
            out.append((p + "لل", "ال" + r[2:]))
        elif len(r) > 3 and r[0] in "بلك":
            out.append((p + r[0], r[1:]))
    return tuple(out)


_READING_IN: dict[frozenset, dict] = {}  # word set -> normalised word -> its first reading in the set


def _reading_in(n: str, words: frozenset):
    """The first (proclitic, rest) reading of n whose rest is in words, else None. Cached in
    one plain dict per word set rather than an lru_cache keyed by (word, set): such keys
    hold a set, so the garbage collector would walk every one of them."""
    cache = _READING_IN.get(words)
    if cache is None:
        cache = _READING_IN[words] = {}
    try:
        return cache[n]
    except KeyError:
        pass
    found = _first_reading(n, words)
    if len(cache) > tagger.TYPE_CACHE_SIZE:
        cache.clear()
    cache[n] = found
    return found


def _first_reading(n: str, words: frozenset):
    """:func:`_reading_in` uncached, for callers that cache their own answer per word."""
    for p, r in _readings(n):
        if r in words:
            return p, r
    return None


def _ant_freq(word: str) -> int:
    """Occurrences of a word (as written; a proclitic already cut off) in ANT, from the
    tagger's word list; without the list every word counts as common, so nothing is
    accepted for being rare."""
    try:
        freq = tagger._resources()["freq"]
    except Exception:  # pragma: no cover - the tagger's resources are its own business
        freq = None
    if not freq:
        return RARE_FREQ
    return freq.get(tagger.normalize(word), 0)


def _modifiers() -> frozenset:
    return entities.load_gazetteer().modifiers


def _adjective_like(w: str) -> bool:
    """A definite adjective by list or shape: الروسي, الروسية, الدولية, المتحدة, العليا."""
    if not w.startswith("ال"):
        return False
    if w in _O_ADJ_WORDS or w in _modifiers():
        return True
    return len(w) >= 5 and w.endswith(("ي", "يه", "يين", "يون"))


_KIN_BASES = _nset("""
ابن ابنة بنت زوج زوجة شقيق شقيقة والد والدة نجل نجلة أخ أخت أخو أخي عم عمة خال خالة حفيد حفيدة جد جدة
صديق صديقة زميل زميلة نظير نظيرة مساعد مساعدة رفيق رفيقة خطيب خطيبة حبيب حبيبة شريك شريكة
""")
_KIN_PRONOUN = frozenset(b2 + suf for b in _KIN_BASES for b2 in {b, b[:-1] + "ت" if b.endswith("ه") else b}
                         for suf in ("ه", "ها", "هم", "هما", "هن", "ي", "نا", "ك", "كم"))


def _name_like(w: str, raw: str) -> bool:
    """Could be (part of) a name: at least two letters, no digit or Latin letter, no tanween,
    not a stop word, title, organisation head, place cue or nisba form, no possessive
    suffix on an indefinite word, not a kinship noun with a pronoun (ابنه فيليبي)."""
    if len(w) < 2 or not w.isalpha() or w.isascii() or _TANWEEN_RE.search(raw):
        return False
    if w in _P_STOP or w in _P_TITLES or w in _P_TITLE_HEADS or w in _modifiers() or w in _O_HEADS \
            or w in _L_CUES:
        return False
    if not w.startswith("ال") and len(w) >= 5 and w.endswith(_PRONOUN_SUFFIXES):
        return False
    if _reading_in(w, _KIN_PRONOUN):  # ابنه, زوجته, لابنه: "his son", not a name
        return False
    return True


def _has_clitic(raw: str) -> bool:
    """The word reads better as a proclitic + a known word (باستخدام, لملاقاة, وجامعته)."""
    n = _nw(raw)
    if tagger.proclitic_len(raw) > 0:
        return True
    for p, r in _readings(n)[1:]:
        if not p.endswith("لل") and len(r) >= 3 and (r in _O_HEADS or r in _P_STOP or
                                                    _ant_freq(raw[len(p):]) >= max(RARE_FREQ, 4 * _ant_freq(raw))):
            return True
    return False


@functools.lru_cache(maxsize=1)
def _first_names() -> frozenset:
    """Normalised first names (seeds/gazetteer/first_names.txt)."""
    path = entities.DEFAULT_PATH.parent / "first_names.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(_nw(w.strip()) for w in lines if w.strip() and not w.lstrip().startswith("#"))


@dataclass(frozen=True)
class Candidate:
    """A name the gazetteer does not know, with the evidence :func:`decide` judges.

    typ: PER, ORG or LOC. words: normalised words of the span (proclitic off, لل read as ال);
    raw: the words as written. source: "tagger" (a tagger person span), "org_head" (head noun
    + extent), "place_cue" (a place cue + the name after it).
    cue: for PER "title" when a person title/office ends right before it; for LOC the cue.
    head, head_definite, parts: for ORG the head noun and the kind of each extent word:
      "def" a definite genitive, "adj" an adjective, "nisba" a gazetteer nisba form,
      "lil" a لل complement, "propn" an unknown name word, "gaz_loc" a gazetteer place,
      "gaz_misc" a gazetteer event or competition (رابطة الدوري الإسباني).
    after: what stopped the extent: "" | "conj" (و + a definite word or name: coordination,
      the extent is unclear) | "lil" (a لل word it could not take) | "org" (another
      organisation's name in apposition).
    before, after (PER): what touches the span: "pronoun_after_verb" (a bare هو/هي between a
      speech verb and the span: وقال هو تيانج بون, the pronoun is part of the name),
      "hyphen" (مون جيه- إن), "place_prefix" (سان بول دو فونس), "thing_noun" (a bridge,
      street, airport, organisation head...: جسر بون نف names the bridge), "first_name" (a
      first name right before: فاليري جيسكار ديستان, الوليد بن طلال), "title_gap" (a name word between a
      title and the span: المدرب ديدييه | ديشان), "hashtag" (ايمانويل #ماكرون),
      "clitic_cut" (the tagger cut ب/ل/ك off
      a word right after punctuation: ، ب|راين شاتز), "name_word" (an unknown name-like
      word right after), "surname" (it starts with the last word of another person named in
      the text: كالايو رسالتين after ايمانويل كالايو): the tagger's extent is doubtful.
      For ORG after="tagger_longer": the tagger's span over the end of the extent goes on
      (نادي ليدز | يونايتد); "construct": an unknown word followed by a definite noun (لجنة
      تسعير المحروقات: a common noun in construct); "gaz_prefix": the next word starts a
      known multi-word name the
      gazetteer did not match (a misspelling or a missing space: وكالة | أسوشيتد برسوقال).
      "nationality": a nationality adjective right after (ريد بول سالزبورغ النمساوي: clubs
      and companies are described so, people get theirs before the name).
      For LOC before="org_head" when the cue itself follows an organisation head (فريق مدينة
      مانشستر: a team's name); after="adjective" when a definite adjective other than a
      nationality follows (حي الحجر | الأسود: the name goes on).
      For ORG also after="hyphen" (شركة هارلي | -ديفيدسون).
    tagger: the tagger reads a name over exactly this span (a person for PER).
    overlaps: gazetteer mentions the span overlaps: "PER", "LOC", "ORG", "MISC" or "nisba".
    rare: every word is rare in ANT (reads as a name rather than a common word).
    known_as: for PER "ORG" when the same words are the name part of an organisation accepted
      in the same text (شركة كريمسون هيكساغون ... كريمسون هيكساغون: the company, not a
      person); for ORG "PER" when its name part is a person named with a first name or title
      in the same text (فريق صومايلا سيسي: the person's camp, not an organisation).
    evidence: for PER what besides the tagger says "a person" (:func:`_person_evidence`):
      "first_name", "title" (a title, role or nationality right before, or a title then the
      name between commas), "speech" (a speech
      verb or يدعى right before), "apposition" (، الذي / ، وهو / a role right after), "list"
      (the next name of a list whose previous name has evidence), or "".
    """
    typ: str
    words: tuple
    raw: tuple
    source: str
    cue: str = ""
    head: str = ""
    head_definite: bool = False
    parts: tuple = ()
    after: str = ""
    before: str = ""
    tagger: bool = False
    overlaps: tuple = ()
    rare: bool = False
    known_as: str = ""
    evidence: str = ""
    sports: bool = False  # the text is sports news (:func:`entities.is_sports_text`)


def decide(c: Candidate) -> tuple[bool, str]:
    """Whether a careful reader would accept the candidate as a name of its type, and the
    rule that says so. Every addition of the precise mode passes through here.

    All: no overlap with a gazetteer name (an ORG may contain gazetteer places and nisba
      forms: جامعة القاهرة, وزارة الخارجية الروسية); every word name-like (:func:`_name_like`);
      PER/LOC: no و + definite word inside (اليرموك والحجر الأسود: two names).
    PER (a tagger span): two or more words with evidence besides the tagger (a known first
      name, a title/role/nationality or speech verb before, an apposition after, or the
      previous name of a list); one word only right after a person title or office. Not when
      the same words name an organisation accepted in the text, nor when
      its extent is doubtful (see before/after, or it ends with a name
      connector: ندى بو | فرحات), nor with a common adjective in it (شون الإيجابي), nor
      starting with a definite word (الكاميروني إيتو) or with و/ف unless that is a first
      name (وأرين روبن).
    ORG (a head noun + :func:`org_extent`; in sports news الاتحاد + one nationality is the
      national federation: الاتحاد الإنجليزي): a non-empty extent that ends cleanly (not before
      و + a definite word, a لل word it could not take, or another organisation's name).
      Indefinite strong head (وزارة, مجلس ...): a genitive or name first, and not a
      common complement alone (مجلس الإدارة). Weak head (شركة, مركز ...): a name word or
      gazetteer place in the extent, or the tagger agreeing. Definite head (الجيش, الحزب
      ...): adjectives only, the first one naming (not الحاكم/الجديد), and not a nationality
      alone (الجيش الروسي is a description).
    LOC (a place cue): the tagger reads a name over the words after the cue, or one
      indefinite word that is rare in ANT; after منطقة / حي the tagger must agree; not when
      the cue follows an organisation head (فريق مدينة مانشستر), nor when the name ends
      with a connector or saint prefix (بلدة سانت | إيتيان, منطقة إيل دو | فرانس) or an
      adjective other than a nationality follows (حي الحجر | الأسود).
    """
    if not c.words:
        return False, "empty"
    if c.typ == "ORG":
        if any(o in ("PER", "ORG") for o in c.overlaps) or ("MISC" in c.overlaps and "gaz_misc" not in c.parts):
            return False, "overlaps_gazetteer_name"
    elif c.overlaps:
        return False, "overlaps_gazetteer"
    if c.typ != "ORG" and any(w[:3] == "وال" for w in c.words[1:]):
        return False, "coordination"  # اليرموك والحجر الأسود: two names, not one
    if c.typ == "PER":
        if c.source not in ("tagger", "title_first_name"):
            return False, "person_needs_tagger"
        if not all(_name_like(w, r) for w, r in zip(c.words, c.raw)):
            return False, "not_name_like"
        if c.known_as:
            return False, "person_is_organisation_name"
        if c.before or c.after or c.words[-1] in _P_CONNECTORS:
            return False, "person_extent_unclear"
        if any(w.startswith("ال") and _adjective_like(w) and _ant_freq(r) >= 100 for w, r in zip(c.words, c.raw)):
            return False, "person_common_adjective"  # شون الإيجابي
        if c.words[0].startswith("ال"):
            return False, "person_starts_definite"  # الكاميروني إيتو: a nisba before the name
        if c.words[0][:1] in "وف" and c.words[0] not in _first_names():
            return False, "person_starts_with_conjunction"  # وأرين روبن
        if len(c.words) >= 2:
            if not c.evidence:
                return False, "person_without_evidence"
            return True, "person_multiword"
        if c.cue != "title":
            return False, "person_one_word_without_title"
        return True, "person_after_title"
    if c.typ == "ORG" and c.source == "quoted":
        # :func:`quoted_name` checked the words; a gazetteer place inside is replaced
        return True, "org_quoted_name"
    if c.typ == "ORG":
        if c.source != "org_head":
            return False, "org_needs_head"
        ext, parts = c.words[1:], c.parts
        if not ext or len(ext) != len(parts):
            return False, "org_head_alone"
        if c.known_as:
            return False, "org_is_person_name"  # فريق صومايلا سيسي: the person's camp
        if c.after:
            return False, "org_extent_unclear"
        if not all(p in ("gaz_loc", "gaz_misc", "nisba", "adj", "lil") or _name_like(w, r)
                   for w, r, p in zip(ext, c.raw[1:], parts)):
            return False, "not_name_like"
        if c.head_definite:
            if not all(p in ("adj", "nisba", "lil") for p in parts) or parts[0] == "lil":
                return False, "org_definite_head_needs_adjectives"
            if ext[0] in _O_GENERIC_ADJ:
                return False, "org_generic_adjective"
            if all(p == "nisba" for p in parts) and len(parts) == 1 and c.head == _FEDERATION and c.sports:
                return True, "org_national_federation"  # الاتحاد الإنجليزي in sports news: the FA
            if all(p == "nisba" for p in parts):
                return False, "org_definite_head_nationality_only"  # الجيش الروسي: a description
            return True, "org_definite_head_adjective"
        if parts[0] in ("adj", "nisba", "lil"):
            return False, "org_head_then_adjective"  # شركة الروسية, وكالة للأنباء: no genitive
        if "gaz_misc" in parts and c.head not in _O_STRONG:
            return False, "org_event_after_weak_head"  # تنظيم كأس العالم: organising it, not a body
        if c.head in _O_WEAK and not any(p in ("propn", "gaz_loc") for p in parts) and not c.tagger:
            return False, "org_weak_head_without_name"
        if len(ext) == 1 and ext[0] in _O_GENERIC_COMPLEMENT:
            return False, "org_generic_complement"
        return True, "org_head_extent"
    if c.typ == "LOC":
        if c.source != "place_cue":
            return False, "place_needs_cue"
        if not all(_name_like(w, r) for w, r in zip(c.words, c.raw)):
            return False, "not_name_like"
        if c.before == "org_head":
            return False, "place_in_organisation_name"
        if c.words[-1] in _P_CONNECTORS or c.words[-1] in _P_PLACE_PREFIX or c.after:
            return False, "place_extent_unclear"  # بلدة سانت | إيتيان, منطقة إيل دو | فرانس
        if c.tagger:
            return True, "place_after_cue_tagger"
        if c.cue in _L_CUES_NEED_TAGGER:
            return False, "place_cue_needs_tagger"
        if len(c.words) == 1 and not c.words[0].startswith("ال") and c.rare:
            return True, "place_after_cue_rare_word"
        return False, "place_common_word"
    return False, "type_not_added"


# --------------------------------------------------------------------------- precise: tokens

@dataclass(slots=True)
class _Tok:
    s: int
    e: int
    raw: str
    n: str          # normalised
    word: bool      # letters only
    nl: bool        # a line break between the previous token and this one
    gaz: int = -1   # index of the gazetteer mention overlapping the token, -1 if none
    cue: bool = False    # an organisation head or a place cue (:func:`_is_cue_word`)
    thing: bool = False  # a war, exercise, competition or building head (:func:`_is_thing_head`)


@functools.lru_cache(maxsize=tagger.TYPE_CACHE_SIZE)
def _word_info(raw: str) -> tuple:
    n = _nw(raw)
    word = bool(n) and n.isalpha()
    return n, word, word and _is_cue_word(n), word and _is_thing_head(n)


def _tokens(text: str, gaz: list[Mention], spans: list[tuple[int, int]] | None = None) -> list[_Tok]:
    toks = []
    append = toks.append
    prev_e = gi = 0
    ng = len(gaz)
    has_nl = "\n" in text
    for s, e in (tagger.tokenize(text) if spans is None else spans):
        raw = text[s:e]
        n, word, cue, thing = _word_info(raw)
        g = -1
        if gi < ng:
            while gi < ng and gaz[gi].end <= s:
                gi += 1
            if gi < ng and gaz[gi].start < e:
                g = gi
        append(_Tok(s, e, raw, n, word, has_nl and "\n" in text[prev_e:s], g, cue, thing))
        prev_e = e
    return toks


@functools.lru_cache(maxsize=tagger.TYPE_CACHE_SIZE)
def _is_cue_word(n: str) -> bool:
    """The word (a proclitic allowed) is an organisation head or a place cue; cached per word."""
    return _first_reading(n, _O_HEADS) is not None or _first_reading(n, _L_CUES) is not None


def _strip_conj(n: str) -> str:
    """A definite word without a و/ف clitic (والروسي -> الروسي)."""
    return n[1:] if n[:1] in "وف" and n[1:3] == "ال" else n


def _title_before(toks: list[_Tok], i: int) -> bool:
    """A person title or office ends right before token i: الرئيس X, الرئيس الروسي X,
    رئيس الوزراء الهندي X, وزير خارجية تايوان X, المتحدث باسم الخارجية X."""
    j = i
    for _ in range(2):  # nationality / adjectives between the title and the name
        if j - 1 >= 0 and toks[j - 1].word and not toks[j].nl and _adjective_like(_strip_conj(toks[j - 1].n)):
            j -= 1
    j -= 1
    if j < 0 or not toks[j].word or toks[j + 1].nl:
        return False
    if _reading_in(toks[j].n, _P_TITLES):
        return True
    # construct: up to three complement words back to a title head (وزير الخارجية, المتحدث باسم
    # الكرملين, رئيس بلدية باريس, نائبة حزب المحافظين)
    k = j
    for _ in range(3):
        if k < 0 or not toks[k].word or toks[k + 1].nl:
            return False
        n = toks[k].n
        if n in _P_STOP or _reading_in(n, _SURNAME_CONTEXT) or (n[:1] in "وفبل" and not n.startswith("ال")
                                                             and _has_clitic(toks[k].raw)):
            return False
        k -= 1
        if k >= 0 and toks[k].word and not toks[k + 1].nl and _reading_in(toks[k].n, _P_TITLE_HEADS):
            return True
    return False


_P_PRONOUNS = _nset("هو هي")


def _person_before(text: str, toks: list[_Tok], a: int, s: int) -> str:
    """What right before a tagger person span (first token a, start s) makes its extent
    doubtful (see :class:`Candidate`), or ""."""
    if s > 0 and text[s - 1] in "-\u2010\u2011":
        return "hyphen"
    if toks[a].s < s and "ك" in _nw(text[toks[a].s:s]):
        return "clitic_cut"  # ك glued to a name is rare; the name more likely starts with it (وكلاي)
    if toks[a].s < s and _nw(text[toks[a].s:s])[-1:] in ("ب", "ل"):
        # the tagger cut ب/ل/ك off the first word: doubtful after punctuation or a title (a
        # preposition rarely stands there: السفير ب|سام راضي), or when the whole word is itself
        # a first name (بسام, لاري)
        if a == 0 or not toks[a - 1].word or _reading_in(toks[a - 1].n, _P_TITLES) \
                or toks[a].n in _person_first_words():
            return "clitic_cut"
    p = a - 1
    if p >= 1 and not toks[p].word and toks[p].raw in _QUOTES and not toks[a].nl:
        p -= 1  # صحيفة "ديارو دي إيبيزا": look past an opening quote for the noun
    if p >= 0 and toks[p].word and not toks[p + 1].nl and _reading_in(toks[p].n, _U_THING) and not (
            p >= 1 and toks[p - 1].word and not toks[p].nl and _reading_in(toks[p - 1].n, _P_TITLE_HEADS)) \
            and not (_reading_in(toks[p].n, _TEAM_OF) and toks[a].n in _first_names()):
        # (not after a title in construct: رئيس البرلمان سليم الجبوري is the speaker himself; nor a
        # first name after فريق: فريق تامر حسني is the singer's team, the name is his)
        return "thing_noun"
    if a == 0 or not toks[a - 1].word or toks[a].nl or toks[a].s < s:
        return ""
    prev = toks[a - 1].n
    if prev in _P_PLACE_PREFIX:
        return "place_prefix"
    if prev in _P_PRONOUNS and a >= 2 and toks[a - 2].word and _reading_in(toks[a - 2].n, _SURNAME_CONTEXT):
        return "pronoun_after_verb"
    if _first_name_word(prev):
        return "first_name"  # فاليري | جيسكار ديستان, الوليد | بن طلال
    if (toks[a - 1].gaz < 0 and not prev.startswith("ال") and _name_like(prev, toks[a - 1].raw)
            and not _has_clitic(toks[a - 1].raw) and a >= 2 and toks[a - 2].word and not toks[a - 1].nl
            and _reading_in(toks[a - 2].n, _P_TITLES)):
        return "title_gap"  # المدرب ديدييه | ديشان: the name starts right after the title
    return ""


_TEAM_OF = _nset("فريق")
_P_NAMED = _nset("يدعى تدعى المدعو المدعوة اسمه اسمها إخراج تأليف بطولة بقيادة")
# roles in construct right after a name (بوفون حارس يوفنتوس)
_P_ROLE_HEADS = _nset("حارس لاعب مهاجم مدافع مدرب نجم قائد زوج زوجة ابن ابنة والد والدة شقيق شقيقة")
_P_APPOSITION = _nset("الذي التي وهو وهي هو هي")
# first names of other languages as Arabic news writes them (seeds/gazetteer/first_names.txt
# holds mostly Arabic ones)
_FOREIGN_FIRST_NAMES = _nset("""
براين بريان
جون جورج جيمس جوزيف ديفيد دافيد مايكل مايك روبرت ريتشارد تشارلز توماس توم بيتر بول باول مارك ماركو
ماركوس ستيفن ستيف أندرو اندرو آندرو أندريه اندريه أندريا انطونيو أنطونيو أنطوان انطوان لويس لوي لويجي
خوسيه خوان كارلوس كارل فرانك فرانسوا فرانسيس فرانشيسكو باتريك بيير جان جاك ماري ماريا ماريانو مارتن
ميشال ميشيل ميخائيل سيرغي سيرجي سيرجيو سيرخيو نيكولا نيكولاس نيكولاي فلاديمير ديمتري دميتري أليكسي
ألكسندر الكسندر أليكسندر يوري إيغور ايغور أوليغ يفغيني بوريس إيفان ايفان هنري هانز كلاوس إيمانويل
ايمانويل إدوارد ادوارد فيليب فيليبي ليونيل كريستيانو كريستيان كريستوفر كريس هوغو رونالد جيري لاري
هيلاري باراك دونالد نيكي سارة آنا إيما إليزابيث كاثرين جينيفر ستيفاني ديانا كيت تيريزا أنجيلا سيلفيو
ماتيو أليساندرو دانيال دانييل صامويل إريك اريك ماثيو جوليان باولو بابلو رافائيل أوليفييه أوليفر
ويليام وليام هاري جاستن جاك سيمون برنارد برنار ألفريد روبرتو ريكاردو فرناندو دييغو خافيير غابرييل
""")


@functools.lru_cache(maxsize=1)
def _person_first_words() -> frozenset:
    """First names: seeds/gazetteer/first_names.txt, the first words of the gazetteer's persons,
    and common first names of other languages."""
    import csv

    out = set(_first_names()) | _FOREIGN_FIRST_NAMES
    with open(entities.DEFAULT_PATH, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["entity_type"] == "PER":
                for name in [r["canonical_ar"], *(r.get("aliases") or "").split("|")]:
                    words = _nw(name).split()
                    if len(words) > 1 and words[0] not in _P_TITLES and words[0] not in _P_TITLE_HEADS:
                        out.add(words[0])
    return frozenset(out)


def _first_name_word(n: str) -> bool:
    """A normalised word that is a first name (with or without ال: الوليد), not a stop word or
    title: a name right after it is probably longer than it looks."""
    if not n or n in _P_STOP or n in _P_CONNECTORS or _reading_in(n, _U_TITLE_SPEECH):
        return False
    names = _person_first_words()
    return n in names or (n.startswith("ال") and n[2:] in names)


def _person_evidence(text: str, toks: list[_Tok], a: int, b: int, s: int, words: tuple) -> str:
    """What, besides the tagger, says that tokens a..b-1 (starting at s) name a person
    (see :class:`Candidate`), or ""."""
    if words and words[0] in _person_first_words() and (words[0] not in _P_CONNECTORS or (
            words[0] == "عبد" and len(words) >= 3)):  # عبد الحميد غل: a compound first name
        return "first_name"
    if _title_before(toks, a):
        return "title"
    if a >= 2 and not toks[a - 1].word and toks[a - 1].raw in "،," and _title_before(toks, a - 1) \
            and (b >= len(toks) or (not toks[b].word and toks[b].raw[:1] in "،,.")):
        # the name set off by commas after a title: رئيس الوزراء الإيطالي، جوزيبي كونتي،
        return "title"
    p = a - 1
    if p >= 0 and toks[p].word and not toks[a].nl and toks[a].s == s:
        n = toks[p].n
        if _reading_in(n, _U_SPEECH_NAMED):
            return "speech"
        m = _strip_conj(n)
        if m in _modifiers() or (m.startswith("ال") and m.endswith(("ي", "يه")) and len(m) >= 6):
            return "title"  # a nationality right before: والأوروغوياني إدينسون كافاني
    if b < len(toks) and not toks[b].word and toks[b].raw in "،," and b + 1 < len(toks) and toks[b + 1].word:
        n = toks[b + 1].n
        if n in _P_APPOSITION or _reading_in(n, _U_TITLE_ANY):
            return "apposition"
    if b < len(toks) and toks[b].word and _reading_in(toks[b].n, _U_TITLE_ROLE) \
            and not toks[b].nl:
        return "apposition"  # جيانلويجي بوفون حارس يوفنتوس
    if b + 1 < len(toks) and toks[b].raw == "(" and toks[b + 1].raw[:1].isdigit():
        return "apposition"  # an age or a minute: ماتيو بوليتانو (25)
    return ""


@functools.lru_cache(maxsize=tagger.TYPE_CACHE_SIZE)
def _tagger_name_word(raw: str) -> bool:
    """The tagger's word-type features (the word, its stem, affixes, clusters learned on ANT)
    do not read the word as clearly not a name: O beats the person labels by less than
    COMMON_WORD_O_MARGIN. Word frequency cannot tell: خاشقجي is frequent in 2018 news."""
    v = tagger.get_models()["stage1"].type_vec(raw)[tagger.OFFSETS.index(0)]
    o, b_per, i_per = (tagger.LABELS.index(x) for x in ("O", "B-PER", "I-PER"))
    return float(v[o] - max(v[b_per], v[i_per])) < COMMON_WORD_O_MARGIN


def titled_first_names(toks: list[_Tok], taken: set[int]) -> list[tuple[int, int]]:
    """(first token, index after the last) of each name that a title, office or nationality
    introduces and that starts with a known first name, where no token is in `taken`: the
    first name and one to three name words after it, none of them a gazetteer name, a word
    with a clitic, or a common word (:func:`_tagger_name_word`): الإعلامي السعودي
    جمال خاشقجي, المدرب جمال بلماضي. The tagger misses such names when the first name is also
    a common noun (جمال "beauty")."""
    out = []
    n_tok = len(toks)
    firsts = _person_first_words()
    for i, t in enumerate(toks):
        if not t.word or t.gaz >= 0 or i in taken or t.n not in firsts or t.n in _P_CONNECTORS:
            continue
        if not (_title_before(toks, i) or (i > 0 and toks[i - 1].word and not t.nl
                                           and _strip_conj(toks[i - 1].n) in _modifiers())):
            continue
        b = i + 1
        while b < n_tok and b - i <= 3 and toks[b].word and not toks[b].nl and toks[b].gaz < 0 \
                and b not in taken and _name_like(toks[b].n, toks[b].raw) and not _has_clitic(toks[b].raw) \
                and not _adjective_like(toks[b].n) and _tagger_name_word(toks[b].raw):
            b += 1
        # a known person's name right after: the name goes on (الرئيس دونالد جيه ترامب)
        goes_on = b < n_tok and toks[b].gaz >= 0 and not toks[b].nl and toks[b].word
        if b > i + 1 and not goes_on:
            out.append((i, b))
    return out


def _person_after(text: str, toks: list[_Tok], b: int, e: int) -> str:
    """What right after a tagger person span (token after it b, end e) makes its extent
    doubtful, or ""."""
    if e < len(text) and text[e] in "-\u2010\u2011":
        return "hyphen"
    if text[e:e + 2].lstrip().startswith("#"):
        return "hashtag"  # الرئيس الفرنسي ايمانويل #ماكرون
    if b >= len(toks) or not toks[b].word or toks[b].nl:
        return ""
    if toks[b].gaz >= 0:
        return "nationality" if toks[b].n in _modifiers() and toks[b].n.startswith("ال") else ""
    n, raw = toks[b].n, toks[b].raw
    if not n.startswith("ال") and n[:1] not in "وفبل" and _name_like(n, raw) and (
            _ant_freq(raw) < 5 or n in _first_names()):
        return "name_word"  # السفير كمال حسن | علي: Arabic names chain first names
    return ""


@functools.lru_cache(maxsize=1)
def _gaz_first_words() -> frozenset:
    """First words of the gazetteer's multi-word names and aliases (normalised) that are not
    words of their own in the gazetteer."""
    import csv

    firsts, singles = set(), set()
    with open(entities.DEFAULT_PATH, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            for name in [r["canonical_ar"], *(r.get("aliases") or "").split("|")]:
                words = _nw(name).split()
                if len(words) > 1:
                    firsts.add(words[0])
                elif words:
                    singles.add(words[0])
    return frozenset(firsts - singles)


def org_extent(toks: list[_Tok], i: int, gaz: list[Mention], tagged: dict) -> tuple[int, tuple, str]:
    """Extent of the organisation name whose head noun is token i: (index after its last
    token, the kind of each extent word, what stopped it; see :class:`Candidate`).

    After an indefinite head: one definite genitive (الخارجية) or unknown name words (هوفر,
    نانيانغ: rare in ANT or inside a tagger span) or a gazetteer place (القاهرة), then
    adjectives and gazetteer nisba forms (الروسية, الدولية, المتحدة) and one لل complement
    after a name or an adjective (للتكنولوجيا). After a definite head (الجيش): adjectives
    only. It stops at punctuation, a line break, a digit, a stop word, title or speech verb,
    a word with a clitic, a second definite noun, another head noun, after 6 words."""
    head_def = _readings(toks[i].n)[-1][1].startswith("ال") if _reading_in(toks[i].n, _O_DEF) else False
    kinds: list[str] = []
    state = "adj" if head_def else "start"
    j = i + 1
    n_tok = len(toks)
    while j < n_tok and len(kinds) < 6:
        t = toks[j]
        if not t.word or t.nl:
            break
        n = t.n
        if t.gaz >= 0:
            m = gaz[t.gaz]
            if m.start != t.s:  # a clitic before a gazetteer name: وروسيا, لروسيا
                return j, tuple(kinds), "conj" if n[0] in "وف" else ""
            if m.mention_kind == "name" and m.entity_type == "ORG":
                return j, tuple(kinds), "org"
            # a country name that is also its feminine nisba (السعودية) after a genitive is the adjective
            # of a feminine head (وزارة الخارجية السعودية; not الاتحاد | السعودية)
            as_nisba = m.mention_kind == "nisba" or (
                state in ("def", "adj") and m.entity_type == "LOC" and n.startswith("ال") and n.endswith("يه")
                and " " not in m.surface and _readings(toks[i].n)[-1][1].endswith("ه"))
            if as_nisba and state != "start" or (
                    m.mention_kind == "name" and m.entity_type in ("LOC", "MISC") and state == "start"):
                # a place or a named event right after the head: جامعة القاهرة, رابطة الدوري الإسباني
                k = j
                while k < n_tok and toks[k].gaz == t.gaz:
                    k += 1
                kind = "nisba" if as_nisba else ("gaz_loc" if m.entity_type == "LOC" else "gaz_misc")
                kinds.extend([kind] * (k - j))
                j = k
                state = "adj" if kind == "nisba" else "place"  # then adjectives or a لل complement
                continue
            break
        if n in _P_STOP or n in _P_TITLES or n in _P_TITLE_HEADS or _reading_in(n, _O_HEADS):
            break
        if n.startswith("ال"):
            prev = toks[j - 1].n
            plural_genitive = state == "def" and prev.endswith(("ين", "ون"))
            if state == "start":
                # right after an indefinite head a definite word is its genitive, whatever its
                # shape: وزارة الخارجية, وزارة المالية
                kinds.append("def")
                state = "def"
            elif state == "propn" and not _adjective_like(n) and (j - 1) not in tagged:
                # an unknown word the tagger does not read as a name, followed by a definite
                # noun, is a common noun in construct (لجنة تسعير المحروقات, شركة مصفاة
                # البترول): the name is not where we are
                return j, tuple(kinds), "construct"
            elif _adjective_like(n) or (plural_genitive and n.endswith(prev[-2:])):
                # an adjective; a plural one only after a plural genitive it agrees with
                # (رابطة اللاعبين المحترفين, not أعضاء مجلس الشيوخ | الديمقراطيين)
                if n.endswith(("يين", "يون")) and not plural_genitive:
                    break
                kinds.append("adj")
                state = "adj"
            else:
                break
            j += 1
            continue
        if n.startswith("لل") and len(n) > 4:
            if state in ("adj", "propn", "place") and "lil" not in kinds:
                kinds.append("lil")
                state = "lil"
                j += 1
                continue
            return j, tuple(kinds), "lil"
        if n[:1] in "وف" and n[1:3] == "ال":
            return j, tuple(kinds), "conj"
        if kinds and n[:1] in "وف":  # معهد هاربين وجامعته: a second conjunct
            return j, tuple(kinds), "conj"
        if state in ("start", "propn") and n in _gaz_first_words():
            # the first word of a known multi-word name the gazetteer did not match here: a
            # misspelling or a missing space (وكالة أسوشيتد برسوقال); the extent is a guess
            return j, tuple(kinds), "gaz_prefix"
        if _name_like(n, t.raw) and not _has_clitic(t.raw) and (
                (state == "start" and (j in tagged or _ant_freq(t.raw) < RARE_FREQ))
                or (state == "propn" and j in tagged and tagged[j] is tagged.get(j - 1))):
            # an unknown name word; a second one only inside the same tagger span (ليدز يونايتد)
            kinds.append("propn")
            state = "propn"
            j += 1
            continue
        break
    return j, tuple(kinds), ""


_QUOTE_OPEN = frozenset('"«“„')
_QUOTE_CLOSE = frozenset('"»”“')


def quoted_name(toks: list[_Tok], i: int, gaz: list[Mention]) -> tuple[int, int] | None:
    """The words of a name in quotes right after the organisation head at token i: (first
    token, index after the last) or None. One to four words on one line, each name-like or
    a و + definite word inside a longer name (حزب «العدالة والتنمية»), the closing quote
    right after; a place the gazetteer knows may be the name (صحيفة «الشرق الأوسط»: the
    newspaper, not the region), a person or organisation it knows may not."""
    n_tok = len(toks)
    q = i + 1
    if q >= n_tok or toks[q].nl or toks[q].raw not in _QUOTE_OPEN:
        return None
    a = b = q + 1
    while b < n_tok and toks[b].word and not toks[b].nl and b - a < 4:
        b += 1
    if b == a or b >= n_tok or toks[b].raw not in _QUOTE_CLOSE:
        return None
    for k in range(a, b):
        w = toks[k]
        if w.gaz >= 0:
            m = gaz[w.gaz]
            if m.mention_kind == "name" and m.entity_type in ("PER", "ORG"):
                return None
            continue
        if k > a and w.n[:3] in ("وال", "فال") and _name_like(w.n[1:], w.raw[1:]):
            continue
        if not _name_like(w.n, w.raw) or (k == a and _has_clitic(w.raw)):
            return None
    if b - a == 1 and toks[a].n in _O_GENERIC_COMPLEMENT:
        return None
    return a, b


# --------------------------------------------------------------------------- precise: events, buildings

_E_WAR = _nset("حرب الحرب")
_E_DRILL = _nset("مناورات تدريبات")
_E_NAMED_WAR_ADJ = _nset("العالمية الباردة الأهلية")
_E_ORDINALS = _nset("الأولى الثانية الثالثة الرابعة الخامسة الأول الثاني الثالث")
_B_HEADS = _nset("كاتدرائية كنيسة مسجد جامع دير معبد قصر برج ملعب استاد مطار")
_B_SAINTS = _nset("القديس القديسة السيدة")
_YEAR_RE = re.compile(r"(?:19|20)\d\d$")
_E_CUPS = _nset("دوري كأس بطولة الدوري")
_E_CUP_LINKS = _nset("أبطال أمم")  # دوري أبطال أوروبا, بطولة أمم أفريقيا
_E_LEAGUE_TIERS = _nset("الممتاز للمحترفين")
_THING_HEADS = _E_WAR | _E_DRILL | _B_HEADS | _E_CUPS
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014")


@functools.lru_cache(maxsize=tagger.TYPE_CACHE_SIZE)
def _is_thing_head(n: str) -> bool:
    return _first_reading(n, _THING_HEADS) is not None


def named_event_or_building(text: str, toks: list[_Tok], i: int, gaz: list[Mention]) -> tuple[int, int, str, str] | None:
    """A named war, exercise or building whose head noun is token i: (first token, index
    after the last, type, rule) or None. Rules, by shape:

    - war (MISC): حرب + two or more nationality/adjective words with an ordinal at the end
      or العالمية/الباردة/الأهلية among them (الحرب الصينية اليابانية الثانية, الحرب
      الأهلية السورية); nationalities alone describe a war (الحرب الروسية الأوكرانية), they
      do not name it.
    - exercise (MISC): مناورات/تدريبات + a definite phrase of one to three words + a dash
      + a year (مناورات التفاعل المشترك – 2022); the name is the phrase and the year.
    - competition (MISC): دوري/كأس/بطولة + an optional أبطال/أمم + a gazetteer place
      (دوري أبطال أوروبا, كأس ألمانيا, بطولة أمم أفريقيا: the place is part of the name,
      not a mention of it); الدوري + a masculine nationality adjective + an optional
      الممتاز/للمحترفين (الدوري الإنجليزي الممتاز).
    - building (LOC): كاتدرائية/كنيسة/مسجد/جامع/قصر/برج/ملعب/استاد/مطار + an optional
      saint (القديس, القديسة) + a name: a gazetteer name or a word rare in ANT
      (كاتدرائية القديسة صوفيا; not the city Sofia). A bare genitive (مسجد القرية) is not a
      name.
    """
    t = toks[i]
    n_tok = len(toks)

    def ok(k: int) -> bool:
        return k < n_tok and toks[k].word and not toks[k].nl

    if _reading_in(t.n, _E_WAR) is not None:
        k = i + 1
        mods = 0
        while ok(k) and (_adjective_like(toks[k].n) or (toks[k].gaz >= 0 and gaz[toks[k].gaz].mention_kind == "nisba")) \
                and toks[k].n not in _E_ORDINALS:
            mods += 1
            k += 1
        named = any(toks[x].n in _E_NAMED_WAR_ADJ for x in range(i + 1, k))
        if ok(k) and toks[k].n in _E_ORDINALS:
            k += 1
            mods += 1
            named = True
        if mods >= 2 and named:
            return i, k, "MISC", "war"
        return None
    if _reading_in(t.n, _E_DRILL) is not None:
        first = i + 1
        if first < n_tok and not toks[first].word and all(ch in _QUOTES for ch in toks[first].raw):
            first += 1  # مناورات "التفاعل المشترك – 2022"
        k = first
        while ok(k) and k - first < 3 and toks[k].n.startswith("ال"):
            k += 1
        y = k
        while y < n_tok and not toks[y].word and all(ch in _DASHES for ch in toks[y].raw):
            y += 1  # the dash may be a token of its own
        if k == first or y >= n_tok or toks[k - 1].nl or toks[y].nl:
            return None
        between = text[toks[k - 1].e:toks[y].s].strip()
        if between and all(ch in _DASHES for ch in between) and _YEAR_RE.match(toks[y].raw):
            return first, y + 1, "MISC", "exercise"
        return None
    cup = _reading_in(t.n, _E_CUPS)
    if cup is not None:
        k = i + 1
        if cup[1].startswith("ال"):  # الدوري الإنجليزي (الممتاز)
            if not (ok(k) and toks[k].gaz >= 0 and gaz[toks[k].gaz].mention_kind == "nisba"
                    and _masculine_nisba(toks[k].raw)):
                return None
            k += 1
            if ok(k) and toks[k].n in _E_LEAGUE_TIERS:
                k += 1
            return i, k, "MISC", "competition"
        if ok(k) and toks[k].n in _E_CUP_LINKS:
            k += 1
        if not ok(k) or toks[k].gaz < 0:
            return None
        m = gaz[toks[k].gaz]
        if m.mention_kind != "name" or m.entity_type != "LOC" or m.start != toks[k].s:
            return None
        end = k
        while end < n_tok and toks[end].gaz == toks[k].gaz:
            end += 1
        return i, end, "MISC", "competition"
    if _reading_in(t.n, _B_HEADS) is not None:
        k = i + 1
        if ok(k) and toks[k].n in _B_SAINTS:
            k += 1
        if not ok(k):
            return None
        if toks[k].gaz >= 0:
            m = gaz[toks[k].gaz]
            if m.mention_kind != "name" or m.start != toks[k].s:
                return None
            end = k
            while end < n_tok and toks[end].gaz == toks[k].gaz:
                end += 1
            return i, end, "LOC", "building"
        if _name_like(toks[k].n, toks[k].raw) and not toks[k].n.startswith("ال") and not _has_clitic(toks[k].raw) \
                and not toks[k].n.endswith("يه") and _ant_freq(toks[k].raw) < RARE_FREQ:  # not كنيسة أرثوذكسية
            return i, k + 1, "LOC", "building"
    return None


# --------------------------------------------------------------------------- precise: extraction

def _span_start(tok: _Tok, prefix: str) -> int:
    """Offset in the text after a token's normalised proclitic; for لل after its first ل
    only, as the gazetteer does (للجيش -> لجيش): the span stays exact."""
    if not prefix:
        return tok.s
    n_letters = len(prefix) - 1 if prefix.endswith("لل") else len(prefix)
    return tok.s + _raw_offset(tok.raw, n_letters)


def _canonical(words_raw: list[str], lam: bool) -> str:
    name = _DIACRITICS_RE.sub("", " ".join(words_raw))
    return "ا" + name if lam else name  # لجيش الروسي (span after the ل of لل) -> الجيش الروسي


_CLUB_CUES = entities.CLUB_WORDS
_CLUB_SUFFIXES = _nset("يونايتد سيتي هوتسبير ألبيون وندررز روفرز أتلتيك")
# words that open a club's name before its city (سيسكا موسكو, سبورتنغ لشبونة, أتلتيك بلباو)
_CLUB_PREFIXES = _nset("""
سيسكا سبورتنغ سبورتينغ أتلتيك أتلتيكو ريال أولمبيك إنتر ديبورتيفو بوروسيا باير هيرتا دينامو ديناموا
سبارتاك لوكوموتيف زينيت أياكس فيتيسه ستاد ستاندار رابيد أوستريا سلافيا سبارتا أوليمبياكوس
""")
_PREV_WORD_RE = re.compile(r"(\w+)\s+$")
_NEXT_WORD_RE = re.compile(r"\s+(\w+)")


def _word_before(text: str, pos: int) -> tuple[re.Match | None, str]:
    """The word right before text[pos] with only spaces between (or None), and its matching form."""
    prev = _PREV_WORD_RE.search(text, max(0, pos - 40), pos)
    return prev, (_nw(prev.group(1)) if prev is not None else "")


def _club_suffix(word: str) -> bool:
    """A word that, after a city, makes a team's name: يونايتد, سيتي..., or a rare word
    ending like an English plural (يوتا جاز, أتلانتا هوكس, شيكاغو بولز, هيوستن روكتس)."""
    n = _nw(word)
    if n in _CLUB_SUFFIXES:
        return True
    return len(n) >= 3 and n[-1] in "زس" and _name_like(n, word) and not n.startswith("ال") \
        and n[0] not in "وف" and _ant_freq(word) < RARE_FREQ  # not إنجلترا وويلز


def clubs_by_context(text: str, gaz: list[Mention]) -> list[Mention]:
    """A city the gazetteer found that names a football club where it stands: right after a
    club word (مدرب نيوكاسل, لاعب برشلونة, مشجعي ليون) or with a club suffix after it
    (نيوكاسل يونايتد, يوتا جاز: the suffix joins the name; :func:`_club_suffix`). Such a mention becomes an
    ORG (the club's id when the gazetteer knows the club, else an auto id); elsewhere the
    same city stays a place."""
    folds = _gaz_folds()
    g = entities.load_gazetteer()
    out = []
    for m in gaz:
        if m.mention_kind != "name" or not m.entity_id.startswith(("loc:city:", "loc:region:")):
            out.append(m)
            continue
        nxt = _NEXT_WORD_RE.match(text, m.end)
        suffix = nxt is not None and _club_suffix(nxt.group(1))
        prev, prev_n = _word_before(text, m.start)
        cue = prev is not None and _reading_in(prev_n, _CLUB_CUES) is not None
        if not (suffix or cue) and nxt is not None and _masculine_nisba(nxt.group(1)) \
                and not _reading_in(prev_n, _U_PLACE_OR_THING) and _sports(text):
            # روما الإيطالي in sports news: the city would take the feminine (الإيطالية); not
            # after a place word or a building, which the adjective may describe (استاد مدينة
            # سان بطرسبرغ الروسي)
            cue = True
        if not (suffix or cue):
            out.append(m)
            continue
        start, end = m.start, (nxt.end() if suffix else m.end)
        club_prefix = _reading_in(prev_n, _CLUB_PREFIXES) if prev is not None else None
        if club_prefix is not None and prev.end() + 1 >= m.start:
            # سيسكا موسكو, (و)سبورتنغ لشبونة, أتلتيك بلباو: the club's whole name
            start = prev.start(1) + _raw_offset(prev.group(1), len(club_prefix[0]))
        name = text[start:end]
        idx = folds.get(fold(name))
        if idx is not None and g.entities[idx].entity_type == "ORG":
            ent = g.entities[idx]
            out.append(Mention(start, end, name, ent.entity_id, "ORG", ent.canonical_name, "rule_club", "name"))
        else:
            out.append(Mention(start, end, name, auto_id("ORG", _nw(name)), "ORG", name, "rule_club", "name"))
    return out


# in sports news a country right after one of these (or before a verb of result) is its team:
# فازت على الأوروغواي, أمام سويسرا, ضد صربيا, انتزعت ليبيا نقطة, خسرت نيجيريا, مباراة المكسيك
_TEAM_BEFORE = _nset("""
ضد أمام بين مباراة مباريات لقاء مواجهة المواجهة منافسه منافسها فاز فازت يفوز تفوز تعادل تعادلت يتعادل
تتعادل خسر خسرت يخسر تخسر هزم هزمت تغلب تغلبت انتزع انتزعت أحرز أحرزت حقق حققت أرغم أرغمت تأهل تأهلت
واجه واجهت يواجه تواجه التقى التقت يلتقي تلتقي أقصى أقصت أطاح أطاحت لاعبي لاعبو منتخب فوز خسارة هزيمة
""")
_TEAM_AFTER = _nset("""
فاز فازت تفوز يفوز تعادل تعادلت تتعادل خسر خسرت تخسر هزم هزمت تأهل تأهلت انتزع انتزعت تغلب تغلبت
أحرز أحرزت سجل سجلت حققت حقق أرغمت أرغم
""")
_NATIONAL_TEAM = _nset("منتخب")
_WIN_VERBS = _nset("فاز فازت يفوز تفوز فوز فوزه فوزها تغلب تغلبت يتغلب تتغلب")


@functools.lru_cache(maxsize=8)  # keyed by the text as written; is_sports_text by the normalized one
def _sports(text: str) -> bool:
    """:func:`entities.is_sports_text` of a text, asked by several rules of the same text."""
    return entities.is_sports_text(entities.normalize(text))


def national_teams(text: str, gaz: list[Mention]) -> list[Mention]:
    """In sports news (:func:`entities.is_sports_text`) a country named as a side of a game is
    its national team: an ORG whose name is منتخب + the country (one id across articles),
    found where a word of playing or of result stands right before it (ضد صربيا, أمام
    سويسرا, انتزعت ليبيا, مباراة المكسيك, فازت على الأوروغواي) or a verb of result right
    after it (وكانت ليبيا فازت). Elsewhere, and after في/من/إلى, the country stays a place."""
    if not any(m.mention_kind == "name" and m.entity_id.startswith("loc:country:") for m in gaz):
        return gaz
    if not _sports(text):
        return gaz
    out = []
    last_team_end = -10
    for m in gaz:
        if m.mention_kind == "name" and m.entity_id.startswith("loc:country:") and (
                text[last_team_end:m.start].strip() in ("و", "،", ",")  # بين كرواتيا وإنكلترا
                or _after_team_and_ala(text, m, last_team_end) or _side_of_a_game(text, m)):
            last_team_end = m.end
            name = "منتخب " + m.canonical
            start = m.start
            prev, prev_n = _word_before(text, m.start)
            head = _reading_in(prev_n, _NATIONAL_TEAM) if prev is not None else None
            if head is not None:  # منتخب البرازيل, لمنتخب إسبانيا: the head word is part of the name
                start = prev.start(1) + _raw_offset(prev.group(1), len(head[0]))
            m = Mention(start, m.end, text[start:m.end], auto_id("ORG", _nw(name)), "ORG", name,
                        "rule_national_team", "name")
        out.append(m)
    return out


def _side_of_a_game(text: str, m: Mention) -> bool:
    """A word of playing or of result right before the mention, or a verb of result right after."""
    prev, prev_n = _word_before(text, m.start)
    nxt = _NEXT_WORD_RE.match(text, m.end)
    if _reading_in(prev_n, _TEAM_BEFORE) is not None or (
            nxt is not None and _reading_in(_nw(nxt.group(1)), _TEAM_AFTER) is not None):
        return True
    if prev_n == "علي" and prev is not None:  # فازت على الأوروغواي
        before, before_n = _word_before(text, prev.start())
        return before is not None and _reading_in(before_n, _WIN_VERBS) is not None
    return False


def _after_team_and_ala(text: str, m: Mention, last_team_end: int) -> bool:
    """فوز بلجيكا على بنما: the side after على, right after a team."""
    return text[last_team_end:m.start].strip() == "على"


def _masculine_nisba(word: str) -> bool:
    """A definite masculine nationality adjective (الإيطالي, الإسباني; not الإيطالية)."""
    return entities.is_masculine_nisba(_nw(word), _modifiers())


def country_as_adjective(text: str, gaz: list[Mention]) -> list[Mention]:
    """A one-word country name that is also its feminine nationality adjective (السعودية)
    right after a definite feminine noun agrees with that noun: القنصلية السعودية, المخابرات
    السعودية, القمة الأمريكية السعودية are Saudi things, so the mention becomes a nisba
    mention of the country (kept apart from the country's own counts). After an indefinite
    noun (زيارة السعودية), a verb or a preposition it stays the country."""
    out = []
    for m in gaz:
        if m.mention_kind == "name" and m.entity_id.startswith("loc:country:") and " " not in m.surface:
            n = _nw(m.surface)
            prev, prev_n = _word_before(text, m.start)
            if prev is not None and n.startswith("ال") and n.endswith("يه") and len(n) > 5:
                p = _strip_conj(prev_n)
                if p.startswith("ال") and len(p) > 4 and p.endswith(("ه", "ات")):
                    m = dataclasses.replace(m, method="nisba_agreement", mention_kind="nisba")
        out.append(m)
    return out


def _extract_precise(text: str, opt: dict) -> list[Mention]:
    gaz = country_as_adjective(text, national_teams(text, clubs_by_context(text, entities.extract_mentions(text))))
    token_spans = tagger.tokenize(text)
    toks = _tokens(text, gaz, token_spans)
    if not toks:
        return list(gaz)
    start_of = {t.s: k for k, t in enumerate(toks)}
    end_of = {t.e: k for k, t in enumerate(toks)}
    spans = []  # (start, end, type, first token, token after the last)
    for s, e, typ in tagger.tag_text(text, stage2=False, spans=token_spans):
        a = start_of.get(s)
        if a is None:  # the tagger cut a proclitic off the first token
            a = start_of.get(text.rfind(" ", 0, s) + 1) if text.rfind(" ", 0, s) >= -1 else None
            if a is None or not (toks[a].s <= s < toks[a].e):
                continue
        b = end_of.get(e)
        if b is not None:
            spans.append((s, e, typ, a, b + 1))
    tagged = {}
    for sp in spans:
        for k in range(sp[3], sp[4]):
            tagged[k] = sp
    gstarts = [m.start for m in gaz]

    def overlaps(s: int, e: int) -> tuple:
        lo = max(0, bisect.bisect_left(gstarts, s) - 1)
        hi = bisect.bisect_left(gstarts, e)
        return tuple(sorted({m.entity_type if m.mention_kind == "name" else "nisba"
                             for m in gaz[lo:hi] if m.start < e and s < m.end}))

    cands: list[tuple] = []  # (start, end, Candidate, canonical)

    # 1. the tagger's persons
    for s, e, typ, a, b in spans:
        if typ != "PER" or not all(toks[k].word for k in range(a, b)):
            continue
        # a nationality the tagger took into the name (الموريتاني محمد سالم ولد مرزوك) is cut off
        while b - a > 1 and toks[a].gaz >= 0 and gaz[toks[a].gaz].mention_kind == "nisba" \
                and gaz[toks[a].gaz].end == toks[a].e:
            a += 1
            s = toks[a].s
        # a preposition with a pronoun the tagger took into the name (وأكد لي حمد بن جاسم)
        while b - a > 2 and toks[a].n in _P_PREP_PRONOUNS:
            a += 1
            s = toks[a].s
        # a first name keeps its first letter: the tagger read the ف of فادي as a clitic
        if s > toks[a].s and toks[a].n in _first_names():
            s = toks[a].s
        raw = [text[s:toks[a].e]] + [toks[k].raw for k in range(a + 1, b)]
        words = tuple(_nw(w) for w in raw)
        cands.append((s, e, Candidate("PER", words, tuple(raw), "tagger",
                                      cue="title" if _title_before(toks, a) else "", tagger=True,
                                      evidence=_person_evidence(text, toks, a, b, s, words),
                                      before=_person_before(text, toks, a, s), after=_person_after(text, toks, b, e),
                                      overlaps=overlaps(s, e),
                                      rare=all(_ant_freq(w) < RARE_FREQ for w in raw)), _canonical(raw, False)))

    # 1b. a first name after a title or nationality, with the name words after it, where the
    # tagger read no person (الإعلامي السعودي جمال خاشقجي)
    tok_starts = [t.s for t in toks]
    in_person = {k for s_, e_, _, _ in cands
                 for k in range(bisect.bisect_left(tok_starts, s_), bisect.bisect_left(tok_starts, e_))}
    for i in titled_first_names(toks, in_person):
        a, b = i
        raw = [toks[k].raw for k in range(a, b)]
        s, e = toks[a].s, toks[b - 1].e
        cands.append((s, e, Candidate("PER", tuple(toks[k].n for k in range(a, b)), tuple(raw), "title_first_name",
                                      cue="title", evidence="title", before=_person_before(text, toks, a, s),
                                      after=_person_after(text, toks, b, e), overlaps=overlaps(s, e)),
                      _canonical(raw, False)))

    # a list of names (X، Y وZ): a name right after one with evidence with only و / ، between
    # them, and every name of a list of three or more
    runs: list[list[int]] = []
    prev_end = -10
    for k, (s, e, c, _) in enumerate(cands):
        gap = text[prev_end:s] if prev_end >= 0 else "x"
        if runs and len(gap) <= 3 and gap.replace("و", "").replace("،", "").replace(",", "").strip() == "":
            runs[-1].append(k)
        else:
            runs.append([k])
        prev_end = e
    for run in runs:
        for pos, k in enumerate(run):
            s, e, c, canonical = cands[k]
            if not c.evidence and (len(run) >= 3 or (pos > 0 and cands[run[pos - 1]][2].evidence)):
                cands[k] = (s, e, dataclasses.replace(c, evidence="list"), canonical)

    # a person span that starts with another person's surname runs on past the name
    lasts = {}
    for s, e, c, _ in cands:
        if len(c.words) >= 2:
            lasts.setdefault(c.words[-1], set()).add(s)
    for k, (s, e, c, canonical) in enumerate(cands):
        if len(c.words) >= 2 and lasts.get(c.words[0], set()) - {s} and not c.after:
            cands[k] = (s, e, dataclasses.replace(c, after="surname"), canonical)

    # 2. organisation heads, 3. place cues
    n_tok = len(toks)
    cue_tokens = [i for i, t in enumerate(toks) if t.cue and t.gaz < 0]
    for i in cue_tokens:
        t = toks[i]
        r = _reading_in(t.n, _O_HEADS)
        if r is not None:
            pre, head = r
            end_k, parts, after = org_extent(toks, i, gaz, tagged)
            if parts and head == _CANAL and parts[0] == "gaz_loc":
                continue  # قناة بنما, قناة السويس: a canal, the place name is what to keep
            if parts:
                s, e = _span_start(t, pre), toks[end_k - 1].e
                raw = [text[s:t.e]] + [toks[k].raw for k in range(i + 1, end_k)]
                words = (head,) + tuple(toks[k].n for k in range(i + 1, end_k))
                sp = tagged.get(i)
                agree = sp is not None and sp[2] == "ORG" and sp[3] == i and sp[4] == end_k
                last = tagged.get(end_k - 1)
                if not after and last is not None and last[4] > end_k and toks[end_k].word \
                        and _name_like(toks[end_k].n, toks[end_k].raw) and not _has_clitic(toks[end_k].raw):
                    after = "tagger_longer"
                if not after and text[e:e + 1] in ("-", "\u2010", "\u2011") and text[e + 1:e + 2].isalpha():
                    after = "hyphen"
                cands.append((s, e, Candidate("ORG", words, tuple(raw), "org_head", head=head,
                                              head_definite=head.startswith("ال"), parts=parts, after=after,
                                              tagger=agree, overlaps=overlaps(s, e),
                                              sports=head == _FEDERATION and _sports(text)),
                              _canonical(raw, pre.endswith("لل"))))
            continue
        r = _reading_in(t.n, _L_CUES)
        if r is not None:
            j = i + 1
            if j >= n_tok or not toks[j].word or toks[j].nl or toks[j].gaz >= 0:
                continue
            in_org = i > 0 and toks[i - 1].word and not t.nl and _reading_in(toks[i - 1].n, _O_HEADS) is not None
            sp = tagged.get(j)
            b, agree = (sp[4], True) if sp is not None and sp[3] == j and sp[4] - j <= 4 else (j + 1, False)
            if not all(toks[k].word and not toks[k].nl for k in range(j, b)):
                continue
            raw = [toks[k].raw for k in range(j, b)]
            words = tuple(toks[k].n for k in range(j, b))
            s, e = toks[j].s, toks[b - 1].e
            nxt = toks[b] if b < n_tok and toks[b].word and not toks[b].nl else None
            # a definite word right after (not a nationality nor a stop word) may go on with the
            # name: حي الحجر | الأسود, منطقة بعلبك | الهرمل
            adj_after = nxt is not None and nxt.n.startswith("ال") and nxt.n not in _P_STOP \
                and not (nxt.gaz >= 0 and nxt.n in _modifiers())
            cands.append((s, e, Candidate("LOC", words, tuple(raw), "place_cue", cue=r[1], tagger=agree,
                                          before="org_head" if in_org else "", after="adjective" if adj_after else "",
                                          overlaps=overlaps(s, e),
                                          rare=all(_ant_freq(w) < RARE_FREQ for w in raw)), _canonical(raw, False)))

    # 3b. a name in quotes right after an organisation head: صحيفة «الشرق الأوسط», شركة «وايمو»
    for i in cue_tokens:
        t = toks[i]
        if _reading_in(t.n, _O_HEADS) is not None:
            found = quoted_name(toks, i, gaz)
            if found is not None:
                a, b = found
                raw = [toks[k].raw for k in range(a, b)]
                head = _reading_in(t.n, _O_HEADS)[1]
                cands.append((toks[a].s, toks[b - 1].e,
                              Candidate("ORG", tuple(toks[k].n for k in range(a, b)), tuple(raw), "quoted",
                                        head=head, overlaps=overlaps(toks[a].s, toks[b - 1].e)),
                              _canonical(raw, False)))

    # 4. named wars, exercises and buildings (:func:`named_event_or_building`)
    things: list[tuple] = []
    for i in [i for i, t in enumerate(toks) if t.thing]:
        found = named_event_or_building(text, toks, i, gaz)
        if found:
            a, b, typ, rule = found
            pre = _reading_in(toks[a].n, _U_NAMED_THING_HEADS)
            s_ = _span_start(toks[a], pre[0]) if pre else toks[a].s
            raw = [text[s_:toks[a].e]] + [toks[k].raw for k in range(a + 1, b)]
            things.append((s_, toks[b - 1].e, typ, rule, _canonical(raw, bool(pre) and pre[0].endswith("لل"))))

    # the same words as a person (with a first name or a title before them) and as the name part of
    # an organisation: a person's name wins (فريق صومايلا سيسي is his camp, زعيم المعارضة صومايلا
    # سيسي the person); otherwise the organisation does (شركة كريمسون هيكساغون ... كريمسون هيكساغون)
    strong_people = {c.words for _, _, c, _ in cands if c.typ == "PER" and c.evidence in ("first_name", "title")}
    strong_people |= {w[-1:] for w in strong_people if len(w) >= 2}  # فريق هاردن after جيمس هاردن
    for k, (s, e, c, canonical) in enumerate(cands):
        if c.typ == "ORG" and _org_name_part(c) in strong_people:
            cands[k] = (s, e, dataclasses.replace(c, known_as="PER"), canonical)
    org_names = {_org_name_part(c) for _, _, c, _ in cands if c.typ == "ORG" and decide(c)[0]} - {()}
    for k, (s, e, c, canonical) in enumerate(cands):
        if c.typ == "PER" and c.words in org_names:
            cands[k] = (s, e, dataclasses.replace(c, known_as="ORG"), canonical)

    # decide; place the accepted ones, longer first (an ORG replaces the gazetteer places and
    # nisba forms it contains)
    folds = _gaz_folds()
    g = entities.load_gazetteer()
    taken = bytearray(len(text) + 1)
    for m in gaz:
        taken[m.start:m.end] = b"\x01" * (m.end - m.start)
    drop: set[int] = set()
    adds: list[tuple[Mention, Candidate]] = []
    full_names: dict[tuple, tuple] = {}  # (first word, last word) -> (words, mention) of a person of 3+ words

    def placeable(s: int, e: int) -> list[int] | None:
        """The gazetteer mentions wholly inside [s, e) (the new name replaces them), or None
        when any other part of the span is already taken."""
        lo = max(0, bisect.bisect_left(gstarts, s) - 1)
        inside = [k for k in range(lo, bisect.bisect_left(gstarts, e)) if s <= gaz[k].start and gaz[k].end <= e]
        free = bytearray(taken[s:e])
        for k in inside:
            free[gaz[k].start - s:gaz[k].end - s] = b"\x00" * (gaz[k].end - gaz[k].start)
        return None if any(free) else inside

    for s, e, c, canonical in sorted(cands, key=lambda x: (x[0] - x[1], x[0])):
        ok, rule = decide(c)
        if not ok:
            continue
        inside = placeable(s, e)
        if inside is None:
            continue
        name = " ".join(c.words)
        idx = folds.get(fold(name))
        if c.source == "quoted":
            # صحيفة «الشرق الأوسط» is the newspaper the gazetteer knows as صحيفة الشرق الأوسط,
            # never the region
            idx = folds.get(fold(c.head + " " + name), idx)
            if idx is not None and g.entities[idx].entity_type != "ORG":
                idx = None
        if idx is not None:
            ent = g.entities[idx]
            eid, typ, canonical = ent.entity_id, ent.entity_type, ent.canonical_name
        else:
            eid, typ = auto_id(c.typ, name), c.typ
            if c.typ == "PER" and len(c.words) >= 2:
                # فادي البطش after فادي محمد البطش: the same first and last name in one text is
                # the person named in full (longer names are placed first)
                full = full_names.get((c.words[0], c.words[-1]))
                if full is not None and len(full[0]) > len(c.words):
                    eid, canonical = full[1].entity_id, full[1].canonical
        drop.update(inside)
        m_new = Mention(s, e, text[s:e], eid, typ, canonical, "rule_" + rule, "name")
        if typ == "PER" and len(c.words) >= 3 and not any(w in _P_CONNECTORS for w in c.words):
            # not across a patronymic chain: عبد العزيز is not عبد الله بن عبد العزيز
            full_names.setdefault((c.words[0], c.words[-1]), (c.words, m_new))
        adds.append((m_new, c))
        taken[s:e] = b"\x01" * (e - s)
    thing_adds: list[Mention] = []
    for s, e, typ, rule, canonical in things:
        inside = placeable(s, e)
        if inside is None:
            continue
        drop.update(inside)  # the building's saint or city is part of its name, not a mention
        eid = auto_id(typ, _nw(canonical))  # للدوري الإنجليزي: the span is لدوري ..., the name الدوري ...
        chosen_thing = Mention(s, e, text[s:e], eid, typ, canonical, "rule_" + rule, "name")
        thing_adds.append(chosen_thing)
        taken[s:e] = b"\x01" * (e - s)
    chosen = [m for k, m in enumerate(gaz) if k not in drop] + [m for m, _ in adds] + thing_adds
    if opt.get("doc_consistency", True) and adds:
        chosen += _precise_document_pass(text, toks, adds, taken, tagged)
    return _sorted_non_overlapping(chosen)


_SURNAME_CONTEXT = _nset("""
قال قالت أضاف أضافت أكد أكدت أوضح أوضحت صرح صرحت أشار أشارت تابع ذكر ذكرت أعلن أعلنت اعتبر رأى يرى
نفى دعا وفق وفقا حسب بحسب يقول يضيف يؤكد يوضح السيد السيدة
""")


# verbs whose subject, right after them, is often a person already named in full: a bare
# surname there is that person (وأبلغ مورا, ونشر راموس, وسجل كين); too common before other
# words to count as evidence for a new name, so only for the surname of one named earlier
_SURNAME_VERBS = _nset("""
أبلغ أبلغت نشر نشرت كتب كتبت غرد غردت كشف كشفت شدد شددت أعرب أعربت علق علقت لفت لفتت رد ردت
اعترف اعترفت طالب طالبت سجل سجلت أحرز أحرزت قاد قادت لعب لعبت انضم انضمت غادر غادرت وصل وصلت
استقبل استقبلت التقى التقت زار زارت أعلن يعلن أشاد أشادت حذر حذرت وعد وعدت أمر أمرت
""")


def _org_name_part(c: Candidate) -> tuple:
    """The proper-name words of an organisation candidate whose extent is only name words
    (شركة كريمسون هيكساغون -> كريمسون هيكساغون), else ()."""
    if c.typ != "ORG" or not c.parts or any(p != "propn" for p in c.parts):
        return ()
    return tuple(c.words[1:])


def _precise_document_pass(text: str, toks: list[_Tok], adds: list[tuple[Mention, Candidate]], taken: bytearray,
                           tagged: dict) -> list[Mention]:
    """The accepted additions again, elsewhere in the same text: the same words (a proclitic
    allowed on the first; a one-word name only when it is rare in ANT and not definite);
    an organisation's name words without the head noun (كريمسون هيكساغون after شركة
    كريمسون هيكساغون); and a bare surname of a person accepted in full earlier, unless two
    such persons share it, when it is rare in ANT, or follows a speech verb / وفق / حسب /
    السيد, a title or a nationality, or the tagger reads a person there."""
    by_first: dict[str, list] = {}
    surnames: dict[str, list] = {}
    for m, c in adds:
        for words in (c.words, _org_name_part(c)):
            if words and (len(words) > 1 or not (words[0].startswith("ال") or
                                                 _ant_freq(c.raw[-1] if words is not c.words else m.surface)
                                                 >= RARE_FREQ)):
                by_first.setdefault(words[0], []).append((words, m))
        words = c.words
        if m.entity_type == "PER" and len(words) >= 3 and words[-2] in _P_CONNECTORS:
            # عايد أبو قطيش -> أبو قطيش, لويجي دي بياجيو -> دي بياجيو: the surname keeps its connector
            by_first.setdefault(words[-2], []).append((words[-2:], m))
        elif m.entity_type == "PER" and len(words) >= 2:
            last = words[-1]
            # a definite surname (سليم الجبوري -> الجبوري) too, but see below: only after a
            # speech verb or a title, and never a nationality or a common adjective
            if len(last) >= 3 and last not in entities._NOT_SURNAMES and not (
                    last.startswith("ال") and (last in _modifiers() or last in _O_GENERIC_ADJ or len(last) < 6)):
                ids = surnames.setdefault(last, [])
                if all(x.entity_id != m.entity_id for x in ids):
                    ids.append(m)
    if not by_first and not surnames:
        return []
    for v in by_first.values():
        v.sort(key=lambda x: -len(x[0]))
    out: list[Mention] = []
    n_tok = len(toks)
    keys = set(by_first) | set(surnames)
    for i, t in enumerate(toks):
        if not t.word or taken[t.s]:
            continue
        readings = _readings(t.n)
        for _, r in readings:
            if r in keys:
                break
        else:
            continue
        for pre, rest in readings:
            hit = None
            sp = tagged.get(i)
            for words, m in by_first.get(rest, ()):
                L = len(words)
                if i + L <= n_tok and all(toks[i + k].word and not toks[i + k].nl and toks[i + k].n == words[k]
                                          for k in range(1, L)):
                    prev = toks[i - 1].n if i > 0 and toks[i - 1].word and not t.nl else ""
                    longer = m.entity_type == "PER" and _first_name_word(prev)
                    # the tagger reads no other type there, and no first name before makes it a longer name
                    # (الوليد | بن طلال)
                    if (sp is None or sp[2] == m.entity_type or L > 1) and not longer:
                        hit = (L, m, "doc_consistency")
                    break
            if hit is None and len(surnames.get(rest, ())) == 1 and surnames[rest][0].start < t.s:
                prev = toks[i - 1].n if i > 0 and toks[i - 1].word else ""
                rare = _ant_freq(t.raw[_span_start(t, pre) - t.s:]) < RARE_FREQ
                # الجزائري سليماني, المدرب سامباولي; not رئيس شركة فورد (the company's name)
                titled = (_strip_conj(prev) in _modifiers() or _title_before(toks, i)) \
                    and _reading_in(prev, _O_HEADS) is None
                context = titled or _reading_in(prev, _SURNAME_CONTEXT) or _reading_in(prev, _SURNAME_VERBS)
                if rest.startswith("ال"):
                    ok = bool(context)  # ودعا الجبوري; a bare definite word is too often a noun
                else:
                    ok = rare or context or (sp and sp[2] == "PER")
                if prev not in _P_CONNECTORS and not _first_name_word(prev) and ok:
                    hit = (1, surnames[rest][0], "surname")
            if hit:
                L, m, method = hit
                s, e = _span_start(t, pre), toks[i + L - 1].e
                if s < e and not any(taken[s:e]):
                    out.append(Mention(s, e, text[s:e], m.entity_id, m.entity_type, m.canonical, method, "name"))
                    taken[s:e] = b"\x01" * (e - s)
                break
    return out


def extract_precise(text: str) -> list[Mention]:
    """The precise mode (what the pipeline uses): every gazetteer mention plus the names
    :func:`decide` accepts (see the precise-mode notes above)."""
    return extract(text, PRECISE_OPTIONS)




# unions used on every token (built once)
_U_PLACE_OR_THING = _L_CUES | _P_THING_NOUNS
_U_NAMED_THING_HEADS = _E_WAR | _B_HEADS | _E_CUPS
_U_THING = _P_THING_NOUNS | _O_HEADS | _L_CUES
_U_TITLE_SPEECH = _P_TITLES | _SURNAME_CONTEXT
_U_SPEECH_NAMED = _SURNAME_CONTEXT | _P_NAMED
_U_TITLE_ANY = _P_TITLES | _P_TITLE_HEADS
_U_TITLE_ROLE = _P_TITLE_HEADS | _P_TITLES | _P_ROLE_HEADS
