"""The document-level second stage: each token gets the first stage's labels of the same
word (its clitic-stripped stem) elsewhere in the text."""
from __future__ import annotations

import functools

from flows.ner.tagger.features import LABELS
from flows.ner.tagger.text import TYPE_CACHE_SIZE, norm_cached, strip_clitics


@functools.lru_cache(maxsize=TYPE_CACHE_SIZE)
def _stem_cached(word: str) -> str:
    return strip_clitics(norm_cached(word))[1]


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
