"""Rebuild the NER tagger's model files in seeds/models/ from /work/shared.

    python -m flows.train_tagger                  # clusters + gazetteer + CRFs
    python -m flows.train_tagger --skip-clusters  # keep the committed ner_lex.tsv.gz

Steps (all deterministic):
 1. word clusters: word2vec (gensim, 1 worker, fixed seed) on the normalised
    ANT news corpus, k-means (scikit-learn) at k = 64 / 256 / 1024, written with
    corpus counts to ``ner_lex.tsv.gz`` (training-only dependencies: gensim,
    scikit-learn; inference needs neither).
 2. gazetteer: countries, cities and ANERgazet from /work/shared/gazetteer plus
    the curated ``ner_gaz_curated.tsv`` -> ``ner_gaz.tsv``.
 3. stage-1 CRF (python-crfsuite, L-BFGS with L1+L2) on ANERcorp train minus
    the last 10% (dev); dev F1 printed.
 4. stage-2 CRF: same features plus document-level features built from
    stage-1 labels of the same word in +-N sentences; stage-1 labels of the
    training data come from 5-fold jackknifing so that they are as noisy as
    at test time. Dev F1 printed.
 5. unless --dev-only: both stages retrained on all of ANERcorp train and
    exported (``ner_crf1.npz``, ``ner_crf2.npz``, ``ner_config.json``).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sys
import tarfile
import tempfile
import time
import zlib

import numpy as np

from flows import ner_eval
from flows.ner import tagger as T

SHARED = ner_eval.SHARED
ANT_TAR = os.path.join(SHARED, "corpus", "ant", "antcorpus.multisource.data-f117ce4.tar.gz")
GAZ_DIR = os.path.join(SHARED, "gazetteer")
CACHE_DIR = os.environ.get("AKHBAR_NER_CACHE", os.path.join(tempfile.gettempdir(), "akhbar_ner_cache"))

DEFAULT_PARAMS = {"c1": 0.05, "c2": 0.05, "max_iterations": 150}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# ANT corpus -> normalised sentences


def ant_sentence_file() -> str:
    """Tokenised, normalised ANT sentences, one per line (cached outside the repo)."""
    os.makedirs(CACHE_DIR, exist_ok=True)
    out = os.path.join(CACHE_DIR, "ant_sentences.txt")
    if os.path.exists(out):
        return out
    log("reading ANT ...")
    tmp = out + ".tmp"
    n_docs = 0
    with tarfile.open(ANT_TAR) as tar, open(tmp, "w", encoding="utf-8") as fo:
        members = sorted((m for m in tar if m.isfile()), key=lambda m: m.name)
        for m in members:
            raw = tar.extractfile(m).read().decode("utf-8", "replace")
            for chunk in raw.split("<TEXT>")[1:]:
                text = chunk.split("</TEXT>")[0]
                text = text.replace("#", " ").replace("_", " ")
                spans = T.tokenize(text)
                for sent in T.sentences(text, spans):
                    toks = [T.normalize(text[spans[i][0]:spans[i][1]]) for i in sent]
                    if len(toks) >= 3:
                        fo.write(" ".join(toks) + "\n")
                n_docs += 1
    os.replace(tmp, out)
    log(f"ANT: {n_docs} docs")
    return out


def _hash(s: str) -> int:
    return zlib.crc32(s.encode("utf-8"))


def build_clusters(out_path: str, ks=(64, 256, 1024), dim=100, min_count=5, epochs=5) -> None:
    from gensim.models import Word2Vec
    from sklearn.cluster import MiniBatchKMeans
    from collections import Counter

    path = ant_sentence_file()
    with open(path, encoding="utf-8") as fh:
        sents = [line.split() for line in fh]
    counts = Counter(w for s in sents for w in s)
    t0 = time.time()
    log(f"word2vec on {sum(counts.values())} tokens ...")
    w2v = Word2Vec(sents, vector_size=dim, window=5, min_count=min_count, sg=1, negative=5,
                   epochs=epochs, workers=1, seed=13, hashfxn=_hash, sample=1e-4)
    log(f"word2vec {time.time() - t0:.0f}s, vocab {len(w2v.wv)}")
    words = list(w2v.wv.index_to_key)
    X = w2v.wv.vectors.astype(np.float64)
    X /= np.linalg.norm(X, axis=1, keepdims=True) + 1e-9
    cols = []
    for k in ks:
        t0 = time.time()
        km = MiniBatchKMeans(n_clusters=k, random_state=0, batch_size=4096, n_init=3, max_iter=100)
        cols.append(km.fit_predict(X))
        log(f"k-means k={k} {time.time() - t0:.0f}s")
    with gzip.GzipFile(out_path, "wb", mtime=0) as gz:
        gz.write(("word\tcount\t" + "\t".join(f"k{k}" for k in ks) + "\n").encode("utf-8"))
        for i, w in enumerate(words):
            gz.write((w + "\t" + str(counts[w]) + "\t" + "\t".join(str(c[i]) for c in cols) + "\n").encode("utf-8"))


# --------------------------------------------------------------------------
# gazetteer


def _split_forms(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


def build_gazetteer(out_path: str, model_dir: str) -> None:
    entries: set[tuple[str, str]] = set()

    def add(typ: str, name: str):
        toks = [T.normalize(name[s:e]) for s, e in T.tokenize(name)]
        toks = [t for t in toks if not T.PUNCT_RE.match(t)]
        if toks and sum(len(t) for t in toks) >= 2:
            entries.add((typ, " ".join(toks)))

    import csv
    with open(os.path.join(GAZ_DIR, "countries_ar.tsv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            for col in ("cldr_ar", "pycountry_ar", "mledoze_ar", "capital_ar_geonames"):
                for f in _split_forms(row.get(col) or ""):
                    add("LOC", f)
    with open(os.path.join(GAZ_DIR, "countries_umpirsky_ar.tsv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            for f in _split_forms(row.get("name_ar") or ""):
                add("LOC", f)
    with open(os.path.join(GAZ_DIR, "cities_ar_geonames.tsv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            for f in _split_forms(row.get("arabic_forms") or ""):
                add("LOC", f)
    with open(os.path.join(GAZ_DIR, "cities_ar_cldr.tsv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            for f in _split_forms(row.get("arabic_forms") or ""):
                add("LOC", f)
    ag = os.path.join(GAZ_DIR, "anergazet")
    for fn, typ in (("AlignedLocGazetteer.txt", "LOC"), ("AlignedOrgGazetteer.txt", "ORG"),
                    ("AlignedPersGazetteer.txt", "PER")):
        p = os.path.join(ag, fn)
        if not os.path.exists(p):
            continue
        with open(p, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                line = line.strip()
                if not line or line.startswith("====") or line.startswith("****"):
                    continue
                add(typ, line)
    cur = os.path.join(model_dir, "ner_gaz_curated.tsv")
    if os.path.exists(cur):
        with open(cur, encoding="utf-8") as fh:
            for line in fh:
                if line.strip() and not line.startswith("#"):
                    typ, name = line.rstrip("\n").split("\t")[:2]
                    add(typ, name)
    with open(out_path, "w", encoding="utf-8") as fo:
        fo.write("# type\tnormalised name; built by flows/train_tagger.py from /work/shared/gazetteer "
                 "(CLDR, pycountry, mledoze, umpirsky, GeoNames, ANERgazet) + ner_gaz_curated.tsv\n")
        for typ, name in sorted(entries):
            fo.write(f"{typ}\t{name}\n")
    log(f"gazetteer: {len(entries)} entries")


# --------------------------------------------------------------------------
# CRF training / export


def train_crf(xseqs, yseqs, model_path: str, params: dict) -> None:
    import pycrfsuite

    tr = pycrfsuite.Trainer(verbose=False)
    for x, y in zip(xseqs, yseqs):
        tr.append(x, y)
    p = {"c1": params["c1"], "c2": params["c2"], "max_iterations": params["max_iterations"],
         "feature.possible_transitions": True}
    if params.get("minfreq"):
        p["feature.minfreq"] = params["minfreq"]
    tr.set_params(p)
    t0 = time.time()
    tr.train(model_path)
    log(f"  trained {model_path} in {time.time() - t0:.0f}s")


def export_crf(model_path: str, npz_path: str) -> None:
    import pycrfsuite

    tg = pycrfsuite.Tagger()
    tg.open(model_path)
    info = tg.info()
    lab_index = {l: i for i, l in enumerate(T.LABELS)}
    rows: dict[str, np.ndarray] = {}
    for (attr, lab), w in info.state_features.items():
        if abs(w) < 1e-6:
            continue
        r = rows.get(attr)
        if r is None:
            r = rows[attr] = np.zeros(len(T.LABELS), dtype=np.float32)
        r[lab_index[lab]] = w
    trans = np.zeros((len(T.LABELS), len(T.LABELS)), dtype=np.float32)
    for (a, b), w in info.transitions.items():
        trans[lab_index[a], lab_index[b]] = w
    attrs = sorted(rows)
    W = np.stack([rows[a] for a in attrs]) if attrs else np.zeros((0, len(T.LABELS)), np.float32)
    np.savez_compressed(npz_path, attrs=np.frombuffer("\n".join(attrs).encode("utf-8"), dtype=np.uint8),
                        W=W.astype(np.float16), trans=trans,
                        labels=np.frombuffer("\n".join(T.LABELS).encode("utf-8"), dtype=np.uint8))
    log(f"  exported {len(attrs)} attributes -> {npz_path} ({os.path.getsize(npz_path) / 1e6:.1f} MB)")


def ant_stats(npz: str, res: dict, out_path: str, max_tokens: int = 4_000_000) -> dict:
    """Tag (a sample of) ANT with a stage-1 model and count, per clitic-stripped
    stem, how often each label was given. Written to ``out_path``."""
    m = T.CRFModel(npz, res)
    path = ant_sentence_file()
    with open(path, encoding="utf-8") as fh:
        lines = fh.readlines()
    n_tok = sum(line.count(" ") + 1 for line in lines)
    step = max(1, round(n_tok / max_tokens))
    sample = [line.split() for line in lines[::step]]
    sample = [s[:120] for s in sample if s]
    counts: dict[str, list] = {}
    t0 = time.time()
    B = 64
    done = 0
    for b0 in range(0, len(sample), B):
        batch = sample[b0:b0 + B]
        paths = m.viterbi_batch([m.emissions(s) for s in batch])
        for toks, path in zip(batch, paths):
            for tok, lab in zip(toks, path):
                st = T.strip_clitics(tok)[1]
                c = counts.get(st)
                if c is None:
                    c = counts[st] = [0] * len(T.LABELS)
                c[lab] += 1
            done += len(toks)
    log(f"  tagged {done} ANT tokens in {time.time() - t0:.0f}s ({done / (time.time() - t0):.0f} tok/s)")
    keep = {w: c for w, c in counts.items() if sum(c) >= 3 and sum(c[1:]) >= 1}
    with gzip.GzipFile(out_path, "wb", mtime=0) as gz:
        gz.write(("stem\t" + "\t".join(T.LABELS) + "\n").encode("utf-8"))
        for w in sorted(keep):
            gz.write((w + "\t" + "\t".join(map(str, keep[w])) + "\n").encode("utf-8"))
    log(f"  ANT stats for {len(keep)} stems -> {out_path}")
    return {w: tuple(c) for w, c in keep.items()}


def featurize(sents, res) -> list:
    cache: dict = {}
    return [T.sentence_attrs(toks, res, cache) for toks, _ in sents]


def stage2_xseqs(x1, sents, paths, window):
    extra = T.doc_attrs([t for t, _ in sents], paths, window)
    return [[a + e for a, e in zip(xs, ex)] for xs, ex in zip(x1, extra)]


def fit_stage1(sents, res, params, work: str, name: str) -> str:
    x = featurize(sents, res)
    mp = os.path.join(work, name + ".crfsuite")
    train_crf(x, [y for _, y in sents], mp, params)
    npz = os.path.join(work, name + ".npz")
    export_crf(mp, npz)
    return npz


def predict_paths(npz: str, sents_tokens, res, extra=None) -> list:
    m = T.CRFModel(npz, res)
    if extra is None:
        return m.viterbi_batch([m.emissions(s) for s in sents_tokens])
    return m.viterbi_batch([m.emissions(s, x) for s, x in zip(sents_tokens, extra)])


def jackknife_paths(sents, res, params, work: str, k: int = 5) -> list:
    n = len(sents)
    bounds = [round(i * n / k) for i in range(k + 1)]
    paths: list = []
    for f in range(k):
        a, b = bounds[f], bounds[f + 1]
        log(f"  jackknife fold {f + 1}/{k}")
        npz = fit_stage1(sents[:a] + sents[b:], res, params, work, f"jk{f}")
        paths.extend(predict_paths(npz, [t for t, _ in sents[a:b]], res))
    return paths


def fit_stage2(sents, res, params, work: str, name: str, window: int, jk_paths) -> str:
    x1 = featurize(sents, res)
    x2 = stage2_xseqs(x1, sents, jk_paths, window)
    mp = os.path.join(work, name + ".crfsuite")
    train_crf(x2, [y for _, y in sents], mp, params)
    npz = os.path.join(work, name + ".npz")
    export_crf(mp, npz)
    return npz


def score(sents, paths) -> dict:
    pred = [T.fix_bio([T.LABELS[k] for k in p]) for p in paths]
    return ner_eval.score_tags([y for _, y in sents], pred)


def run(model_dir: str, params: dict, stage2: bool, window: int, dev_only: bool,
        jk_folds: int = 5, use_aqmar: bool = False, use_ant: bool = True,
        ant_tokens: int = 4_000_000, skip_dev: bool = False) -> dict:
    res0 = dict(T.resources_at.__wrapped__(model_dir))
    res0["ant"] = {}
    train_all = ner_eval.read_conll(ner_eval.ANERCORP_TRAIN)
    train, dev = ner_eval.split_train_dev(train_all)
    extra_train = []
    if use_aqmar:
        extra_train = ner_eval.read_conll(os.path.join(SHARED, "ner", "aqmar", "train.bio"))
    work = tempfile.mkdtemp(prefix="ner_train_")
    out: dict = {}
    try:
        if not skip_dev:
            out = dev_run(train, dev, extra_train, res0, params, stage2, window, jk_folds, use_ant,
                          ant_tokens, work)
        if not dev_only:
            final_run(train_all, extra_train, res0, params, stage2, window, jk_folds, use_ant,
                      ant_tokens, work, model_dir, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def dev_run(train, dev, extra_train, res, params, stage2, window, jk_folds, use_ant, ant_tokens, work):
    out = {}
    dev_tokens = [t for t, _ in dev]
    log(f"stage 1 on {len(train)} sentences (dev {len(dev)}) params={params}")
    npz1 = fit_stage1(train + extra_train, res, params, work, "s1dev")
    p1 = predict_paths(npz1, dev_tokens, res)
    r1 = score(dev, p1)
    out["dev_stage1_noant"] = r1
    print(ner_eval.format_table(r1, "dev, stage 1 without ANT self-tagging features"), flush=True)
    if use_ant:
        ant = ant_stats(npz1, res, os.path.join(work, "ant_dev.tsv.gz"), ant_tokens)
        res = dict(res, ant=ant)
        npz1 = fit_stage1(train + extra_train, res, params, work, "s1devant")
        p1 = predict_paths(npz1, dev_tokens, res)
        r1 = score(dev, p1)
        print(ner_eval.format_table(r1, "dev, stage 1 with ANT self-tagging features"), flush=True)
    out["dev_stage1"] = r1
    if stage2:
        jk = jackknife_paths(train, res, params, work, jk_folds)
        npz2 = fit_stage2(train, res, params, work, "s2dev", window, jk)
        extra = T.doc_attrs(dev_tokens, p1, window)
        p2 = predict_paths(npz2, dev_tokens, res, extra)
        r2 = score(dev, p2)
        out["dev_stage2"] = r2
        print(ner_eval.format_table(r2, f"dev, stage 2 (document window +-{window} sentences)"), flush=True)
    return out


def final_run(train_all, extra_train, res, params, stage2, window, jk_folds, use_ant, ant_tokens,
              work, model_dir, dev_out):
    log("final models on all of ANERcorp train")
    npz1 = fit_stage1(train_all + extra_train, res, params, work, "s1all")
    ant_path = os.path.join(model_dir, "ner_ant.tsv.gz")
    if use_ant:
        ant = ant_stats(npz1, res, ant_path, ant_tokens)
        res = dict(res, ant=ant)
        npz1 = fit_stage1(train_all + extra_train, res, params, work, "s1allant")
    elif os.path.exists(ant_path):
        os.remove(ant_path)
    shutil.copy(npz1, os.path.join(model_dir, "ner_crf1.npz"))
    if stage2:
        jk = jackknife_paths(train_all, res, params, work, jk_folds)
        npz2 = fit_stage2(train_all, res, params, work, "s2all", window, jk)
        shutil.copy(npz2, os.path.join(model_dir, "ner_crf2.npz"))
    f1 = {k: round(v["overall"]["f1"], 4) for k, v in dev_out.items()}
    with open(os.path.join(model_dir, "ner_config.json"), "w", encoding="utf-8") as fh:
        json.dump({"stage2": stage2, "doc_window": window, "params": params, "ant": use_ant,
                   "ant_tokens": ant_tokens, "dev_f1": f1}, fh, indent=1, sort_keys=True)
        fh.write("\n")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", default=T.MODEL_DIR)
    ap.add_argument("--skip-clusters", action="store_true", help="keep the existing ner_lex.tsv.gz")
    ap.add_argument("--skip-gazetteer", action="store_true", help="keep the existing ner_gaz.tsv")
    ap.add_argument("--dev-only", action="store_true", help="train on train-minus-dev, print dev F1, write nothing")
    ap.add_argument("--no-stage2", action="store_true")
    ap.add_argument("--window", type=int, default=30)
    ap.add_argument("--aqmar", action="store_true", help="add AQMAR train to stage 1")
    ap.add_argument("--c1", type=float, default=DEFAULT_PARAMS["c1"])
    ap.add_argument("--c2", type=float, default=DEFAULT_PARAMS["c2"])
    ap.add_argument("--iters", type=int, default=DEFAULT_PARAMS["max_iterations"])
    ap.add_argument("--jk-folds", type=int, default=5)
    ap.add_argument("--ant", action="store_true",
                    help="add ANT self-tagging features (+0.002 dev F1 only; off in the committed model)")
    ap.add_argument("--skip-dev", action="store_true", help="only build the final models")
    ap.add_argument("--ant-tokens", type=int, default=4_000_000)
    args = ap.parse_args(argv)
    os.makedirs(args.model_dir, exist_ok=True)
    if not args.skip_clusters:
        build_clusters(os.path.join(args.model_dir, "ner_lex.tsv.gz"))
    if not args.skip_gazetteer:
        build_gazetteer(os.path.join(args.model_dir, "ner_gaz.tsv"), args.model_dir)
    params = {"c1": args.c1, "c2": args.c2, "max_iterations": args.iters}
    run(args.model_dir, params, not args.no_stage2, args.window, args.dev_only, args.jk_folds, args.aqmar,
        args.ant, args.ant_tokens, args.skip_dev)


if __name__ == "__main__":
    main()
