"""The one decision every addition of the precise mode passes: a name the gazetteer does not
know (a :class:`Candidate` with its evidence) is accepted, or not, by :func:`decide`."""
from __future__ import annotations

from dataclasses import dataclass

from flows.ner.lexicon import (FEDERATION, NAME_CONNECTORS, ORG_GENERIC_ADJECTIVES, ORG_GENERIC_COMPLEMENTS,
                               ORG_HEADS_STRONG, ORG_HEADS_WEAK, PLACE_CUES_NEEDING_TAGGER, PLACE_PREFIXES)
from flows.ner.words import adjective_like, ant_freq, conjunction_before_name, name_like, tagger_name_word


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
      "gaz_misc" a gazetteer event or competition (رابطة الدوري الإسباني), "suffix" a
      company suffix after name words (مصرف سانن بانك).
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
    evidence: for PER what besides the tagger says "a person" (:func:`person_evidence`):
      "first_name", "title" (a title, role or nationality right before, or a title then the
      name between commas), "speech" (a speech
      verb or يدعى right before), "apposition" (، الذي / ، وهو / a role right after), "list"
      (the next name of a list whose previous name has evidence), or "". For LOC "named_after"
      (a place named after a person: حي الشيخ جراح) or "list" (after a plural or dual cue, the
      first name of a list: و and another name follow), or "".
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
    sports: bool = False  # the text is sports news (:func:`is_sports_text`)


def decide(c: Candidate) -> tuple[bool, str]:
    """Whether a careful reader would accept the candidate as a name of its type, and the
    rule that says so. Every addition of the precise mode passes through here.

    All: no overlap with a gazetteer name (an ORG may contain gazetteer places and nisba
      forms: جامعة القاهرة, وزارة الخارجية الروسية); every word name-like (:func:`name_like`);
      PER/LOC: no و + definite word inside (اليرموك والحجر الأسود: two names).
    Then by type: :func:`_decide_person`, :func:`_decide_organisation`, :func:`_decide_place`.
    """
    if not c.words:
        return False, "empty"
    if c.typ == "ORG":
        # a person the name is named after may be inside: مستشفى الملك فهد
        if any(o == "ORG" or (o == "PER" and "person" not in c.parts) for o in c.overlaps) \
                or ("MISC" in c.overlaps and "gaz_misc" not in c.parts):
            return False, "overlaps_gazetteer_name"
    elif c.overlaps and not (c.evidence == "named_after" and set(c.overlaps) <= {"PER"}):
        return False, "overlaps_gazetteer"  # (a district named after a person holds the person)
    if c.typ != "ORG" and any(w[:3] == "وال" for w in c.words[1:]):
        return False, "coordination"  # اليرموك والحجر الأسود: two names, not one
    if c.typ == "PER":
        return _decide_person(c)
    if c.typ == "ORG" and c.source == "company_suffix":
        # a tagger span ending with بانك / جروب ...: every other word a name word, a clear end
        if c.after or not all(name_like(w, r) for w, r in zip(c.words[:-1], c.raw[:-1])):
            return False, "company_extent_unclear"
        return True, "org_company_suffix"
    if c.typ == "ORG" and c.source == "quoted":
        # :func:`quoted_name` checked the words; a gazetteer place inside is replaced
        return True, "org_quoted_name"
    if c.typ == "ORG":
        return _decide_organisation(c)
    if c.typ == "LOC":
        return _decide_place(c)
    return False, "type_not_added"


def _decide_person(c: Candidate) -> tuple[bool, str]:
    """PER (a tagger span): two or more words with evidence besides the tagger (a known first
    name, a title/role/nationality or speech verb before, an apposition after, or the
    previous name of a list); one word only right after a person title or office. Not when
    the same words name an organisation accepted in the text, nor when
    its extent is doubtful (see before/after, or it ends with a name
    connector: ندى بو | فرحات), nor with a common adjective in it (شون الإيجابي), nor
    starting with a definite word (الكاميروني إيتو) or with و/ف unless that is a first
    name (وأرين روبن)."""
    if c.source not in ("tagger", "title_first_name"):
        return False, "person_needs_tagger"
    if not all(name_like(w, r) for w, r in zip(c.words, c.raw)):
        return False, "not_name_like"
    if c.known_as:
        return False, "person_is_organisation_name"
    if c.before or c.after or c.words[-1] in NAME_CONNECTORS:
        return False, "person_extent_unclear"
    if any(w.startswith("ال") and adjective_like(w) and ant_freq(r) >= 100 for w, r in zip(c.words, c.raw)):
        return False, "person_common_adjective"  # شون الإيجابي
    if c.words[0].startswith("ال") and not c.raw[0].startswith(("أل", "إل", "آل")):
        return False, "person_starts_definite"  # الكاميروني إيتو: a nisba before the name (not أليو)
    if conjunction_before_name(c.raw[0]):
        return False, "person_starts_with_conjunction"  # وأرين روبن (not فرناندو جيل)
    if len(c.words) >= 2:
        if not c.evidence:
            return False, "person_without_evidence"
        return True, "person_multiword"
    if c.cue != "title":
        return False, "person_one_word_without_title"
    return True, "person_after_title"


