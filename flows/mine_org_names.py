"""Organisation names learnt from unlabelled news: `seeds/gazetteer/corpus_org_names.tsv`.

    python -m flows.mine_org_names [--shared DIR] [--out FILE] [--exclude-urls FILE]

The extent grammar of the NER (:func:`flows.ner.organisations.org_extent`) reads a name after an
organisation head noun when its words have a shape it knows (a definite genitive, adjectives, a
لل complement, unknown name words). It cannot know names whose extent has another shape: ل + a
noun in construct (المرصد السوري لحقوق الإنسان), a plural noun in construct (مجلس وزراء الداخلية
العرب), a definite head noun inside (وزارة الحرس الوطني), a person's title and name (مستشفى الملك
فهد), a head noun outside its lists (شرطة العاصمة المقدسة). Such names are fixed: the news writes
them the same way again and again. This module finds them by that alone.

The rule, over the three news corpora under ../shared/corpus (ANT 2018, AlMayadeen 2023-24,
SaudiNewsNet 2015; each article once, by its body):

1. every occurrence of an organisation head noun (the NER's heads but فريق منتخب قناة, and
   :data:`EXTRA_STRONG_HEADS`, :data:`EXTRA_WEAK_HEADS`, :data:`EXTRA_DEFINITE_HEADS`; a proclitic
   و ف ب ل ك لل may be glued on) starts a sequence: the words after it up to punctuation, a line
   break, a digit or Latin word, a stop word (العام only after a definite word and not before a
   time word: الأمن العام), a title in construct (وزير), another body (بوزارة, ومنظمة, هيئة), where
   the body is (بالرياض, بمنطقة), at most :data:`MAX_WORDS` words;
2. every prefix of two words or more (the head and its first words) is counted: occurrences,
   distinct articles, how often the sequence ends there, and each next word;
3. a prefix is a name when it recurs (>= :data:`MIN_COUNT` times in >= :data:`MIN_DOCS`
   articles), is maximal (no single next word continues it in :data:`MAX_CONTINUATION` of its
   occurrences or more: المرصد السوري is almost always المرصد السوري لحقوق الإنسان), is not mostly
   continued by a definite word (:data:`MAX_DEFINITE_CONTINUATION`: وزارة الخارجية | الروسية
   names a different ministry each time), ends the sequence often enough (:data:`MIN_ENDS`:
   جامعة الملك | سعود, فيصل never does), and is no chance extension of a complete phrase
   (:data:`MIN_STABLE`: مجلس الوزراء | الموافقة);
4. its words have a name's shape (:func:`name_reason`): it ends cleanly (not in a function
   word, a title, a و/ل/ب word that needs more, a word with a possessive pronoun), an indefinite
   common word stands only in construct before a definite genitive (مجلس وزراء الداخلية العرب;
   not تنظيم إرهابي, وزارة الداخلية تعلن), after a definite word only an adjective; and it is no
   description: a head with one generic complement (مجلس الإدارة), a definite head with a generic
   adjective or a nationality alone (الجيش الروسي), a weak head without a name word (شركة
   الكهرباء), an extra definite head without a لل/ل complement (اللجنة التنفيذية), a known
   organisation with a description (وكالة رويترز للأنباء) — the lists of
   :func:`flows.ner.decide._decide_organisation` and the gazetteer;
5. the `grammar` column says whether the NER's grammar already reads the whole name by itself
   (in a neutral sentence, the gazetteer's mined names left out): the gazetteer takes only the
   names it does not (``grammar == 0``; :func:`flows.build_gazetteer.add_corpus_orgs`), so a
   mined name never replaces a reading the grammar makes, e.g. a longer one in context
   (وزارة الخارجية الروسية).

Word counts are the mined corpora's own (a word "common" from :data:`COMMON_PER_MILLION` per
million words, or when it takes the article often: إرهابي / الإرهابي).

``--exclude-urls``: articles whose URL is listed (one a line) are not read, e.g. an evaluation
set's articles, so that the list it is measured with did not learn from them.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import tarfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_OUT = REPO / "seeds" / "gazetteer" / "corpus_org_names.tsv"
CORPORA = ("ant", "almayadeen", "saudinewsnet")

MAX_WORDS = 7  # words after the head
MIN_COUNT = 15
MIN_DOCS = 8
MAX_CONTINUATION = 0.5  # one next word this often or more: the name goes on
MAX_DEFINITE_CONTINUATION = 0.5  # definite next words this often or more: a description
MIN_ENDS = 0.2  # a name ends (punctuation, a function word, a line break) this often at least
# a longer form of a complete phrase (one that ends MIN_ENDS of the time) this rare next to it is a
# chance collocation, not a longer name (مجلس الوزراء | الموافقة 0.03, الجيش السوري | وحلفائه 0.02;
# المرصد السوري لحقوق الإنسان is 0.8 of المرصد السوري)
MIN_STABLE = 0.1
# an indefinite word (not ال/لل) this frequent in ANT that is no first name is a common word, not a name's
# last word (أعلنت, تقوم, جديدة); a rare one is a name (هوفر, عبدالعزيز is a first name)
# (counts in the mined corpora, per million words; 40 is ANT's 300 of 7.7 M)
COMMON_PER_MILLION = 40

# head nouns of organisations besides the NER's (flows/ner/data/org_heads_*.txt), by the evidence a
# name after them needs (as in flows.ner.decide): strong ones (a genitive is enough: شرطة العاصمة
# المقدسة, شعبة التحريات), weak ones (a name word, a known place or person inside: بلدية غزة), definite
# ones (a لل/ل complement or a nationality inside: المديرية العامة للجوازات, اللجنة الأولمبية السعودية;
# not اللجنة التنفيذية, الأمانة العامة)
EXTRA_STRONG_HEADS = "شرطة شعبة أمانة".split()
EXTRA_WEAK_HEADS = "بلدية".split()
EXTRA_DEFINITE_HEADS = """المفوضية الأمانة المديرية الوكالة الجامعة المؤسسة الجمعية اللجنة الرابطة الأكاديمية
المركز الحركة المجموعة الصندوق الشرطة""".split()
# heads of the NER not mined: a team (فريق, منتخب: the sports rules' business) and a canal or
# channel (قناة السويس is a place; channels are in curated_media.csv)
NOT_MINED_HEADS = "فريق منتخب قناة".split()
# adjectives that describe a known body rather than name it (تنظيم داعش الإرهابي, الحزب الحاكم)
DESCRIBING_WORDS = """الإرهابي الإرهابية المتطرف المتطرفة المتشدد المتشددة المحظور المحظورة المنحل المنحلة""".split()
ORDINAL_WORDS = """الأول الأولى الثاني الثانية الثالث الثالثة الرابع الرابعة الخامس الخامسة السادس السادسة السابع
السابعة الثامن الثامنة التاسع التاسعة العاشر العاشرة الأخير الأخيرة الواحد""".split()
TIME_WORDS = "الماضي الماضية المقبل المقبلة القادم القادمة الحالي الحالية الجاري الجارية".split()

_TOKEN = re.compile(r"[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u0640\u064b-\u065f\u0670]+|[0-9\u0660-\u0669\u06f0-\u06f9]+"
                    r"|[A-Za-z]+|\n|\S")
_ARABIC_WORD = re.compile(r"^[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u0640\u064b-\u065f\u0670]+$")
_MARKS = re.compile("[\u0640\u064b-\u065f\u0670]")


# --------------------------------------------------------------------------- reading the corpora
@dataclass(frozen=True)
class Article:
    corpus: str
    url: str
    text: str  # title, a line break, body


def _ant(path: Path) -> Iterator[Article]:
    field_re = {t: re.compile(rf"<{t}>(.*?)</{t}>", re.S) for t in ("URL", "TITLE", "TEXT")}
    for tar in sorted(path.glob("*.tar.gz")):
        with tarfile.open(tar) as tf:
            for m in tf:
                if not m.isfile():
                    continue
                raw = tf.extractfile(m).read().decode("utf-8", "replace")
                got = {t: (r.search(raw).group(1) if r.search(raw) else "") for t, r in field_re.items()}
                yield Article("ant", got["URL"].strip(), got["TITLE"] + "\n" + got["TEXT"])


def _almayadeen(path: Path) -> Iterator[Article]:
    for f in sorted(path.glob("*.json.gz")):
        for o in json.loads(gzip.decompress(f.read_bytes()).decode("utf-8")):
            yield Article("almayadeen", (o.get("url") or "").strip(), (o.get("title") or "") + "\n" + (o.get("full_text") or ""))


def _saudinewsnet(path: Path) -> Iterator[Article]:
    for f in sorted(path.glob("*.zip")):
        with zipfile.ZipFile(f) as z:
            for name in z.namelist():
                if not name.endswith(".json"):
                    continue
                for o in json.loads(z.read(name).decode("utf-8")):
                    yield Article("saudinewsnet", (o.get("url") or "").strip(),
                                  (o.get("title") or "") + "\n" + (o.get("content") or ""))


READERS = {"ant": _ant, "almayadeen": _almayadeen, "saudinewsnet": _saudinewsnet}


def articles(shared: Path, corpora: Iterable[str] = CORPORA, exclude_urls: frozenset = frozenset()) -> Iterator[Article]:
    """Each article of the corpora once (by its text), less those whose URL is excluded."""
    seen: set[bytes] = set()
    for c in corpora:
        folder = shared / "corpus" / c
        if not folder.is_dir():
            continue
        for a in READERS[c](folder):
            if a.url in exclude_urls:
                continue
            h = hashlib.blake2b(a.text.encode("utf-8"), digest_size=12).digest()
            if h in seen:
                continue
            seen.add(h)
            yield a


# --------------------------------------------------------------------------- sequences after a head
def _one_word_places() -> frozenset:
    """Normalised one-word names of the gazetteer's places (جدة, مكة, الرياض)."""
    from flows.ner.gazetteer import load_gazetteer
    from flows.normalize import normalize

    g = load_gazetteer()
    keys = (normalize(n).strip() for e, names in zip(g.entities, g.names) if e.entity_type == "LOC" for n in names)
    return frozenset(k for k in keys if k and " " not in k)


