"""Entity-level evaluation for Arabic NER (seqeval / conlleval style).

Independent of any particular tagger: it reads CoNLL/BIO files, scores
label sequences, and scores any char-offset extractor
``extract_fn(text) -> list[(start, end, type)]`` against gold token spans.

    python -m flows.ner_eval                    # seeds, then ANERcorp test for the three extractors
    python -m flows.ner_eval --system tagger    # dev and test tables for flows.ner.tagger.tag_text
    python -m flows.ner_eval --system combined  # gazetteer + tagger + rules (flows.ner.extract)
    python -m flows.ner_eval --system pipeline  # the warehouse's extractor (flows.ner.extract_precise)
"""
from __future__ import annotations

import os
import re
from collections import Counter
from typing import Callable, Iterable, Sequence

TYPES = ("PER", "LOC", "ORG", "MISC")
_TYPE_MAP = {"PERS": "PER", "PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(REPO_ROOT), "shared")
ANERCORP_TRAIN = os.path.join(SHARED, "ner", "anercorp", "train.txt")
ANERCORP_TEST = os.path.join(SHARED, "ner", "anercorp", "test.txt")
DEV_FRACTION = 0.10
ARTICLE_SENTENCES = 8  # ~250 tokens: the size of a 1,500-char news article


def norm_tag(tag: str) -> str:
    """PERS -> PER, MIS* -> MISC; keeps the B-/I- prefix; anything odd -> O."""
    if tag == "O" or len(tag) < 3 or tag[1] != "-":
        return "O"
    typ = tag[2:]
    if typ.startswith("MIS"):
        typ = "MISC"
    typ = _TYPE_MAP.get(typ)
    if typ is None or tag[0] not in "BI":
        return "O"
    return tag[0] + "-" + typ


def read_conll(path: str) -> list[tuple[list[str], list[str]]]:
    """Read a token<space or tab>tag file; blank line between sentences.

    Tags are normalised with :func:`norm_tag` (PERS -> PER)."""
    sents: list[tuple[list[str], list[str]]] = []
    toks: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip():
                if toks:
                    sents.append((toks, tags))
                    toks, tags = [], []
                continue
            parts = line.split("\t") if "\t" in line else line.rsplit(" ", 1)
            if len(parts) < 2:
                parts = line.split()
            tok, tag = parts[0].strip(), parts[-1].strip()
            if not tok:
                continue
            toks.append(tok)
            tags.append(norm_tag(tag))
    if toks:
        sents.append((toks, tags))
    return sents


def split_train_dev(sents: Sequence, dev_fraction: float = DEV_FRACTION):
    """The last ``dev_fraction`` of the sentences is the dev set."""
    n_dev = int(round(len(sents) * dev_fraction))
    return list(sents[: len(sents) - n_dev]), list(sents[len(sents) - n_dev:])


def get_entities(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start_token, end_token_exclusive, type) chunks, conlleval style:
    a chunk starts at B-X, or at I-X after O / a different type."""
    ents = []
    start, typ = None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        if tag == "O" or tag.startswith("B-") or (tag.startswith("I-") and tag[2:] != typ):
            if start is not None:
                ents.append((start, i, typ))
                start, typ = None, None
            if tag != "O":
                start, typ = i, tag[2:]
    return ents


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f, "tp": tp, "pred": n_pred, "gold": n_gold}


def score_entity_sets(gold: Iterable[set], pred: Iterable[set]) -> dict:
    """gold/pred: per-sentence sets of (start, end, type). Returns
    {"overall": prf, "PER": prf, ...}."""
    tp, np_, ng = Counter(), Counter(), Counter()
    for g, p in zip(gold, pred):
        for e in g:
            ng[e[2]] += 1
        for e in p:
            np_[e[2]] += 1
        for e in g & p:
            tp[e[2]] += 1
    res = {"overall": prf(sum(tp.values()), sum(np_.values()), sum(ng.values()))}
    for t in sorted(set(TYPES) | set(ng) | set(np_)):
        res[t] = prf(tp[t], np_[t], ng[t])
    return res


def score_tags(gold_seqs: Sequence[Sequence[str]], pred_seqs: Sequence[Sequence[str]]) -> dict:
    """Entity-level micro P/R/F1 of BIO sequences (exact span and type)."""
    gold = [set(get_entities(g)) for g in gold_seqs]
    pred = [set(get_entities(p)) for p in pred_seqs]
    return score_entity_sets(gold, pred)


# a predicted span may start after these proclitics inside a gold token
_PROCLITIC_RE = re.compile(r"^(?:[وف]?(?:لل|[بلك])|[وف])$")
_PUNCT_RE = re.compile(r"^[^\w]+$")


def _ok_prefix(prefix: str) -> bool:
    return prefix == "" or bool(_PROCLITIC_RE.match(prefix)) or bool(_PUNCT_RE.match(prefix))


def map_spans_to_tokens(tokens: Sequence[str], spans) -> tuple[set, int]:
    """Map char spans over ``" ".join(tokens)`` to token spans.

    A span may start after a proclitic (or punctuation) inside its first
    token and end before trailing punctuation of its last token; otherwise
    it must cover whole tokens. Returns (set of (start_tok, end_tok, type),
    number of spans that could not be mapped — these count as false
    positives)."""
    starts, ends = [], []
    pos = 0
    for t in tokens:
        starts.append(pos)
        ends.append(pos + len(t))
        pos += len(t) + 1
    out, bad = set(), 0
    for (s, e, typ) in spans:
        typ = _TYPE_MAP.get(typ, typ)
        ti = None
        for i, (ts, te) in enumerate(zip(starts, ends)):
            if ts <= s < te:
                ti = i
                break
        tj = None
        for j, (ts, te) in enumerate(zip(starts, ends)):
            if ts < e <= te:
                tj = j
                break
        if ti is None or tj is None or tj < ti:
            bad += 1
            continue
        text_i = tokens[ti]
        if not _ok_prefix(text_i[: s - starts[ti]]):
            bad += 1
            continue
        tail = tokens[tj][e - starts[tj]:]
        if tail and not _PUNCT_RE.match(tail):
            bad += 1
            continue
        out.add((ti, tj + 1, typ))
    return out, bad


def evaluate_spans(extract_fn: Callable[[str], list], path_or_sents, group: int = 1) -> dict:
    """Run ``extract_fn`` on each sentence's text (tokens joined by single
    spaces) and score exact span+type against the gold BIO tags.

    ``path_or_sents``: a CoNLL path or a list of (tokens, tags).
    ``group`` > 1 joins that many consecutive sentences with newlines into
    one text (an article-sized document, so document-level context can
    work) and splits the predicted spans back per sentence; a span that
    crosses a sentence boundary counts as a false positive."""
    sents = read_conll(path_or_sents) if isinstance(path_or_sents, str) else path_or_sents
    gold_sets, pred_sets = [], []
    unmapped = 0
    for g0 in range(0, len(sents), max(1, group)):
        chunk = sents[g0: g0 + max(1, group)]
        texts = [" ".join(toks) for toks, _ in chunk]
        offs, pos = [], 0
        for t in texts:
            offs.append(pos)
            pos += len(t) + 1
        spans = extract_fn("\n".join(texts))
        per = [[] for _ in chunk]
        for (s, e, typ) in spans:
            k = max(i for i, o in enumerate(offs) if o <= s) if s >= 0 else 0
            if e > offs[k] + len(texts[k]):
                per[k].append((-1, -1, typ))  # crosses a sentence boundary
            else:
                per[k].append((s - offs[k], e - offs[k], typ))
        for (toks, tags), sp in zip(chunk, per):
            mapped, bad = map_spans_to_tokens(toks, sp)
            unmapped += bad
            gold_sets.append(set(get_entities(tags)))
            # unmapped spans are false positives: give them an impossible span
            pred_sets.append(mapped | {(-1 - k, -1, "UNMAPPED") for k in range(bad)})
    res = score_entity_sets(gold_sets, pred_sets)
    res.pop("UNMAPPED", None)
    res["unmapped"] = unmapped
    return res


def format_table(res: dict, title: str = "") -> str:
    lines = []
    if title:
        lines.append(title)
    lines.append(f"{'type':8s} {'P':>6s} {'R':>6s} {'F1':>6s} {'gold':>6s} {'pred':>6s}")
    for k in ["overall"] + [t for t in TYPES if t in res]:
        r = res[k]
        lines.append(f"{k:8s} {r['p']:6.3f} {r['r']:6.3f} {r['f1']:6.3f} {r['gold']:6d} {r['pred']:6d}")
    if "unmapped" in res:
        lines.append(f"unmapped predicted spans: {res['unmapped']}")
    return "\n".join(lines)


def combined_spans(text: str) -> list:
    """(start, end, type) of the name mentions of :func:`flows.ner.extract`
    (gazetteer + tagger + rules + document pass; nisba forms are not names)."""
    from flows import ner

    return ner.spans(text)


def pipeline_spans(text: str) -> list:
    """(start, end, type) of the name mentions of :func:`flows.ner.extract_precise`,
    the extractor the pipeline loads into the warehouse (precision first)."""
    from flows import ner

    return [(m.start, m.end, m.entity_type) for m in ner.extract_precise(text)
            if m.mention_kind == "name"]


def main(argv=None) -> None:
    import argparse

    from flows.ner import tagger

    ap = argparse.ArgumentParser(description="ANERcorp dev/test scores")
    ap.add_argument("--system", choices=("all", "tagger", "combined", "pipeline"), default="all",
                    help="tagger: flows.ner.tagger.tag_text; combined: flows.ner.extract; pipeline: "
                         "flows.ner.extract_precise (what the warehouse gets); all: the test split "
                         "for the three (default)")
    args = ap.parse_args(argv)
    from flows import seed_eval

    for name in seed_eval.EXTRACTORS:
        print(seed_eval.format_report(seed_eval.evaluate(name)))
        print()
    if not os.path.exists(ANERCORP_TEST):
        raise SystemExit(f"missing {ANERCORP_TEST}")
    _, dev = split_train_dev(read_conll(ANERCORP_TRAIN))
    test = read_conll(ANERCORP_TEST)
    if args.system == "all":
        for label, fn in (("tagger (tag_text)", tagger.tag_text), ("combined (ner.extract)", combined_spans),
                          ("pipeline (ner.extract_precise)", pipeline_spans)):
            print(format_table(evaluate_spans(fn, test, group=ARTICLE_SENTENCES),
                               f"anercorp test, {label}, {ARTICLE_SENTENCES} sentences per text"))
            print()
        return
    if args.system == "pipeline":
        print(format_table(evaluate_spans(pipeline_spans, test, group=ARTICLE_SENTENCES),
                           f"anercorp test, pipeline extraction, {ARTICLE_SENTENCES} sentences per text"))
        return
    if args.system == "combined":
        print("note: the committed tagger was trained on all of train, dev included, so the dev line\n"
              "is optimistic; tune with a tagger trained without dev (flows.train_tagger --dev-only).\n")
        for name, data in (("dev (last 10% of train; the committed model was trained on all of train, so this is not held out)", dev), ("test", test)):
            print(format_table(evaluate_spans(combined_spans, data, group=ARTICLE_SENTENCES),
                               f"anercorp {name}, combined extraction, {ARTICLE_SENTENCES} sentences per text"))
            print()
        return
    for name, data in (("dev (last 10% of train; the committed model was trained on all of train, so this is not held out)", dev), ("test", test)):
        print(format_table(evaluate_spans(tagger.tag_text, data),
                           f"anercorp {name}, tag_text, one sentence at a time"))
        print()
        print(format_table(evaluate_spans(tagger.tag_text, data, group=ARTICLE_SENTENCES),
                           f"anercorp {name}, tag_text, {ARTICLE_SENTENCES} sentences per text (article-sized)"))
        print()


if __name__ == "__main__":
    main()
