"""Statistical Arabic NER tagger (linear-chain CRF, pure-Python inference).

The model is trained with python-crfsuite (see ``flows/train_tagger.py``)
and exported to ``seeds/models/``; inference here needs only numpy and the
standard library. Features of a token depend on its word type and on the
word types of its neighbours (window +-2), so the emission scores a word
type contributes at each window offset are summed once per type and cached;
a handful of sequence-dependent ("dynamic") features (sentence boundary,
multi-word gazetteer match, document-level second pass) are added per token.
Viterbi runs batched over the sentences of a text in numpy.

Public API: :func:`tokenize`, :func:`tag_tokens`, :func:`tag_text`.
"""
from __future__ import annotations

import functools

import gzip
import json
import os
import re
from functools import lru_cache

import numpy as np

MODEL_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "seeds", "models")
LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
TYPES = ("PER", "LOC", "ORG", "MISC")
OFFSETS = (-2, -1, 0, 1, 2)
# word types whose features/vectors are cached; a long run over many articles clears a
# full cache and starts over, so memory stays flat (150k types: about 100 MB in all)
TYPE_CACHE_SIZE = 150_000

# --------------------------------------------------------------------------
# tokenization

_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_TOKEN_RE = re.compile(
    r"\d+(?:[.,\u066b\u066c]\d+)+"          # 1.3  112,5
    r"|(?:[^\W_]|[" + _MARKS + r"])+"       # words (letters, digits, diacritics)
    r"|\S"                                   # any other single char
)
_SENT_END = frozenset(".!?\u061f")


def tokenize(text: str) -> list[tuple[int, int]]:
    """(start, end) char offsets of tokens; punctuation is split off words,
    Arabic words keep their clitics."""
    return [m.span() for m in _TOKEN_RE.finditer(text)]


def _sentences(text: str, spans: list[tuple[int, int]]) -> list[list[int]]:
    """Group token indices into sentences: split after . ! ? and at newlines."""
    sents: list[list[int]] = []
    cur: list[int] = []
    prev_end = 0
    for i, (s, e) in enumerate(spans):
        if cur and "\n" in text[prev_end:s]:
            sents.append(cur)
            cur = []
        cur.append(i)
        prev_end = e
        if e - s == 1 and text[s] in _SENT_END:
            sents.append(cur)
            cur = []
    if cur:
        sents.append(cur)
    return sents


# --------------------------------------------------------------------------
# normalisation and clitics

_NORM_TABLE = str.maketrans({
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # alefs
    "\u0649": "\u064a",  # alef maqsura -> ya
    "\u06cc": "\u064a", "\u06a9": "\u0643", "\u06a4": "\u0641", "\u067e": "\u0628", "\u06af": "\u0643",
})
_STRIP_RE = re.compile("[" + _MARKS + "]")
_DIGIT_RE = re.compile(r"\d")


def normalize(word: str) -> str:
    """Arabic letter normalisation used for all lexical lookups."""
    w = _STRIP_RE.sub("", word).translate(_NORM_TABLE)
    return w.lower() if w.isascii() else w


AL = "\u0627\u0644"  # ال
LL = "\u0644\u0644"  # لل


def strip_clitics(w: str) -> tuple[str, str]:
    """Greedy clitic split of a normalised word: (prefix, stem).
    Conjunction و/ف, then preposition ب/ك/ل (or لل = ل+ال), then ال."""
    pre = ""
    if len(w) >= 4 and w[0] in "\u0648\u0641":  # و ف
        pre, w = w[0], w[1:]
    if len(w) >= 4 and w.startswith(LL):
        return pre + LL, w[2:]
    if len(w) >= 4 and w[0] in "\u0628\u0643\u0644" and w[1:3] == AL:  # بال كال لال
        pre, w = pre + w[0], w[1:]
    if len(w) >= 4 and w.startswith(AL):
        return pre + AL, w[2:]
    return pre, w


_PROCLITICS = ("\u0648\u0644\u0644", "\u0641\u0644\u0644", LL,
               "\u0648\u0628", "\u0648\u0644", "\u0648\u0643", "\u0641\u0628", "\u0641\u0644", "\u0641\u0643",
               "\u0648", "\u0641", "\u0628", "\u0644", "\u0643")