class Lexicon:
    """The word lists the rule reads (the NER's, in their matching form)."""

    def __init__(self) -> None:
        from flows.ner import lexicon as L
        from flows.normalize import normalize

        def norm_set(ws) -> frozenset:
            return frozenset(normalize(w) for w in ws)

        self.norm = normalize
        not_mined = norm_set(NOT_MINED_HEADS)
        self.strong_heads = (L.ORG_HEADS_STRONG | norm_set(EXTRA_STRONG_HEADS)) - not_mined
        self.weak_heads = (L.ORG_HEADS_WEAK | norm_set(EXTRA_WEAK_HEADS)) - not_mined
        self.grammar_definite_heads = L.ORG_HEADS_DEFINITE
        self.extra_definite_heads = norm_set(EXTRA_DEFINITE_HEADS) - L.ORG_HEADS_DEFINITE
        self.heads = self.strong_heads | self.weak_heads | self.grammar_definite_heads | self.extra_definite_heads
        # every head of the NER ends a sequence, mined or not (فريق, قناة)
        self.all_heads = self.heads | L.ORG_HEADS
        self.person_titles = L.PERSON_TITLES
        self.place_words = L.PLACE_CUES | _one_word_places()
        self.connectors = L.NAME_CONNECTORS
        self.describing = L.ORG_GENERIC_ADJECTIVES | norm_set(DESCRIBING_WORDS)
        self.stop = L.STOP_WORDS
        self.title_heads = L.PERSON_TITLE_HEADS
        self.ordinals = frozenset(normalize(w) for w in ORDINAL_WORDS)
        self.time_words = frozenset(normalize(w) for w in TIME_WORDS)
        self.general = normalize("العام")
        self.generic_complements = L.ORG_GENERIC_COMPLEMENTS
        self.generic_adjectives = L.ORG_GENERIC_ADJECTIVES
        self._cache: dict[str, tuple | None] = {}

    def head(self, n: str) -> tuple | None:
        """(proclitic, head) when the normalised word is a head noun (of the NER or mined),
        possibly with a proclitic."""
        try:
            return self._cache[n]
        except KeyError:
            pass
        from flows.ner.words import first_reading

        r = first_reading(n, self.all_heads)
        if len(self._cache) > 200_000:
            self._cache.clear()
        self._cache[n] = r
        return r


