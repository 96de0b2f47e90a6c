"""Combined (evaluation) mode: gazetteer + statistical tagger + cue rules + document pass.

``extract(text) -> list[Mention]`` (``text[m.start:m.end] == m.surface`` always; sorted,
non-overlapping). It finds more names than the precise mode the pipeline uses
(:func:`flows.ner.extract_precise`), and too many wrong one-word guesses on real news; it is
what ``python -m flows.ner_eval --system combined`` scores on ANERcorp.

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

1. Gazetteer mentions (:func:`flows.ner.matcher.extract_mentions`) are taken
   (names and nisba forms, with their entity ids), except one-word GeoNames
   cities the tagger does not also see (وجده، العمارة: common words).
2. Tagger spans (:func:`flows.ner.tagger.tag_text`, first stage only) that do not
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
   (:mod:`flows.ner.ids`); a fold that equals the fold of a gazetteer name takes
   the gazetteer's id instead.
4. Document consistency (:func:`flows.ner.document.find_again_combined`): a name
   found once (by any method) is found at its other occurrences in the same text
   (whole words, a proclitic allowed); a later bare surname of a person named in
   full earlier resolves to that person's id (unless two people named earlier share it).
"""
from __future__ import annotations

import bisect
import functools
import re

from flows.ner import tagger
from flows.ner.document import find_again_combined
from flows.ner.gazetteer import load_gazetteer
from flows.ner.ids import auto_id, fold, gazetteer_folds
from flows.ner.lexicon import (COMBINED_CUES, COMBINED_ORG_HEADS, COMBINED_SHRINK_HEADS, COMBINED_STOP_WORDS,
                               COMBINED_TITLE_CUES)
from flows.ner.matcher import extract_mentions
from flows.ner.mention import Mention, make_mention
from flows.ner.placement import sorted_non_overlapping
from flows.ner.precise import precise_mentions
from flows.ner.words import letter_form, without_proclitic
from flows.normalize import normalize


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
PRECISE_OPTIONS = {**DEFAULT_OPTIONS, "precise": True}


def extract(text: str, options: dict | None = None) -> list[Mention]:
    """Entity mentions of ``text`` (see the module doc). ``extract(text, PRECISE_OPTIONS)``
    is :func:`flows.ner.extract_precise`."""
    if not text:
        return []
    opt = DEFAULT_OPTIONS if options is None else {**DEFAULT_OPTIONS, **options}
    if opt.get("precise"):
        return precise_mentions(text, document_pass=opt.get("doc_consistency", True))
    gaz = [m for m in extract_mentions(text)
           if not (m.mention_kind == "name" and m.entity_type in opt["drop_gaz_types"])]
    taken = bytearray(len(text) + 1)
    chosen: list[Mention] = []
    for m in gaz:
        chosen.append(m)

    if opt["tagger"]:
        chosen = _with_tagger_spans(text, chosen, opt)

    for m in chosen:
        taken[m.start:m.end] = b"\x01" * (m.end - m.start)

    if opt["rules"]:
        chosen = chosen + _cue_rules(text, taken, opt)

    if opt["doc_consistency"] or opt["surname"]:
        chosen = find_again_combined(text, chosen, taken, opt)
    return sorted_non_overlapping(chosen)


def _with_tagger_spans(text: str, chosen: list[Mention], opt: dict) -> list[Mention]:
    """The gazetteer mentions `chosen` with the tagger's spans added (step 2 of the module
    doc), sorted by start, longer first."""
    folds = gazetteer_folds() if opt["gaz_fold_ids"] else {}
    g = load_gazetteer()
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
            m = _over_gazetteer(text, s, e, typ, [chosen[i] for i in over], opt, folds, g)
            if m is not None:
                drop.update(over)
                adds.append(m)
            continue
        surf = text[s:e]
        if opt["tagger_max_freq"] and " " not in surf:
            if tagger.resources()["freq"].get(letter_form(surf), 0) >= opt["tagger_max_freq"]:
                continue
        k = fold(surf)
        idx = folds.get(k)
        if idx is not None:
            ent = g.entities[idx]
            adds.append(make_mention(text, s, e, ent.entity_id, typ, ent.canonical_name, "tagger_gazetteer_variant"))
        else:
            adds.append(make_mention(text, s, e, auto_id(typ, surf), typ, surf, "tagger"))
    if opt["city_needs_tagger"]:
        # single-word GeoNames cities that are also common words (وجده، العمارة، بيرا):
        # kept only where the tagger also sees a name
        for i, m in enumerate(chosen):
            if (i not in overlapped and m.mention_kind == "name" and m.entity_id in _geonames_cities()
                    and " " not in m.surface.strip()):
                drop.add(i)
    chosen = [m for i, m in enumerate(chosen) if i not in drop] + adds
    chosen.sort(key=lambda m: (m.start, -m.end))
    return chosen