GENERAL = frozenset({"العام", "العامه"})  # "general": with a لل complement it names a body


def _decide_organisation(c: Candidate) -> tuple[bool, str]:
    """ORG (a head noun + :func:`org_extent`; in sports news الاتحاد + one nationality is the
    national federation: الاتحاد الإنجليزي): a non-empty extent that ends cleanly (not before
    و + a definite word, a لل word it could not take, or another organisation's name).
    Indefinite strong head (وزارة, مجلس ...): a genitive or name first, and not a
    common complement alone (مجلس الإدارة). Weak head (شركة, مركز ...): a name word or
    gazetteer place in the extent, or the tagger agreeing. Definite head (الجيش, الحزب
    ...): adjectives only, the first one naming (not الحاكم/الجديد), and not a nationality
    alone (الجيش الروسي is a description)."""
    if c.source != "org_head":
        return False, "org_needs_head"
    ext, parts = c.words[1:], c.parts
    if not ext or len(ext) != len(parts):
        return False, "org_head_alone"
    if c.known_as:
        return False, "org_is_person_name"  # فريق صومايلا سيسي: the person's camp
    if c.after:
        return False, "org_extent_unclear"
    if not all(p in ("gaz_loc", "gaz_misc", "nisba", "adj", "lil", "lil_gen", "conj", "title", "person", "suffix")
               or name_like(w, r)
               for w, r, p in zip(ext, c.raw[1:], parts)):
        return False, "not_name_like"
    if c.head_definite:
        if not all(p in ("adj", "nisba", "lil", "lil_gen", "conj") for p in parts) or parts[0] in ("lil", "conj"):
            return False, "org_definite_head_needs_adjectives"
        if ext[0] in ORG_GENERIC_ADJECTIVES and not (ext[0] in GENERAL and "lil" in parts):
            # (الاتحاد العام is any union, الاتحاد العام للمرأة الفلسطينية names one; the home
            # front of a state, الجبهة الداخلية للدولة, is none)
            return False, "org_generic_adjective"
        if all(p == "nisba" for p in parts) and len(parts) == 1 and c.head == FEDERATION and c.sports:
            return True, "org_national_federation"  # الاتحاد الإنجليزي in sports news: the FA
        if all(p == "nisba" for p in parts):
            return False, "org_definite_head_nationality_only"  # الجيش الروسي: a description
        return True, "org_definite_head_adjective"
    if parts[0] in ("adj", "nisba", "lil"):
        return False, "org_head_then_adjective"  # شركة الروسية, وكالة للأنباء: no genitive
    if "gaz_misc" in parts and c.head not in ORG_HEADS_STRONG:
        return False, "org_event_after_weak_head"  # تنظيم كأس العالم: organising it, not a body
    if c.head in ORG_HEADS_WEAK and not c.tagger and not any(
            p in ("gaz_loc", "person") or (p == "propn" and tagger_name_word(r, ("PER", "ORG", "LOC")))
            for p, r in zip(parts, c.raw[1:])):
        # (a word the tagger reads as clearly common is no name word: تنظيم متتابع is organising)
        return False, "org_weak_head_without_name"
    if len(ext) == 1 and ext[0] in ORG_GENERIC_COMPLEMENTS:
        return False, "org_generic_complement"
    return True, "org_head_extent"


def _decide_place(c: Candidate) -> tuple[bool, str]:
    """LOC (a place cue): the tagger reads a name over the words after the cue, or one word
    that is rare in ANT, with or without ال (مخيم المغازي, بلدة الفارعة: a village's name is
    as often definite as not; a definite one must not read as clearly common to the tagger's
    word features); after منطقة / حي the tagger must agree; not when
    the cue follows an organisation head (فريق مدينة مانشستر), nor when the name ends
    with a connector or saint prefix (بلدة سانت | إيتيان, منطقة إيل دو | فرانس) or an
    adjective other than a nationality follows (حي الحجر | الأسود)."""
    if c.source != "place_cue":
        return False, "place_needs_cue"
    if c.evidence == "named_after":
        return True, "place_named_after_person"  # حي الشيخ جراح, مدينة الملك عبدالعزيز الطبية
    if not all(name_like(w, r) for w, r in zip(c.words, c.raw)):
        return False, "not_name_like"
    if c.before == "org_head":
        return False, "place_in_organisation_name"
    if c.words[-1] in NAME_CONNECTORS or c.words[-1] in PLACE_PREFIXES or c.after:
        return False, "place_extent_unclear"  # بلدة سانت | إيتيان, منطقة إيل دو | فرانس
    if c.tagger:
        return True, "place_after_cue_tagger"
    if c.cue in PLACE_CUES_NEEDING_TAGGER and c.evidence != "list":
        # (after a plural or dual cue, و and a next name show a list of names: بلدات عيترون وعيتا
        # الشعب, not مدن خيام or مخيمات مكيفة)
        return False, "place_cue_needs_tagger"
    if len(c.words) == 1 and c.rare and (not c.words[0].startswith("ال") or tagger_name_word(c.raw[0], ("LOC",))):
        # (a rare definite word may be a rare common one, مدينة الملاهي: the tagger's word
        # features must not read it as clearly common)
        return True, "place_after_cue_rare_word"
    return False, "place_common_word"