def head_sequences(text: str, lex: Lexicon, words: Counter | None = None, hamza: Counter | None = None
                   ) -> Iterator[tuple[list[str], list[str], bool]]:
    """(normalised words, raw words, closed) of each sequence a head noun starts in the text:
    the head without its proclitic, then the words after it (see the module doc, step 1).
    `closed`: the sequence stopped at a boundary, not at the length limit. `words`, `hamza`:
    counters of every normalised word of the text, and of those written with أل/إل/آل (ألمانية
    normalises to المانيه, which only looks definite)."""
    for line in text.split("\n"):
        toks = _TOKEN.findall(line)
        norms = [lex.norm(t) if _ARABIC_WORD.match(t) else "" for t in toks]
        if words is not None:
            words.update(n for n in norms if n)
            hamza.update(n for n, t in zip(norms, toks) if n.startswith("ال") and t[:1] in "أإآ")
        n_tok = len(toks)
        for i, n in enumerate(norms):
            if not n:
                continue
            r = lex.head(n)
            if r is None:
                continue
            pre, head = r
            if head not in lex.heads:
                continue
            raw_head = _MARKS.sub("", toks[i])
            raw_head = "ا" + raw_head[len(pre) - 1:] if pre.endswith("لل") else raw_head[len(pre):]
            ns, raws = [head], [raw_head]
            j = i + 1
            closed = True
            while True:
                if j >= n_tok:
                    break
                w = norms[j]
                if not w:
                    break
                if len(ns) > MAX_WORDS:
                    closed = False
                    break
                if w == lex.general:
                    # "general" after a definite word of the name (الأمن العام), not "the year"
                    if not ns[-1].startswith("ال") or (j + 1 < n_tok and norms[j + 1] in lex.time_words):
                        break
                elif w in lex.stop or w in lex.title_heads:
                    break  # a function word; a title in construct (رئيس مجلس الوزراء | وزير الدفاع)
                elif w.startswith("بال") or (w[:1] == "ب" and w[1:] in lex.place_words):
                    break  # where the body is: مستشفى الملك فهد | بالهفوف, جمعية البر | بمنطقة ...
                else:
                    r2 = lex.head(w)
                    if r2 is not None and (r2[0] or not r2[1].startswith("ال")):
                        break  # another body: ومنظمة, بوزارة, هيئة
                ns.append(w)
                raws.append(_MARKS.sub("", toks[j]))
                j += 1
            if len(ns) > 1:
                yield ns, raws, closed