def _over_gazetteer(text: str, s: int, e: int, typ: str, over: list[Mention], opt: dict, folds: dict,
                    g) -> Mention | None:
    """What replaces the gazetteer mentions `over` that a tagger span [s, e) of type `typ`
    overlaps, or None when the span defers to them: a longer span over exactly one name
    wins, or that name shrinks to the span when what is cut off is a cue word or nisba forms
    (:func:`_cue_shrink`)."""
    surf = text[s:e]
    covers = (all(s <= m.start and m.end <= e for m in over)
              and (e - s) > max(m.end - m.start for m in over))
    inside = (len(over) == 1 and over[0].start <= s and e <= over[0].end
              and (e - s) < over[0].end - over[0].start)
    mode = opt["longer_tagger"]
    one_name = len(over) == 1 and over[0].mention_kind == "name"
    if covers and mode != "none" and surf.split() and one_name:
        first = without_proclitic(normalize(surf.split()[0]))
        if mode == "all" or (typ == "ORG" and first in COMBINED_ORG_HEADS) or (
                mode == "org_head+per" and typ == "PER"):
            # the longer name wins: دينامو كييف over كييف, جامعة القاهرة over القاهرة,
            # هانتر بايدن over a bare بايدن (another person unless its fold is a known spelling)
            idx = folds.get(fold(surf))
            if idx is not None:
                ent = g.entities[idx]
                return make_mention(text, s, e, ent.entity_id, typ, ent.canonical_name, "tagger_gazetteer_variant")
            t2 = typ
            if opt["extent_type"] and typ == "PER" and len(over) == 1 and over[0].entity_type == "LOC":
                t2 = "LOC"  # كوت ديفوار: a place name the tagger read as a person
            return make_mention(text, s, e, auto_id(t2, surf), t2, surf, "tagger_extent")
    elif inside and opt["shrink"] and over[0].mention_kind == "name" and _cue_shrink(text, over[0], s, e):
        # قطاع غزة -> غزة, حركة حماس -> حماس: the name without its cue word, same entity
        gm = over[0]
        t2 = gm.entity_type if opt["shrink"] == "gaz_type" else typ
        return make_mention(text, s, e, gm.entity_id, t2, gm.canonical, "gazetteer_core")
    return None


def spans(text: str, options: dict | None = None) -> list[tuple[int, int, str]]:
    """(start, end, type) of the name mentions (nisba forms left out): the
    adapter :func:`flows.ner_eval.evaluate_spans` scores."""
    return [(m.start, m.end, m.entity_type) for m in extract(text, options) if m.mention_kind == "name"]


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
        return len(words) == 1 and tagger.normalize(words[0]) in COMBINED_SHRINK_HEADS
    if not after.startswith(" "):
        return False
    mods = load_gazetteer().modifiers  # nisba forms (اللبناني) and a few generic adjectives
    return all(normalize(w) in mods for w in after.split())


@functools.lru_cache(maxsize=1)
def _geonames_cities() -> frozenset:
    g = load_gazetteer()
    return frozenset(e.entity_id for e in g.entities if e.source == "geonames" and e.entity_id.startswith("loc:city:"))


_OPEN_Q = {"«": "»", '"': '"', "'": "'", "“": "”"}


def _loose(word: str) -> str:
    return "".join("[اأإآٱ]" if c == "ا" else "[يى]" if c == "ي" else re.escape(c) for c in word)


@functools.lru_cache(maxsize=8)
def _cue_regex(rules: tuple) -> re.Pattern:
    words = set()
    for cls in rules:
        if cls in COMBINED_CUES:
            words |= COMBINED_CUES[cls][1]
    if "MISC_TITLE" in rules:
        words |= COMBINED_TITLE_CUES
    words = sorted(words, key=len, reverse=True) or ["(?!)"]
    return re.compile("|".join(_loose(w) for w in words))


def _cue_rules(text: str, taken: bytearray, opt: dict) -> list[Mention]:
    """Names the tagger missed, from the word before them (see COMBINED_CUES): فريق العربي -> ORG,
    بحي البياع -> LOC; a quoted title after بعنوان / برنامج -> MISC."""
    toks = tagger.tokenize(text)
    cue_of = {}
    for cls in opt["rules"]:
        if cls in COMBINED_CUES:
            typ, words = COMBINED_CUES[cls]
            for w in words:
                cue_of[w] = typ
    freq = tagger.resources()["freq"] if opt["rule_max_freq"] else None
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
        prev = letter_form(text[ps:pe])
        if "MISC_TITLE" in opt["rules"] and text[s:e] in _OPEN_Q and i >= 1:
            if without_proclitic(prev) in COMBINED_TITLE_CUES or prev in COMBINED_TITLE_CUES:
                close = _OPEN_Q[text[s:e]]
                j = i + 1
                while j < n and j - i <= 7 and text[toks[j][0]:toks[j][1]] != close \
                        and "\n" not in text[toks[j - 1][1]:toks[j][0]]:
                    j += 1
                if j < n and j > i + 1 and text[toks[j][0]:toks[j][1]] == close:
                    a, b = toks[i + 1][0], toks[j - 1][1]
                    if not any(taken[a:b]):
                        out.append(make_mention(text, a, b, auto_id("MISC", text[a:b]), "MISC", text[a:b],
                                                "rule_title"))
                        taken[a:b] = b"\x01" * (b - a)
                continue
        typ = cue_of.get(prev) or cue_of.get(without_proclitic(prev))
        if typ is None:
            continue
        w = letter_form(text[s:e])
        core = without_proclitic(w)
        if len(core) < 3 or not core.isalpha() or w in COMBINED_STOP_WORDS or core in COMBINED_STOP_WORDS \
                or core in cue_of:
            continue
        if core.endswith(("ها", "هم", "هما", "نا")) and not core.startswith("ال"):
            continue  # جارتها, عاصمتهم: a noun with a pronoun, not a name
        if freq is not None and freq.get(w, 0) >= opt["rule_max_freq"]:
            continue
        cut = tagger.proclitic_len(text[s:e])
        a = s + cut if cut and s + cut < e else s
        surf = text[a:e]
        out.append(make_mention(text, a, e, auto_id(typ, surf), typ, surf, "rule_cue"))
        taken[a:e] = b"\x01" * (e - a)
    return out
