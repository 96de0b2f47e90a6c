"""Context rules for organisations: the extent of a name after a head noun (وزارة, جامعة,
حزب ...), a name in quotes after one, and the name words of an organisation."""
from __future__ import annotations

import functools

from flows.ner.decide import Candidate
from flows.ner.gazetteer import load_gazetteer
from flows.ner.ids import canonical_name
from flows.ner.lexicon import (CANAL, COMPANY_SUFFIXES, ELATIVES, FEDERATION, NEWSPAPER, ORG_GENERIC_COMPLEMENTS,
                               ORG_HEADS, ORG_HEADS_DEFINITE, PERSON_TITLE_HEADS, PERSON_TITLES, SPEECH_WORDS,
                               STATEMENT_NOUNS, STOP_WORDS)
from flows.ner.mention import Mention
from flows.ner.persons import honoured_person
from flows.ner.sports import sports_news
from flows.ner.tokens import Token, span_start
from flows.ner.words import (RARE_FREQ, adjective_like, ant_freq, has_clitic, matching_form, name_like, reading_in,
                             readings, without_conjunction)


@functools.lru_cache(maxsize=1)
def _gaz_first_words() -> frozenset:
    """First words of the core gazetteer's multi-word names and aliases (normalised) that are not
    words of their own in the gazetteer (see :attr:`flows.ner.gazetteer.Entity.core`)."""
    firsts, singles = set(), set()
    g = load_gazetteer()
    for e, names in zip(g.entities, g.names):
        if not e.core:
            continue
        for name in names:
            words = matching_form(name).split()
            if len(words) > 1:
                firsts.add(words[0])
            elif words:
                singles.add(words[0])
    return frozenset(firsts - singles)


_FOREIGN_CONNECTORS = frozenset({"دو", "دي", "دا", "دل", "ديل", "دول", "فان", "فون", "لا", "لو"})