@dataclass
class Counts:
    count: Counter = field(default_factory=Counter)  # prefix -> occurrences
    docs: Counter = field(default_factory=Counter)  # prefix -> articles
    ends: Counter = field(default_factory=Counter)  # prefix -> occurrences where the sequence ends there
    corpus_docs: dict = field(default_factory=dict)  # corpus -> Counter prefix -> articles
    words: Counter = field(default_factory=Counter)  # normalised word -> occurrences
    hamza: Counter = field(default_factory=Counter)  # normalised word -> occurrences written أل/إل/آل
    articles: Counter = field(default_factory=Counter)  # corpus -> articles read


def count_prefixes(arts: Iterable[Article], lex: Lexicon | None = None, progress: bool = False) -> Counts:
    lex = lex or Lexicon()
    c = Counts()
    for k, a in enumerate(arts):
        c.articles[a.corpus] += 1
        seen: set[str] = set()
        for ns, _, closed in head_sequences(a.text, lex, c.words, c.hamza):
            for m in range(2, len(ns) + 1):
                p = " ".join(ns[:m])
                c.count[p] += 1
                seen.add(p)
            if closed:
                c.ends[" ".join(ns)] += 1
        c.docs.update(seen)
        c.corpus_docs.setdefault(a.corpus, Counter()).update(seen)
        if progress and k % 5000 == 0:
            print(f"  {k} articles, {len(c.count)} prefixes", file=sys.stderr)
    return c


# --------------------------------------------------------------------------- the rule
def continuations(counts: Counter, keys: Iterable[str]) -> dict[str, Counter]:
    """prefix -> Counter of the words that continue it (from the counts of longer prefixes)."""
    wanted = set(keys)
    out: dict[str, Counter] = {k: Counter() for k in wanted}
    for p, n in counts.items():
        cut = p.rfind(" ")
        if cut > 0 and p[:cut] in wanted:
            out[p[:cut]][p[cut + 1:]] += n
    return out


