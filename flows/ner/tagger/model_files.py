"""The word files of the model in ``seeds/models/``: ANT word counts and clusters, the
tagger's gazetteer, trigger words, stage-1 label counts over ANT; read once per folder."""
from __future__ import annotations

import gzip
import os
from functools import lru_cache

from flows.ner.tagger.text import normalize

MODEL_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                         "seeds", "models")


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


@lru_cache(maxsize=4)
def resources_at(model_dir: str) -> dict:
    freq, clus = _read_lex(os.path.join(model_dir, "ner_lex.tsv.gz"))
    gaz1, gazm = _read_gaz(os.path.join(model_dir, "ner_gaz.tsv"))
    trig = _read_triggers(os.path.join(model_dir, "ner_triggers.tsv"))
    ant = _read_ant(os.path.join(model_dir, "ner_ant.tsv.gz"))
    return {"freq": freq, "clus": clus, "gaz1": gaz1, "gazm": gazm, "trig": trig, "ant": ant}


def resources(model_dir: str | None = None) -> dict:
    return resources_at(model_dir or MODEL_DIR)