def org_extent(toks: list[Token], i: int, gaz: list[Mention], tagged: dict) -> tuple[int, tuple, str]:
    """Extent of the organisation name whose head noun is token i: (index after its last
    token, the kind of each extent word, what stopped it; see :class:`Candidate`).

    After an indefinite head: one definite genitive (الخارجية) or unknown name words (هوفر,
    نانيانغ: rare in ANT or inside a tagger span) or a gazetteer place (القاهرة), then
    adjectives and gazetteer nisba forms (الروسية, الدولية, المتحدة) and one لل complement
    after a name or an adjective (للتكنولوجيا). After a definite head (الجيش): adjectives
    only. It stops at punctuation, a line break, a digit, a stop word, title or speech verb,
    a word with a clitic, a second definite noun, another head noun, after 6 words."""
    head_def = readings(toks[i].n)[-1][1].startswith("ال") if reading_in(toks[i].n, ORG_HEADS_DEFINITE) else False
    kinds: list[str] = []
    state = "adj" if head_def else "start"
    j = i + 1
    n_tok = len(toks)
    while j < n_tok and len(kinds) < 6:
        t = toks[j]
        if not t.word or t.nl:
            break
        n = t.n
        if t.gaz >= 0 and state == "start" and honoured_person(toks, j, gaz):
            k = honoured_person(toks, j, gaz)
            kinds.extend(["person"] * (k - j))
            state = "adj"
            j = k
            continue
        if t.gaz >= 0 and state != "suffix":
            kind, k, why = _gazetteer_part(toks, i, j, gaz, state)
            if kind is None:
                return j, tuple(kinds), why
            kinds.extend([kind] * (k - j))
            j = k
            state = "adj" if kind == "nisba" else "place"  # then adjectives or a لل complement
            continue
        if n == "العام" and state in ("def", "adj") and (kinds or (
                head_def and j + 1 < n_tok and toks[j + 1].word and toks[j + 1].n.startswith("لل"))):
            # "general" after a noun of the name (هيئة التحقيق والادعاء العام, الأمن العام) or
            # between a definite head and its لل complement (الاتحاد العام للشغل), not "the year"
            # as elsewhere
            kinds.append("adj")
            state = "adj"
            j += 1
            continue
        if state == "start":
            k = honoured_person(toks, j, gaz)
            if k:
                # named after a person: مستشفى الأمير محمد بن عبدالعزيز, جامعة الملك سعود;
                # adjectives and a لل complement may follow (مستشفى الملك فيصل التخصصي)
                kinds.extend(["person"] * (k - j))
                state = "adj"
                j = k
                continue
        if state == "propn" and n in COMPANY_SUFFIXES:
            # a company's suffix after its name words is its name, not a second body: مصرف سانن
            # بانك, مصرف بريفات بانك بيلريف
            kinds.append("suffix")
            state = "suffix"  # then only a rare name word (بريفات بانك | بيلريف); a nisba after it
            j += 1            # describes the company (ميركانتل بانك | السويسري)
            continue
        if state == "suffix" and not (t.gaz < 0 and name_like(n, t.raw) and not has_clitic(t.raw)
                                      and ant_freq(t.raw) < RARE_FREQ):
            break
        if n in STOP_WORDS or n in PERSON_TITLES or n in PERSON_TITLE_HEADS or reading_in(n, ORG_HEADS):
            break
        if n.startswith("ال"):
            prev = toks[j - 1].n
            plural_genitive = state == "def" and prev.endswith(("ين", "ون"))
            if state == "start":
                # right after an indefinite head a definite word is its genitive, whatever its
                # shape: وزارة الخارجية, وزارة المالية
                kinds.append("def")
                state = "def"
            elif state == "lil" and not adjective_like(n) and "lil_gen" not in kinds:
                # the لل noun's genitive: المرصد السوري لحقوق الإنسان, الجبهة الشعبية لتحرير فلسطين
                kinds.append("lil_gen")
                state = "def"
            elif state == "propn" and not adjective_like(n) and (j - 1) not in tagged:
                # an unknown word the tagger does not read as a name, followed by a definite
                # noun, is a common noun in construct (لجنة تسعير المحروقات, شركة مصفاة
                # البترول): the name is not where we are
                return j, tuple(kinds), "construct"
            elif adjective_like(n) or (plural_genitive and n.endswith(prev[-2:])):
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
        if (n[:1] == "ل" and n[1:2] != "ل" and len(n) >= 5 and state in ("adj", "propn", "place")
                and "lil" not in kinds and j + 1 < n_tok and toks[j + 1].word and toks[j + 1].n.startswith("ال")
                and j in tagged and tagged.get(j + 1) is tagged[j]):
            # ل + a noun in construct, inside the tagger's name: المرصد السوري لحقوق الإنسان
            # (without the tagger it reads as a purpose: الجيش السوري لمواجهة المسلحين)
            kinds.extend(["lil", "lil_gen"])
            state = "def"
            j += 2
            continue
        if n[:1] == "و" and n[1:3] == "ال":
            conjunct = _conjunct(toks, j, state, kinds)
            if conjunct == "name":
                # a name coordinating two genitives: وزارة الشؤون البلدية والقروية, هيئة التحقيق
                # والادعاء العام, الهيئة العامة للسياحة والتراث الوطني (once; then adjectives)
                kinds.append("conj")
                state = "def"
                j += 1
                continue
            if conjunct == "other_body":
                return j, tuple(kinds), ""  # جامعة نايف ... والمنظمة العربية: a second body
        if n[:1] in "وف" and n[1:3] == "ال":
            return j, tuple(kinds), "conj"
        if kinds and n[:1] in "وف" and n[1:2] == "ي" and len(n) >= 5 and ant_freq(t.raw[1:]) >= RARE_FREQ:
            return j, tuple(kinds), ""  # و + a common imperfect verb (ي-) starts the next clause: ويتلقى
        if kinds and n[:1] in "وف":  # معهد هاربين وجامعته: a second conjunct
            return j, tuple(kinds), "conj"
        if state in ("start", "propn") and n in _gaz_first_words():
            # the first word of a known multi-word name the gazetteer did not match here: a
            # misspelling or a missing space (وكالة أسوشيتد برسوقال); the extent is a guess
            return j, tuple(kinds), "gaz_prefix"
        if state == "propn" and n in _FOREIGN_CONNECTORS and j + 1 < n_tok and toks[j + 1].word \
                and not toks[j + 1].nl:
            # a foreign name's connector and the rare name word or known place after it: بانك
            # كانتونال دو نوشاتل
            nxt = toks[j + 1]
            if nxt.gaz < 0 and name_like(nxt.n, nxt.raw) and ant_freq(nxt.raw) < RARE_FREQ:
                kinds.extend(["propn", "propn"])
                j += 2
                continue
            m = gaz[nxt.gaz] if nxt.gaz >= 0 else None
            if m is not None and m.mention_kind == "name" and m.entity_type == "LOC" and m.start == nxt.s:
                k = j + 1
                while k < n_tok and toks[k].gaz == nxt.gaz:
                    k += 1
                kinds.extend(["propn"] + ["gaz_loc"] * (k - j - 1))
                j = k
                continue
        if name_like(n, t.raw) and not has_clitic(t.raw) and (
                (state in ("start", "suffix") and (j in tagged or ant_freq(t.raw) < RARE_FREQ))
                or (state == "propn" and j in tagged and tagged[j] is tagged.get(j - 1))):
            # an unknown name word; a second one only inside the same tagger span (ليدز يونايتد)
            kinds.append("propn")
            state = "propn"
            j += 1
            continue
        break
    return j, tuple(kinds), ""