class Words:
    """What a normalised word is to the rule: definite, a لل/ل/و/ب word, a common word, a name
    word, an adjective (counts of the mined corpora)."""

    def __init__(self, lex: Lexicon, c: Counts, first_names: frozenset) -> None:
        from flows.ner.gazetteer import load_gazetteer
        from flows.ner.lexicon import GENERIC_MODIFIERS, UNSHAPED_ADJECTIVES

        self.lex, self.freq, self.hamza, self.firsts = lex, c.words, c.hamza, first_names
        self.common_count = COMMON_PER_MILLION * max(1, sum(c.words.values())) / 1e6
        self.nisba = load_gazetteer().modifiers - GENERIC_MODIFIERS
        self.adjectives = UNSHAPED_ADJECTIVES | load_gazetteer().modifiers

    def f(self, w: str) -> int:
        return self.freq.get(w, 0)

    def definite(self, w: str) -> bool:
        """ال + a word, not a word written with أل/إل/آل (ألمانية, إلغاء)."""
        return w.startswith("ال") and len(w) > 3 and self.hamza.get(w, 0) * 2 < max(1, self.f(w))

    def lil(self, w: str) -> bool:
        return w.startswith("لل") and len(w) > 4

    def clitic(self, w: str, letters: str) -> bool:
        """w is a proclitic (one of `letters`) + an indefinite word: لحقوق, وقال, بدعم."""
        return w[:1] in letters and len(w) > 3 and not w[1:3] == "ال" and not self.lil(w) \
            and self.f(w[1:]) >= self.f(w) and w not in self.firsts

    def common(self, w: str) -> bool:
        """An indefinite common word: a noun or adjective that takes the article often enough
        (إرهابي/الإرهابي, وزراء/الوزراء), or a word too frequent to be a name (أعلنت)."""
        if w in self.firsts or w in self.lex.connectors:
            return False
        n, definite = self.f(w), self.f("ال" + w)
        return definite >= max(20, 0.2 * n) or n >= self.common_count

    def name_word(self, w: str) -> bool:
        """An indefinite word that reads as (part of) a proper name: a first name, a connector
        (بن, عبد), a word the news does not use as a common word (هوفر, سابك)."""
        if self.definite(w) or self.lil(w) or w in self.lex.stop or w in self.lex.person_titles:
            return False
        if w in self.firsts or w in self.lex.connectors:
            return True
        return not any(self.clitic(w, p) for p in ("و", "ف", "ل", "ب")) and not self.common(w)

    def adjective(self, w: str) -> bool:
        """A definite adjective: a nisba or listed one (الروسية, المتحدة), the -ي/-ية shape
        (الوطني, الإسلامية), a participle (المقدسة, المسلحة, المتخصصة), a people whose nisba is
        frequent (العرب: العربي)."""
        return w in self.adjectives or w.endswith(("ي", "يه", "يين", "يون")) or (w.startswith("الم") and len(w) >= 6) \
            or self.f(w + "ي") + self.f(w + "يه") >= 0.5 * max(1, self.f(w))  # العرب (العربي), الروس

    def pronoun_suffix(self, w: str) -> bool:
        """An indefinite noun with a possessive pronoun: إدارتها, خارجيته."""
        return not w.startswith("ال") and len(w) >= 5 and w.endswith(("ته", "تها", "تهم", "ها", "هم", "هما"))


