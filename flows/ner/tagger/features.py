"""The attributes the CRF sees: per word type (the word, its clitic-stripped stem, affixes,
shape, ANT frequency and clusters, gazetteer and trigger words, stage-1 label shares over
ANT) at each offset of the window, and per position in a sentence (sentence boundaries,
multi-word gazetteer matches)."""
from __future__ import annotations

import re

from flows.ner.tagger.text import AL, TYPE_CACHE_SIZE, norm_cached, normalize, strip_clitics


LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
TYPES = ("PER", "LOC", "ORG", "MISC")
OFFSETS = (-2, -1, 0, 1, 2)


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


_DIGIT_RE = re.compile(r"\d")
PUNCT_RE = re.compile(r"^[^\w]+$")
_LATIN_RE = re.compile(r"[A-Za-z]")


def _shape(w: str) -> str:
    if PUNCT_RE.match(w):
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
    norm = [norm_cached(t) for t in tokens]
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