def _conjunct(toks: list[Token], j: int, state: str, kinds: list[str]) -> str:
    """What و + the definite word at token j is to the name being read: "name" when it
    continues it (once, after a genitive, an adjective or a لل complement, a plain noun or
    adjective followed by the end of the name or by adjectives describing it); "other_body"
    when it names a second body (another head: جامعة نايف والمنظمة العربية; or the conjunct
    is a body of another one: وزارة الصحة والشئون الصحية بوزارة الحرس الوطني); else
    "unclear" (a gazetteer name, a stop word, a title, a noun in construct)."""
    t = toks[j]
    w = t.n[1:]
    if reading_in(w[2:], ORG_HEADS) or w in ORG_HEADS_DEFINITE:
        return "other_body"
    if state not in ("def", "adj", "lil") or "conj" in kinds:
        return "unclear"
    if t.gaz >= 0 or len(w) < 4 or w in STOP_WORDS or w in PERSON_TITLES:
        return "unclear"
    k = j + 1
    while k < len(toks) and toks[k].word and not toks[k].nl and toks[k].gaz < 0 and adjective_like(toks[k].n) \
            and toks[k].n not in STOP_WORDS:
        k += 1  # the conjunct's adjectives: والتراث الوطني
    nxt = toks[k] if k < len(toks) else None
    if nxt is None or not nxt.word or nxt.nl:
        return "name"
    n2 = nxt.n
    if n2[:1] in "بل" and reading_in(n2, ORG_HEADS):
        # والشئون الصحية | بوزارة الحرس الوطني: a unit of another body, whether the gazetteer
        # knows that body or not
        return "other_body"
    if nxt.gaz >= 0:
        return "name"
    if n2 in STOP_WORDS or n2 == "العام":
        return "name"
    if n2.startswith("ال") or (k == j + 1 and name_like(n2, nxt.raw) and ant_freq(nxt.raw) < RARE_FREQ):
        return "unclear"  # a noun in construct or a name after the conjunct
    return "name"


def _gazetteer_part(toks: list[Token], i: int, j: int, gaz: list[Mention], state: str) -> tuple[str | None, int, str]:
    """Token j of the extent of the head at token i is in a gazetteer mention: (kind, index
    after the mention's tokens, "") when the extent takes it ("nisba", "gaz_loc" or
    "gaz_misc"), else (None, j, what stops the extent there: "conj", "org" or "")."""
    t = toks[j]
    n = t.n
    m = gaz[t.gaz]
    if m.start != t.s:  # a clitic before a gazetteer name: وروسيا, لروسيا
        return None, j, "conj" if n[0] in "وف" else ""
    if m.mention_kind == "name" and m.entity_type == "ORG":
        return None, j, "org"
    # a country name that is also its feminine nisba (السعودية) after a genitive is the adjective
    # of a feminine head (وزارة الخارجية السعودية; not الاتحاد | السعودية)
    as_nisba = m.mention_kind == "nisba" or (
        state in ("def", "adj") and m.entity_type == "LOC" and n.startswith("ال") and n.endswith("يه")
        and " " not in m.surface and readings(toks[i].n)[-1][1].endswith("ه"))
    if as_nisba and state != "start" or (
            m.mention_kind == "name" and m.entity_type in ("LOC", "MISC") and state == "start"):
        # a place or a named event right after the head: جامعة القاهرة, رابطة الدوري الإسباني
        k = j
        while k < len(toks) and toks[k].gaz == t.gaz:
            k += 1
        return ("nisba" if as_nisba else ("gaz_loc" if m.entity_type == "LOC" else "gaz_misc")), k, ""
    return None, j, ""