def name_reason(words: list[str], W: Words, mentions: list = ()) -> str:
    """Why head + words (normalised) is not an organisation's name, or "" when it is (module
    doc, steps 3-4; `mentions`: the gazetteer's mentions in the name, as (start, end, type,
    kind) over the words joined by spaces)."""
    lex = W.lex
    head, ext = words[0], words[1:]
    last = ext[-1]
    starts = [len(head) + 1]
    for w in ext[:-1]:
        starts.append(starts[-1] + len(w) + 1)
    if any(len(w) < 2 or w == "ال" for w in ext):
        return "junk_word"
    if last in lex.stop:
        return "ends_in_function_word"
    if last in lex.person_titles or last in lex.connectors:
        return "ends_in_title"  # جامعة الملك | سعود, مستشفى الأمير محمد بن | عبدالعزيز
    if W.clitic(last, "وف"):
        return "ends_in_conjunct"  # وقال, وأكد: a clause goes on
    if W.clitic(last, "ل"):
        return "ends_in_dangling_lam"  # لحقوق: a noun in construct needs its genitive
    if last.startswith("ب") and (W.clitic(last, "ب") or last.startswith("بال")):
        return "ends_in_preposition"  # جمعية البر | بالأحساء: where, not the name
    if last in lex.describing:
        return "describing_adjective"  # الحزب الحاكم, تنظيم داعش الإرهابي
    if any(W.pronoun_suffix(w) for w in ext):
        return "pronoun_suffix"  # مجلس إدارتها, وزارة خارجيتها
    if any(w in lex.person_titles or w in lex.title_heads for w in ext[1:]) or (
            head.startswith("ال") and (ext[0] in lex.person_titles or ext[0] in lex.title_heads)):
        return "person_in_apposition"  # وزارة الداخلية اللواء ..., المركز الدكتور ...
    if any(w.startswith("ال") and w[2:] in lex.all_heads and not w[2:].startswith("ال") for w in ext):
        return "another_body"  # مجلس إدارة النادي, مجلس إدارة الشركة السعودية للكهرباء
    for k, w in enumerate(ext):
        if (not W.definite(w) and not W.lil(w) and W.common(w)) or W.clitic(w, "ل"):
            # an indefinite common noun only in construct, before its definite genitive
            # (مجلس وزراء الداخلية, المرصد السوري لحقوق الإنسان); else a description or a verb
            # (تنظيم إرهابي, جامعة سعودية, وزارة الداخلية أعلنت)
            if k + 1 >= len(ext) or not W.definite(ext[k + 1]):
                return "indefinite_word_outside_construct"
        if k and W.definite(w) and (W.definite(ext[k - 1]) or W.lil(ext[k - 1])) and not W.adjective(w) \
                and not any(m[0] < starts[k] < m[1] for m in mentions):
            # after a definite word a definite noun is no genitive: a new phrase begins
            # (مجلس الوزراء | الموافقة, الشرطة | الغاز); an adjective or a place's word is fine
            return "definite_noun_after_definite"
        if k and w[:1] in "وف" and any(m[0] == starts[k] + 1 and m[3] == "name" for m in mentions):
            return "coordinates_another_name"  # مجلس التعاون | والولايات المتحدة
    if any(w in lex.ordinals for w in ext):
        return "ordinal"  # المركز السادس, المجموعة الرابعة: a rank, not a name
    if last in lex.generic_complements:
        return "ends_in_anaphora"  # ... الشركة: "the company" named before
    ext_start = starts[0]
    inside = [m for m in mentions if m[1] > ext_start]
    if any(m[2] == "ORG" and m[3] == "name" for m in inside):
        return "contains_known_organisation"  # وكالة رويترز للأنباء, شركة أرامكو السعودية
    has_place = any(m[2] in ("LOC", "PER") and m[3] == "name" for m in inside)
    complement = any(W.lil(w) or W.clitic(w, "ل") for w in ext)
    if head.startswith("ال"):
        if not W.definite(ext[0]) or not W.adjective(ext[0]):
            return "definite_head_then_no_adjective"  # المرصد | رامي عبد الرحمن, الشرطة | الغاز
        if ext[0] in lex.generic_adjectives:
            return "generic_adjective"  # الحزب الحاكم
        nisba_covered = all(w in W.nisba or any(m[3] == "nisba" and m[0] <= s < m[1] for m in inside)
                            for w, s in zip(ext, starts))
        if nisba_covered:
            return "nationality_only"  # الجيش الروسي, الجيش الكوري الجنوبي: a description
        if head in lex.extra_definite_heads and not complement:
            return "definite_head_without_complement"  # اللجنة التنفيذية, المؤسسة الأمنية الإسرائيلية
        return ""
    if W.lil(ext[0]) or W.clitic(ext[0], "لوف"):
        return "head_then_complement"  # لجنة للتحقيق: no genitive
    if len(ext) == 1 and ext[0] in lex.generic_complements:
        return "generic_complement"  # مجلس الإدارة
    if head in lex.weak_heads and not (has_place or any(W.name_word(w) for w in ext)):
        return "weak_head_without_name"  # شركة الكهرباء, حركة المرور, مركز الشرطة
    return ""


