"""From a text to entity spans: both stages over its sentences, BIO labels to character
spans, a proclitic cut off an entity's first word."""
from __future__ import annotations

import functools
import re

from flows.ner.tagger.crf import CRFModel, get_models
from flows.ner.tagger.document import doc_attrs
from flows.ner.tagger.features import LABELS, dynamic_attrs
from flows.ner.tagger.model_files import resources
from flows.ner.tagger.text import AL, LL, MARKS_RE, TYPE_CACHE_SIZE, normalize, sentences, tokenize


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
    res = resources()
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
        if not MARKS_RE.match(word[i]):
            k += 1
        i += 1
    while i < len(word) and MARKS_RE.match(word[i]):
        i += 1
    return i


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


def fix_bio(labels: list[str]) -> list[str]:
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
    return [fix_bio([LABELS[k] for k in p]) for p in _tag_sentences(sents, model_dir, stage2)]


def tag_tokens(tokens: list[str]) -> list[str]:
    """BIO labels (PER, LOC, ORG, MISC) for one token sequence."""
    if not tokens:
        return []
    return tag_sentences([list(tokens)])[0]


def tag_text(text: str, stage2: bool = True, spans: list[tuple[int, int]] | None = None
             ) -> list[tuple[int, int, str]]:
    """Entity spans (start, end, type) with char offsets into ``text``.
    ``stage2=False`` skips the document-level second stage (faster; used by
    :mod:`flows.ner`, which has its own document pass). ``spans``: the
    text's :func:`tokenize`, when the caller has it already."""
    if spans is None:
        spans = tokenize(text)
    if not spans:
        return []
    sent_idx = sentences(text, spans)
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