_QUOTE_OPEN = frozenset('"«“„')
_QUOTE_CLOSE = frozenset('"»”“')


def quoted_name(toks: list[Token], i: int, gaz: list[Mention]) -> tuple[int, int] | None:
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
        if k > a and w.n[:3] in ("وال", "فال") and name_like(w.n[1:], w.raw[1:]):
            continue
        if not name_like(w.n, w.raw) or (k == a and has_clitic(w.raw)):
            return None
    if b - a == 1 and toks[a].n in ORG_GENERIC_COMPLEMENTS:
        return None
    return a, b


def org_name_part(c: Candidate) -> tuple:
    """The proper-name words of an organisation candidate whose extent is only name words
    (شركة كريمسون هيكساغون -> كريمسون هيكساغون), else ()."""
    if c.typ != "ORG" or not c.parts or any(p != "propn" for p in c.parts):
        return ()
    return tuple(c.words[1:])


# --------------------------------------------------------------------------- candidates

def org_head_candidate(text: str, toks: list[Token], i: int, reading: tuple, gaz: list[Mention], tagged: dict,
                       overlaps) -> tuple | None:
    """The organisation candidate (start, end, Candidate, canonical name) whose head noun is
    token i (`reading`: its proclitic and head), with the extent :func:`org_extent` reads
    after it, or None when there is no extent. `tagged`: token index -> the tagger span over
    it; `overlaps(s, e)`: the kinds of gazetteer mentions [s, e) overlaps."""
    t = toks[i]
    pre, head = reading
    if not pre and not head.startswith("ال") and i > 0 and toks[i - 1].word and not t.nl \
            and toks[i - 1].n in ELATIVES:
        return None  # أول فريق يودع, أكبر شركة نفط: an elative makes the head a description
    end_k, parts, after = org_extent(toks, i, gaz, tagged)
    if parts and head == CANAL and parts[0] == "gaz_loc":
        return None  # قناة بنما, قناة السويس: a canal, the place name is what to keep
    if not parts:
        return None
    s, e = span_start(t, pre), toks[end_k - 1].e
    raw = [text[s:t.e]] + [toks[k].raw for k in range(i + 1, end_k)]
    words = (head,) + tuple(toks[k].n for k in range(i + 1, end_k))
    sp = tagged.get(i)
    agree = sp is not None and sp[2] == "ORG" and sp[3] == i and sp[4] == end_k
    last = tagged.get(end_k - 1)
    if not after and last is not None and last[4] > end_k and toks[end_k].word \
            and name_like(toks[end_k].n, toks[end_k].raw) and not has_clitic(toks[end_k].raw):
        after = "tagger_longer"
    if not after and text[e:e + 1] in ("-", "\u2010", "\u2011") and text[e + 1:e + 2].isalpha():
        after = "hyphen"
    return (s, e, Candidate("ORG", words, tuple(raw), "org_head", head=head,
                            head_definite=head.startswith("ال"), parts=parts, after=after,
                            tagger=agree, overlaps=overlaps(s, e),
                            sports=head == FEDERATION and sports_news(text)),
            canonical_name(raw, pre.endswith("لل")))