@dataclass(frozen=True)
class Mined:
    key: str  # normalised words
    name: str  # the most frequent written form
    count: int
    docs: int
    ends: int
    top_next: float  # share of the most frequent next word
    definite_next: float  # share of definite next words
    corpus_docs: tuple  # articles per corpus, in CORPORA order
    reason: str = ""  # why it is not a name, "" when it is
    grammar: int = 0  # 1: the NER's grammar reads the whole name by itself


def select(c: Counts, lex: Lexicon | None = None, min_count: int = MIN_COUNT, min_docs: int = MIN_DOCS) -> list[Mined]:
    """Every recurring prefix, judged by the rule (module doc, steps 3-4); `reason` is empty
    for a name."""
    from flows.ner.words import first_names

    lex = lex or Lexicon()
    W = Words(lex, c, first_names())
    frequent = [p for p, n in c.count.items() if n >= min_count and c.docs[p] >= min_docs]
    conts = continuations(c.count, frequent)
    judged: dict[str, Mined] = {}
    for p in frequent:
        n = c.count[p]
        nxt = conts[p]
        top = max(nxt.values()) / n if nxt else 0.0
        definite = sum(v for w, v in nxt.items() if w.startswith(("ال", "لل"))) / n
        if top >= MAX_CONTINUATION:
            reason = "not_maximal"  # المرصد السوري | لحقوق الإنسان
        elif definite >= MAX_DEFINITE_CONTINUATION:
            reason = "definite_continuation"  # وزارة الخارجية | الروسية, الأمريكية ...
        elif c.ends[p] < MIN_ENDS * n:
            reason = "seldom_ends"  # جامعة الملك | سعود, فيصل ...: always goes on
        elif any(c.ends[q] >= MIN_ENDS * c.count[q] and n < MIN_STABLE * c.count[q] for q in proper_prefixes(p)):
            reason = "chance_extension"  # مجلس الوزراء | الموافقة
        else:
            reason = name_reason(p.split(), W, gazetteer_mentions(p))
        judged[p] = Mined(p, "", n, c.docs[p], c.ends[p], round(top, 3), round(definite, 3),
                          tuple(c.corpus_docs.get(k, Counter())[p] for k in CORPORA), reason)
    out = []
    for p, m in judged.items():
        if not m.reason:
            words = p.split()
            for k in range(2, len(words)):
                nxt = words[k]
                if " ".join(words[:k]) in judged and not W.definite(nxt) and not W.lil(nxt) \
                        and not W.clitic(nxt, "ل") and nxt[:3] not in ("وال", "فال") \
                        and not name_reason(words[:k], W, gazetteer_mentions(" ".join(words[:k]))):
                    # a name, then a person or a clause: حركة حماس | إسماعيل هنية
                    m = Mined(**{**m.__dict__, "reason": "name_then_apposition"})
                    break
        out.append(m)
    return sorted(out, key=lambda m: (-m.docs, m.key))


def proper_prefixes(p: str) -> list[str]:
    """The prefixes of two words or more of a name, itself left out."""
    words = p.split()
    return [" ".join(words[:k]) for k in range(2, len(words))]


def gazetteer_mentions(key: str) -> list[tuple]:
    """(start, end, type, kind) of the gazetteer's mentions in a normalised name, the mined
    names left out."""
    from flows.ner.matcher import extract_mentions

    return [(m.start, m.end, m.entity_type, m.mention_kind) for m in extract_mentions(key)
            if not m.entity_id.startswith(CORPUS_ID_PREFIX)]


def surfaces(arts: Iterable[Article], keys: set[str], lex: Lexicon | None = None) -> dict[str, str]:
    """key -> its most frequent written form (without marks) in the corpora."""
    lex = lex or Lexicon()
    forms: dict[str, Counter] = {k: Counter() for k in keys}
    for a in arts:
        for ns, raws, _ in head_sequences(a.text, lex):
            for m in range(2, len(ns) + 1):
                p = " ".join(ns[:m])
                if p in forms:
                    forms[p][" ".join(raws[:m])] += 1
    return {k: (f.most_common(1)[0][0] if f else k) for k, f in forms.items()}