_PROCLITICS_BY_LEN = sorted(_PROCLITICS, key=len)
_LETTER_RE = re.compile(r"[^\W\d_]")


@functools.lru_cache(maxsize=TYPE_CACHE_SIZE)
def proclitic_len(word: str) -> int:
    """Length of the proclitic to cut off the first token of an entity
    (و ف ب ل ك لل and combinations), 0 when the word is better read whole.
    A known name (gazetteer) wins, whole word first, then the shortest
    clitic; otherwise the remainder must be clearly more frequent in ANT."""
    res = _resources()
    freq = res["freq"]
    gaz1 = res["gaz1"]
    nw = normalize(word)
    if nw in gaz1:
        return 0
    cands = []
    for p in _PROCLITICS_BY_LEN:
        if not nw.startswith(p):
            continue
        rest = nw[len(p):]
        if len(_LETTER_RE.findall(rest)) < 2:
            continue
        cands.append((p, AL + rest if p.endswith(LL) else rest))
    for p, rest in cands:
        if rest in gaz1:
            return _raw_prefix_len(word, len(p))
    best, best_f = 0, freq.get(nw, 0)
    for p, rest in cands:
        f = freq.get(rest, 0)
        if f > best_f * 2 and f >= 3:
            best, best_f = _raw_prefix_len(word, len(p)), f
    return best


def _raw_prefix_len(word: str, n_letters: int) -> int:
    k = 0
    i = 0
    while i < len(word) and k < n_letters:
        if not _STRIP_RE.match(word[i]):
            k += 1
        i += 1
    while i < len(word) and _STRIP_RE.match(word[i]):
        i += 1
    return i


# --------------------------------------------------------------------------
# resources


def _read_lex(path: str):
    """word \t count \t cluster ids ... (gzip)."""
    freq: dict[str, int] = {}
    clus: dict[str, tuple] = {}
    if not os.path.exists(path):
        return freq, clus
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        fh.readline()  # header row
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            freq[parts[0]] = int(parts[1])
            if len(parts) > 2 and parts[2]:
                clus[parts[0]] = tuple(parts[2:])
    return freq, clus


def _read_gaz(path: str):
    """type \t normalised name (space separated tokens)."""
    single: dict[str, set] = {}
    multi: dict[str, list] = {}
    if not os.path.exists(path):
        return single, multi
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            typ, name = line.rstrip("\n").split("\t")[:2]
            toks = tuple(name.split())
            if not toks:
                continue
            if len(toks) == 1:
                single.setdefault(toks[0], set()).add(typ)
            else:
                multi.setdefault(toks[0], []).append((toks, typ))
    for k in multi:
        multi[k].sort(key=lambda x: -len(x[0]))
    return single, multi