def quoted_candidates(toks: list[Token], cue_tokens: list[int], gaz: list[Mention], overlaps) -> list[tuple]:
    """A name in quotes right after an organisation head (:func:`quoted_name`): صحيفة «الشرق
    الأوسط», شركة «وايمو»; candidates as :func:`org_head_candidate` gives them."""
    cands = []
    for i in cue_tokens:
        t = toks[i]
        if reading_in(t.n, ORG_HEADS) is not None:
            found = quoted_name(toks, i, gaz)
            if found is not None:
                a, b = found
                raw = [toks[k].raw for k in range(a, b)]
                head = reading_in(t.n, ORG_HEADS)[1]
                cands.append((toks[a].s, toks[b - 1].e,
                              Candidate("ORG", tuple(toks[k].n for k in range(a, b)), tuple(raw), "quoted",
                                        head=head, overlaps=overlaps(toks[a].s, toks[b - 1].e)),
                              canonical_name(raw, False)))
    for k, t in enumerate(toks):
        # تصريح لـ«الشرق الأوسط», حديث لـ«الحياة»: the outlet spoken to, a newspaper's name
        if t.raw in ("لـ", "ل") and k > 0 and toks[k - 1].word and reading_in(toks[k - 1].n, STATEMENT_NOUNS):
            found = quoted_name(toks, k, gaz)
            if found is not None:
                a, b = found
                raw = [toks[x].raw for x in range(a, b)]
                cands.append((toks[a].s, toks[b - 1].e,
                              Candidate("ORG", tuple(toks[x].n for x in range(a, b)), tuple(raw), "quoted",
                                        head=NEWSPAPER, overlaps=overlaps(toks[a].s, toks[b - 1].e)),
                              canonical_name(raw, False)))
    return cands


# a ministry named by its domain alone, وزارة left out: أعلنت الخارجية الإيرانية, قالت الدفاع الروسية
ELIDED_MINISTRY_DOMAINS = frozenset(matching_form(w) for w in ("الخارجية", "الداخلية", "الدفاع"))
MINISTRY = "وزارة"


def _says_or_starts(before: str) -> bool:
    """The word before an elided ministry leaves it the subject or the one spoken for: a
    function word, a speech verb or a feminine past verb (أعلنت, دانت, عقّبت), a statement
    noun (بيان, تصريح) or باسم. Any other noun may be what the nisba describes (قوات الدفاع
    الأوكرانية, خطوط الدفاع الروسية, السياسة الخارجية الإيرانية)."""
    bare = without_conjunction(before, 3)
    return (bare in STOP_WORDS or reading_in(before, SPEECH_WORDS) is not None or bare in STATEMENT_NOUNS
            or bare in ("بيان", "باسم") or (bare.endswith("ت") and not bare.endswith("ات")
                                           and not bare.startswith(("ال", "لل", "بال")) and 3 <= len(bare) <= 6))


def elided_ministry_candidates(text: str, toks: list[Token], gaz: list[Mention], overlaps) -> list[tuple]:
    """A ministry's domain with a country's feminine nisba right after it and وزارة left out
    (الخارجية الإيرانية, الدفاع الروسية: the nisba agrees with the ministry, not with the
    word): the ministry, named in full (وزارة الخارجية الإيرانية) so the country's body is
    one entity however it is written. Only where the word before leaves it a subject or the
    body spoken for (:func:`_says_or_starts`): after a noun the nisba may describe that noun
    (السياسة الخارجية الإيرانية, وزيرة الخارجية الألمانية, قوات الدفاع الأوكرانية)."""
    out = []
    for i in range(len(toks) - 1):
        t, nxt = toks[i], toks[i + 1]
        r = reading_in(t.n, ELIDED_MINISTRY_DOMAINS) if t.word and t.gaz < 0 else None
        if r is None or not nxt.word or nxt.nl or nxt.gaz < 0:
            continue
        m = gaz[nxt.gaz]
        if m.mention_kind != "nisba" or m.end != nxt.e or not (nxt.n.startswith("ال") and nxt.n.endswith("يه")):
            continue
        pre, domain = r
        if i > 0 and toks[i - 1].word and not t.nl and not _says_or_starts(toks[i - 1].n):
            continue
        s, e = span_start(t, pre), nxt.e
        raw = (MINISTRY, ("ا" if pre.endswith("لل") else "") + text[s:t.e], nxt.raw)  # للخارجية
        out.append((s, e, Candidate("ORG", (matching_form(MINISTRY), domain, nxt.n), raw, "org_head",
                                    head=matching_form(MINISTRY), head_definite=False, parts=("def", "nisba"),
                                    overlaps=overlaps(s, e)),
                    canonical_name(list(raw), False)))
    return out