def grammar_reads(name: str) -> bool:
    """Whether the NER's organisation grammar reads `name` whole, by itself, in a neutral
    sentence (the gazetteer's mined names left out): then the gazetteer needs no entry."""
    from flows.ner import tagger
    from flows.ner.decide import decide
    from flows.ner.lexicon import ORG_HEADS
    from flows.ner.organisations import org_head_candidate
    from flows.ner.precise import _gazetteer_mentions, _overlap_kinds, _tagger_spans
    from flows.ner.tokens import tokens_of
    from flows.ner.words import reading_in

    text = f"وقالت {name} في بيان."
    s0, e0 = 6, 6 + len(name)
    gaz = [m for m in _gazetteer_mentions(text) if not m.entity_id.startswith(CORPUS_ID_PREFIX)]
    if any(m.entity_type == "ORG" and m.mention_kind == "name" and m.start <= s0 and m.end >= e0 for m in gaz):
        return True  # the gazetteer already knows the name
    token_spans = tagger.tokenize(text)
    toks = tokens_of(text, gaz, token_spans)
    _, tagged = _tagger_spans(text, toks, token_spans)
    overlaps = _overlap_kinds(gaz)
    for i, t in enumerate(toks):
        if t.s != s0:
            continue
        r = reading_in(t.n, ORG_HEADS)
        if r is None:
            return False
        found = org_head_candidate(text, toks, i, r, gaz, tagged, overlaps)
        return found is not None and found[0] == s0 and found[1] == e0 and decide(found[2])[0]
    return False


CORPUS_ID_PREFIX = "org:corpus:"
_TRANSLIT = str.maketrans({"ا": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
                           "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "e",
                           "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w",
                           "ي": "y", "ء": "", "ئ": "y", "ؤ": "w", " ": "_"})


def translit_slug(key: str) -> str:
    """An ASCII id part for a normalised Arabic name (letter by letter): وزاره الحرس الوطني ->
    wzarh_alhrs_alwtny."""
    return re.sub(r"[^a-z_]+", "", key.translate(_TRANSLIT)).strip("_")
COLUMNS = ["name", "key", "count", "docs", *(f"docs_{c}" for c in CORPORA), "ends", "top_next", "definite_next",
           "grammar"]


def write_tsv(names: list[Mined], out: Path, header: str) -> None:
    with out.open("w", encoding="utf-8") as f:
        for line in header.splitlines():
            f.write(f"# {line}\n")
        f.write("\t".join(COLUMNS) + "\n")
        for m in names:
            f.write("\t".join(str(x) for x in (m.name, m.key, m.count, m.docs, *m.corpus_docs, m.ends, m.top_next,
                                                m.definite_next, m.grammar)) + "\n")


def mine(shared: Path, exclude_urls: frozenset = frozenset(), progress: bool = False) -> tuple[list[Mined], Counts]:
    lex = Lexicon()
    c = count_prefixes(articles(shared, exclude_urls=exclude_urls), lex, progress)
    judged = select(c, lex)
    names = [m for m in judged if not m.reason]
    forms = surfaces(articles(shared, exclude_urls=exclude_urls), {m.key for m in names}, lex)
    import dataclasses

    names = [dataclasses.replace(m, name=forms.get(m.key, m.key), grammar=int(grammar_reads(forms.get(m.key, m.key))))
             for m in names]
    return names, c


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--exclude-urls", type=Path, help="a file of article URLs (one a line) not to read")
    a = ap.parse_args(argv)
    if not (a.shared / "corpus").is_dir():
        print(f"no corpora under {a.shared}/corpus", file=sys.stderr)
        return 2
    exclude = frozenset()
    if a.exclude_urls:
        exclude = frozenset(ln.strip() for ln in a.exclude_urls.read_text(encoding="utf-8").splitlines() if ln.strip())
    names, c = mine(a.shared, exclude, progress=True)
    read = ", ".join(f"{k} {c.articles[k]}" for k in CORPORA)
    header = (f"organisation names mined by flows/mine_org_names.py (rule in its module doc) from {read} articles"
              f"{f', {len(exclude)} URLs excluded' if exclude else ''}\n"
              f"min count {MIN_COUNT}, min articles {MIN_DOCS}; grammar = 1: the NER grammar reads the name "
              f"itself (not taken into the gazetteer)\ncounts only, no corpus text")
    write_tsv(names, a.out, header)
    print(f"wrote {len(names)} names ({sum(1 for m in names if not m.grammar)} the grammar does not read) "
          f"to {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
