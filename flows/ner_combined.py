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
"""
from __future__ import annotations

import bisect
import functools
import re
import unicodedata

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


@functools.lru_cache(maxsize=200_000)
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
    chosen.sort(key=lambda m: (m.start, m.end))
    # final guard: sorted, non-overlapping
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