def _read_triggers(path: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            cls, word = line.rstrip("\n").split("\t")[:2]
            out[normalize(word)] = cls
    return out


def _read_ant(path: str) -> dict[str, tuple]:
    """stem \t counts of the 9 labels the stage-1 tagger gave it over ANT."""
    out: dict[str, tuple] = {}
    if not os.path.exists(path):
        return out
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        fh.readline()
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            out[parts[0]] = tuple(int(x) for x in parts[1:])
    return out


def ant_features(st: str, ant: dict) -> list[str]:
    """Bucketed share of each label the stage-1 tagger gave this stem in ANT
    (a self-trained, context-pooled gazetteer)."""
    c = ant.get(st)
    if c is None:
        return []
    tot = sum(c)
    out = []
    for k in range(1, len(LABELS)):
        if c[k]:
            fr = c[k] / tot
            if fr >= 0.1:
                b = "9" if fr >= 0.9 else "6" if fr >= 0.6 else "3" if fr >= 0.3 else "1"
                out.append("a" + LABELS[k] + b)
    if not out:
        out.append("a=lowO")
    return out


@lru_cache(maxsize=4)
def _resources_at(model_dir: str) -> dict:
    freq, clus = _read_lex(os.path.join(model_dir, "ner_lex.tsv.gz"))
    gaz1, gazm = _read_gaz(os.path.join(model_dir, "ner_gaz.tsv"))
    trig = _read_triggers(os.path.join(model_dir, "ner_triggers.tsv"))
    ant = _read_ant(os.path.join(model_dir, "ner_ant.tsv.gz"))
    return {"freq": freq, "clus": clus, "gaz1": gaz1, "gazm": gazm, "trig": trig, "ant": ant}


def _resources(model_dir: str | None = None) -> dict:
    return _resources_at(model_dir or MODEL_DIR)


# --------------------------------------------------------------------------
# features

_PUNCT_RE = re.compile(r"^[^\w]+$")
_LATIN_RE = re.compile(r"[A-Za-z]")


def _shape(w: str) -> str:
    if _PUNCT_RE.match(w):
        return "P"
    if w.isdigit():
        return "D"
    if _DIGIT_RE.search(w):
        return "d"
    if _LATIN_RE.search(w):
        return "L" if w[:1].isupper() else "l"
    return "A"


def _freq_bucket(f: int) -> str:
    if f == 0:
        return "0"
    if f < 5:
        return "1"
    if f < 50:
        return "2"
    if f < 500:
        return "3"
    return "4"


def base_features(word: str, res: dict) -> tuple[list[str], list[str], list[str]]:
    """Features of one word type: (offset 0, offsets +-1, offsets +-2)."""
    w = normalize(word)
    pre, st = strip_clitics(w)
    clus = res["clus"]
    freq = res["freq"]
    gaz1 = res["gaz1"]
    trig = res["trig"]
    f0 = ["w=" + w, "pf=" + pre, "st=" + st, "sh=" + _shape(w),
          "p2=" + w[:2], "p3=" + w[:3], "s1=" + w[-1:], "s2=" + w[-2:], "s3=" + w[-3:],
          "sp2=" + st[:2], "sp3=" + st[:3], "ss2=" + st[-2:], "ss3=" + st[-3:],
          "len=" + str(min(len(st), 9)), "fq=" + _freq_bucket(freq.get(w, 0))]
    c = clus.get(w)
    cs = clus.get(st) if st != w else None
    if c is None and cs is None and st != w:
        cs = clus.get(AL + st)
    if c is None and cs is not None:
        c = cs
        cs = None
    alt = st[1:] if len(st) >= 4 and st[0] in "\u0628\u0643\u0644" else None  # bare ب ك ل
    if c is None and alt is not None:
        c = clus.get(alt)
    ctx = ["w=" + w, "st=" + st]
    ctx2 = ["st=" + st]
    if c is not None:
        for k, cid in enumerate(c):
            f0.append(f"c{k}={cid}")
            ctx.append(f"c{k}={cid}")
        ctx2.append(f"c1={c[min(1, len(c) - 1)]}")
    else:
        f0.append("c=none")
    if cs is not None:
        for k, cid in enumerate(cs):
            f0.append(f"sc{k}={cid}")
    g = gaz1.get(w) or gaz1.get(st) or (gaz1.get(AL + st) if st != w else None) or (gaz1.get(alt) if alt else None)
    if g:
        for t in sorted(g):
            f0.append("g=" + t)
            ctx.append("g=" + t)
    ant = res.get("ant")
    if ant:
        af = ant_features(st, ant)
        f0.extend(af)
        ctx.extend(af)
    t = trig.get(w) or trig.get(st) or trig.get(AL + st)
    if t:
        f0.append("tr=" + t)
        ctx.append("tr=" + t)
        ctx2.append("tr=" + t)
    return f0, ctx, ctx2


_ATTR_CACHE: dict = {}
@functools.lru_cache(maxsize=TYPE_CACHE_SIZE)
def _norm_cached(word: str) -> str:
    return normalize(word)


def type_attrs(word: str, res: dict) -> list[list[str]]:
    """Full attribute strings this word type contributes, per offset in OFFSETS."""
    key = (id(res), word)
    v = _ATTR_CACHE.get(key)
    if v is not None:
        return v
    if len(_ATTR_CACHE) > 100_000:
        _ATTR_CACHE.clear()
    v = _ATTR_CACHE[key] = _type_attrs(word, res)
    return v


def _type_attrs(word: str, res: dict) -> list[list[str]]:
    f0, ctx, ctx2 = base_features(word, res)
    out = []
    for d in OFFSETS:
        src = f0 if d == 0 else (ctx if abs(d) == 1 else ctx2)
        out.append([f"{d}:{f}" for f in src])
    return out


_GM_CANDS: dict = {}  # id(gazm) -> normalised word -> its forms that start a multi-word gazetteer name


def _gm_cands(w: str, gm_cands: dict, gazm: dict) -> tuple[str, ...]:
    """The forms of normalised word w (itself, without a proclitic) that start a
    multi-word gazetteer name; cached per word."""
    cands = [w]
    pre, st = strip_clitics(w)
    if pre:
        cands.append(pre.endswith(AL) and (AL + st) or st)
        if pre.endswith(AL):
            cands.append(st)
    cands = tuple(c for c in cands if c in gazm)  # a tuple: not walked by the garbage collector
    if len(gm_cands) > TYPE_CACHE_SIZE:
        gm_cands.clear()
    gm_cands[w] = cands
    return cands


_GM_BY_SECOND: dict = {}


def _gazm_by_second(gazm: dict) -> dict:
    """(first word, second word) -> the multi-word names that start so, longest first
    (every multi-word name has a second word, so this finds all of them)."""
    v = _GM_BY_SECOND.get(id(gazm))
    if v is None:
        v = {}
        for first, names in gazm.items():
            for toks, typ in names:  # already longest first
                v.setdefault((first, toks[1]), []).append((toks, typ))
        _GM_BY_SECOND.clear()
        _GM_BY_SECOND[id(gazm)] = v
    return v


def gazetteer_matches(norm_toks: list[str], res: dict) -> list[str | None]:
    """Longest multi-word gazetteer match: per token 'B-TYPE' / 'I-TYPE' / None.
    The first token may carry a proclitic."""
    gazm = res["gazm"]
    gm_cands = _GM_CANDS.setdefault(id(gazm), {})
    by_second = _gazm_by_second(gazm)
    n = len(norm_toks)
    out: list[str | None] = [None] * n
    get = gm_cands.get
    # most words start no name: find the few that may in one pass, then look at those
    starts = [i for i, w in enumerate(norm_toks) if get(w, True)]
    i = 0
    for i0 in starts:
        if i0 < i:
            continue
        i = i0
        w = norm_toks[i]
        cands = get(w)
        if cands is None:
            cands = _gm_cands(w, gm_cands, gazm)
        if not cands:
            continue
        if i + 1 >= n:
            break
        matched = 0
        mtype = None
        second = norm_toks[i + 1]
        for c in cands:
            for toks, typ in by_second.get((c, second), ()):
                L = len(toks)
                if L <= matched or i + L > n:
                    continue
                if L == 2 or all(norm_toks[i + k] == toks[k] for k in range(2, L)):
                    matched, mtype = L, typ
                    break
        if matched:
            out[i] = "B-" + mtype
            for k in range(1, matched):
                out[i + k] = "I-" + mtype
            i += matched
    return out


def dynamic_attrs(tokens: list[str], res: dict) -> list[list[str]]:
    """Sequence-dependent attributes (not cacheable per word type)."""
    norm = [_norm_cached(t) for t in tokens]
    gm = gazetteer_matches(norm, res)
    n = len(tokens)
    out: list[list[str]] = [[] for _ in range(n)]
    if n:
        out[0].append("BOS")
        out[n - 1].append("EOS")
    # only tokens next to a multi-word gazetteer match get more
    for i in [i for i, g in enumerate(gm) if g is not None]:
        g = gm[i]
        if i > 0:
            out[i - 1].append("1:mg=" + g)
        out[i].append("0:mg=" + g)
        if i + 1 < n:
            out[i + 1].append("-1:mg=" + g)
    for a in out:
        if len(a) > 1:
            a.sort(key=_dyn_order)
    return out


def _dyn_order(a: str) -> int:
    # the order the attributes had before (BOS, EOS, 0:, -1:, 1:): a token's attribute
    # tuple is a cache key, and sums are then bit-identical
    return (0 if a == "BOS" else 1 if a == "EOS" else 2 if a[0] == "0" else 3 if a[0] == "-" else 4)


def sentence_attrs(tokens: list[str], res: dict, cache: dict | None = None) -> list[list[str]]:
    """All attributes of a sentence, as crfsuite training sees them."""
    if cache is None:
        cache = {}
    per_type = []
    for t in tokens:
        v = cache.get(t)
        if v is None:
            v = cache[t] = type_attrs(t, res)
        per_type.append(v)
    dyn = dynamic_attrs(tokens, res)
    n = len(tokens)
    xseq = []
    for i in range(n):
        a = []
        for k, d in enumerate(OFFSETS):
            j = i + d
            if 0 <= j < n:
                a.extend(per_type[j][k])
        a.extend(dyn[i])
        xseq.append(a)
    return xseq


# --------------------------------------------------------------------------
# model


class CRFModel:
    """Weights exported from a crfsuite model: attribute -> row of a
    (n_attr, n_labels) matrix, plus the label transition matrix."""

    def __init__(self, path: str, res: dict):
        z = np.load(path, allow_pickle=False)
        attrs = bytes(z["attrs"]).decode("utf-8").split("\n")
        self.index = {a: i for i, a in enumerate(attrs)}
        self.W = z["W"].astype(np.float64)
        self.trans = z["trans"].astype(np.float64)
        self.labels = [str(x) for x in bytes(z["labels"]).decode("utf-8").split("\n")]
        assert self.labels == LABELS, self.labels
        self.res = res
        self._type_cache: dict[str, np.ndarray] = {}
        self._attr_cache: dict[tuple, np.ndarray | None] = {}
        self._zero = np.zeros(len(LABELS))
        self._feat_block_id: dict[tuple, int] = {}
        self._blocks = np.zeros((1024, len(OFFSETS), len(LABELS)))  # row 0: unused
        self._blocks_n = 1
        self._vid: dict[str, int] = {}
        self._V = np.zeros((0, len(OFFSETS), len(LABELS)))
        self._Vn = 0

    def type_vec(self, word: str) -> np.ndarray:
        """(len(OFFSETS), n_labels): emission contribution of this word type
        to the token at position (its position - d) for each offset d."""
        v = self._type_cache.get(word)
        if v is None:
            v = self._type_cache[word] = self._compute_type_vec(word)
            if len(self._type_cache) > TYPE_CACHE_SIZE:
                self._type_cache.clear()
        return v

    def _compute_type_vec(self, word: str) -> np.ndarray:
        # the attributes of type_attrs(word): "d:f" for f in f0 (d = 0), ctx (d = +-1),
        # ctx2 (d = +-2). Each (feature, group) has one precomputed (offsets, labels)
        # block, so a new word type costs a few dict lookups and one sum.
        f0, ctx, ctx2 = base_features(word, self.res)
        ids = []
        get = self._feat_block_id.get
        for group, src in enumerate((f0, ctx, ctx2)):
            for f in src:
                b = get((group, f))
                if b is None:
                    b = self._new_feat_block(group, f)
                if b:
                    ids.append(b)
        return self._blocks[ids].sum(0) if ids else np.zeros((len(OFFSETS), len(LABELS)))

    def _new_feat_block(self, group: int, f: str) -> int:
        """Id of the block of feature f seen at offsets of `group` (0: d = 0, 1: d = +-1,
        2: d = +-2); 0 when the model has no weight for it there."""
        block = np.zeros((len(OFFSETS), len(LABELS)))
        hit = False
        for k, d in enumerate(OFFSETS):
            if abs(d) != group:
                continue
            r = self.index.get(f"{d}:{f}")
            if r is not None:
                block[k] = self.W[r]
                hit = True
        if not hit:
            self._feat_block_id[(group, f)] = 0
            return 0
        if len(self._feat_block_id) > TYPE_CACHE_SIZE:  # unbounded vocabularies: start over
            self._feat_block_id.clear()
            self._blocks_n = 1
        b = self._blocks_n
        if b >= self._blocks.shape[0]:
            grown = np.zeros((2 * b, len(OFFSETS), len(LABELS)))
            grown[:b] = self._blocks
            self._blocks = grown
        self._blocks[b] = block
        self._blocks_n = b + 1
        self._feat_block_id[(group, f)] = b
        return b

    def attr_vec(self, attrs: list[str]) -> np.ndarray | None:
        key = tuple(attrs)
        if key in self._attr_cache:
            return self._attr_cache[key]
        idx = self.index
        rows = [idx[a] for a in attrs if a in idx]
        v = self.W[rows].sum(0) if rows else None
        if len(self._attr_cache) < 200_000:
            self._attr_cache[key] = v
        return v

    def emissions(self, tokens: list[str], extra: list[list[str]] | None = None) -> np.ndarray:
        n = len(tokens)
        T = np.stack([self.type_vec(t) for t in tokens])  # (n, 5, L)
        E = T[:, 2].copy()
        # token i gets V[i+d][d]
        for k, d in enumerate(OFFSETS):
            if d < 0 and n > -d:
                E[-d:] += T[: n + d, k]
            elif d > 0 and n > d:
                E[: n - d] += T[d:, k]
        dyn = dynamic_attrs(tokens, self.res)
        if extra is not None:
            for i, a in enumerate(extra):
                if a:
                    dyn[i] = dyn[i] + a
        for i, a in enumerate(dyn):
            if a:
                v = self.attr_vec(a)
                if v is not None:
                    E[i] += v
        return E

    def _type_rows(self, words: list[str]) -> np.ndarray:
        """Row ids into ``self._V`` (n_types, len(OFFSETS), n_labels) of the
        word types, computing (and caching) the type vectors of new words."""
        vid = self._vid
        if len(vid) > TYPE_CACHE_SIZE:
            vid.clear()
            self._V = np.zeros((0, len(OFFSETS), len(LABELS)))
            self._Vn = 0
        ids = []
        new = []
        for w in words:
            i = vid.get(w)
            if i is None:
                i = vid[w] = self._Vn + len(new)
                new.append(w)
            ids.append(i)
        if new:
            need = self._Vn + len(new)
            if need > len(self._V):  # grow by doubling: amortised O(1) per new type
                V = np.zeros((max(need, 2 * len(self._V), 1024), len(OFFSETS), len(LABELS)))
                V[: self._Vn] = self._V[: self._Vn]
                self._V = V
            for j, w in enumerate(new):  # not through type_vec's cache: _V is the cache here
                self._V[self._Vn + j] = self._compute_type_vec(w)
            self._Vn = need
        return np.asarray(ids, dtype=np.int64)

    def emissions_batch(self, sents: list[list[str]], dyns: list[list[list[str]]]) -> list[np.ndarray]:
        """Emission matrices of several sentences at once (same numbers as
        :meth:`emissions`): one cached type-vector lookup for all tokens,
        offsets masked at sentence boundaries. ``dyns``: per sentence, the
        dynamic attributes of each token (dynamic_attrs plus any extra)."""
        if not sents:
            return []
        flat = [w for s in sents for w in s]
        lens = [len(s) for s in sents]
        sid = np.repeat(np.arange(len(sents)), lens)
        ids = self._type_rows(flat)
        T = self._V[ids]  # (N, 5, L)
        N = len(flat)
        E = T[:, 2].copy()
        for k, d in enumerate(OFFSETS):
            if d == 0 or N <= abs(d):
                continue
            if d < 0:
                same = (sid[-d:] == sid[: N + d])[:, None]
                E[-d:] += np.where(same, T[: N + d, k], 0.0)
            else:
                same = (sid[: N - d] == sid[d:])[:, None]
                E[: N - d] += np.where(same, T[d:, k], 0.0)
        i = 0
        for dyn in dyns:
            for a in dyn:
                if a:
                    v = self.attr_vec(a)
                    if v is not None:
                        E[i] += v
                i += 1
        out = []
        pos = 0
        for n in lens:
            out.append(E[pos: pos + n])
            pos += n
        return out

    def viterbi_batch(self, Es: list[np.ndarray]) -> list[list[int]]:
        """Best label path of each emission matrix. The sentences are sorted longest
        first, so at step t the ones still running are a prefix of the batch: no
        masking, and the arrays shrink as short sentences end."""
        if not Es:
            return []
        order = sorted(range(len(Es)), key=lambda b: -len(Es[b]))
        lens = [len(Es[b]) for b in order]
        B, Lmax, L = len(Es), lens[0], len(LABELS)
        E = np.zeros((B, Lmax, L))
        for r, b in enumerate(order):
            E[r, : lens[r]] = Es[b]
        bp = np.zeros((B, Lmax, L), dtype=np.int8)
        delta = E[:, 0].copy()
        tr = self.trans[None]
        k = B
        for t in range(1, Lmax):
            while lens[k - 1] <= t:
                k -= 1
            s = delta[:k, :, None] + tr
            bp[:k, t] = s.argmax(1)
            delta[:k] = s.max(1) + E[:k, t]  # the max is the value at the argmax: same numbers
        best = delta.argmax(1).tolist()
        out: list[list[int]] = [[] for _ in Es]
        for r, b in enumerate(order):
            n = lens[r]
            path = [0] * n
            cur = best[r]
            bpr = bp[r, :n].tobytes()  # one flat copy; indexing bytes gives ints, no nested lists
            for t in range(n - 1, 0, -1):
                path[t] = cur
                cur = bpr[t * L + cur]
            path[0] = cur
            out[b] = path
        return out


@lru_cache(maxsize=4)
def _load_models(model_dir: str) -> dict:
    res = _resources(model_dir)
    out = {"res": res}
    with open(os.path.join(model_dir, "ner_config.json"), encoding="utf-8") as fh:
        out["config"] = json.load(fh)
    out["stage1"] = CRFModel(os.path.join(model_dir, "ner_crf1.npz"), res)
    p2 = os.path.join(model_dir, "ner_crf2.npz")
    out["stage2"] = CRFModel(p2, res) if out["config"].get("stage2") and os.path.exists(p2) else None
    return out


def get_models(model_dir: str | None = None) -> dict:
    return _load_models(model_dir or MODEL_DIR)


# --------------------------------------------------------------------------
# document-level second stage


@functools.lru_cache(maxsize=TYPE_CACHE_SIZE)
def _stem_cached(word: str) -> str:
    return strip_clitics(_norm_cached(word))[1]


def _doc_tail(agg: dict[str, int], lab: int) -> list[str]:
    """doc= / docf= attributes from the stage-1 type counts of a word elsewhere (`agg` is consumed)."""
    own = LABELS[lab][2:] if lab else "O"
    agg[own] = agg.get(own, 0) - 1  # exclude the token itself
    tot = sum(agg.values())
    if tot <= 0:
        return []
    ents = {t: k for t, k in agg.items() if t != "O" and k > 0}
    if not ents:
        return ["doc=O"]
    top = max(ents, key=lambda t: (ents[t], t))
    return ["doc=" + top, "docf=" + top + ("H" if ents[top] / tot >= 0.5 else "L")]


def _count_types(stems: list[str], path: list[int], counts: dict) -> dict:
    """Add each stem's stage-1 type (PER/LOC/ORG/MISC/O) to `counts` (stem -> type -> n)."""
    for w, lab in zip(stems, path):
        if len(w) < 2:
            continue
        c = counts.setdefault(w, {})
        typ = LABELS[lab][2:] if lab else "O"
        c[typ] = c.get(typ, 0) + 1
    return counts


def _doc_attrs_whole(stems: list[list[str]], paths: list[list[int]]) -> list[list[list[str]]]:
    """doc_attrs when every sentence's window covers the whole text (the
    usual case for an article): one count table for the text, the same
    attributes as the windowed loop."""
    counts: dict[str, dict] = {}
    for st, path in zip(stems, paths):
        _count_types(st, path, counts)
    memo: dict = {}
    out = []
    for st, path in zip(stems, paths):
        sent_out = []
        for w, lab in zip(st, path):
            key = (w, lab)
            tail = memo.get(key)
            if tail is None:
                tail = _doc_tail(dict(counts[w]), lab) if len(w) >= 2 else []
                memo[key] = tail
            sent_out.append(["1st=" + LABELS[lab]] + tail)
        out.append(sent_out)
    return out


def doc_attrs(sents: list[list[str]], paths: list[list[int]], window: int = 30) -> list[list[list[str]]]:
    """Second-stage attributes: for each token, the first-stage labels of the
    same word (clitic-stripped form) elsewhere within +-window sentences."""
    stems = [[_stem_cached(t) for t in s] for s in sents]
    if len(sents) <= window + 1:
        return _doc_attrs_whole(stems, paths)
    # per sentence: stem -> Counter of entity types given by stage 1
    per_sent = [_count_types(st, path, {}) for st, path in zip(stems, paths)]
    out = []
    S = len(sents)
    for si, (st, path) in enumerate(zip(stems, paths)):
        lo, hi = max(0, si - window), min(S, si + window + 1)
        sent_out = []
        for w, lab in zip(st, path):
            a = ["1st=" + LABELS[lab]]
            if len(w) >= 2:
                agg: dict[str, int] = {}
                for sj in range(lo, hi):
                    c = per_sent[sj].get(w)
                    if c:
                        for typ, k in c.items():
                            agg[typ] = agg.get(typ, 0) + k
                a.extend(_doc_tail(agg, lab))
            sent_out.append(a)
        out.append(sent_out)
    return out


# --------------------------------------------------------------------------
# public API


def _tag_sentences(sents: list[list[str]], model_dir: str | None = None, stage2: bool = True) -> list[list[int]]:
    m = get_models(model_dir)
    s1: CRFModel = m["stage1"]
    sents_nz = [s for s in sents if s]
    dyns = [dynamic_attrs(s, s1.res) for s in sents_nz]  # shared by both stages
    paths = s1.viterbi_batch(s1.emissions_batch(sents_nz, dyns))
    s2: CRFModel | None = m["stage2"] if stage2 else None
    if s2 is not None:
        extra = doc_attrs(sents_nz, paths, m["config"].get("doc_window", 30))
        dyn2 = [[a + x if x else a for a, x in zip(d, ex)] for d, ex in zip(dyns, extra)]
        paths = s2.viterbi_batch(s2.emissions_batch(sents_nz, dyn2))
    it = iter(paths)
    return [next(it) if s else [] for s in sents]


def _fix_bio(labels: list[str]) -> list[str]:
    out = []
    prev = "O"
    for lab in labels:
        if lab.startswith("I-") and prev[2:] != lab[2:]:
            lab = "B-" + lab[2:]
        out.append(lab)
        prev = lab
    return out


def tag_sentences(sents: list[list[str]], model_dir: str | None = None, stage2: bool = True) -> list[list[str]]:
    """BIO labels for a list of token lists that form one document (the
    document-level stage sees them all; ``stage2=False``: first stage only,
    about twice as fast)."""
    return [_fix_bio([LABELS[k] for k in p]) for p in _tag_sentences(sents, model_dir, stage2)]


def tag_tokens(tokens: list[str]) -> list[str]:
    """BIO labels (PER, LOC, ORG, MISC) for one token sequence."""
    if not tokens:
        return []
    return tag_sentences([list(tokens)])[0]


def tag_text(text: str, stage2: bool = True, spans: list[tuple[int, int]] | None = None
             ) -> list[tuple[int, int, str]]:
    """Entity spans (start, end, type) with char offsets into ``text``.
    ``stage2=False`` skips the document-level second stage (faster; used by
    :mod:`flows.ner_combined`, which has its own document pass). ``spans``: the
    text's :func:`tokenize`, when the caller has it already."""
    if spans is None:
        spans = tokenize(text)
    if not spans:
        return []
    sent_idx = _sentences(text, spans)
    sents = [[text[spans[i][0]: spans[i][1]] for i in s] for s in sent_idx]
    labels = tag_sentences(sents, stage2=stage2)
    return _spans_of(text, spans, sent_idx, sents, labels)


def _spans_of(text: str, spans, sent_idx, sents, labels) -> list[tuple[int, int, str]]:
    """Character spans of the BIO labels of a text's sentences (a proclitic cut off)."""
    out = []
    for idxs, toks, labs in zip(sent_idx, sents, labels):
        ents = []
        start = None
        typ = None
        for k, lab in enumerate(labs + ["O"]):
            if lab == "O" or lab.startswith("B-"):
                if start is not None:
                    ents.append((start, k, typ))
                    start = None
                if lab != "O":
                    start, typ = k, lab[2:]
        for a, b, t in ents:
            s0 = spans[idxs[a]][0]
            e0 = spans[idxs[b - 1]][1]
            cut = proclitic_len(toks[a])
            if cut and s0 + cut < e0:
                s0 += cut
            out.append((s0, e0, t))
    return out
