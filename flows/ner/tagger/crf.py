"""The linear-chain CRF at inference: weights exported from crfsuite, emission scores summed
once per word type and cached, Viterbi batched over the sentences of a text in numpy."""
from __future__ import annotations

import json
import os
from functools import lru_cache

import numpy as np

from flows.ner.tagger.features import LABELS, OFFSETS, base_features, dynamic_attrs
from flows.ner.tagger.model_files import MODEL_DIR, resources
from flows.ner.tagger.text import TYPE_CACHE_SIZE


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
        self._attr_cache: dict[tuple, np.ndarray | None] = {}
        self._feat_block_id, self._blocks = self._feature_blocks(attrs)
        self._vid: dict[str, int] = {}
        self._V = np.zeros((0, len(OFFSETS), len(LABELS)))
        self._Vn = 0

    def type_vec(self, word: str) -> np.ndarray:
        """(len(OFFSETS), n_labels): emission contribution of this word type
        to the token at position (its position - d) for each offset d; from the same cache as
        the tagger's own lookups, so a word the rules ask about is not summed twice."""
        row = self._type_rows([word])[0]  # first: it may grow or renew self._V
        return self._V[row]

    def _feature_blocks(self, attrs: list[str]) -> tuple[dict[tuple[int, str], int], np.ndarray]:
        """(group, feature) -> row of a (n, len(OFFSETS), n_labels) array: the weights of that
        feature seen at each offset of its group (0: d = 0, 1: d = +-1, 2: d = +-2). Built once
        from the model's own attributes, so it is as small as the model (28k attributes: 10 MB)
        and a feature the model has no weight for costs one failed lookup."""
        offset_of = {str(d): k for k, d in enumerate(OFFSETS)}
        ids: dict[tuple[int, str], int] = {}
        rows: list[tuple[int, int, int]] = []  # (block, offset index, W row)
        for r, a in enumerate(attrs):
            d, sep, f = a.partition(":")
            if not sep or d not in offset_of:
                continue  # BOS, EOS and the dynamic attributes: added per token by attr_vec
            b = ids.setdefault((abs(int(d)), f), len(ids))
            rows.append((b, offset_of[d], r))
        blocks = np.zeros((len(ids), len(OFFSETS), len(LABELS)))
        for b, k, r in rows:
            blocks[b, k] = self.W[r]
        return ids, blocks

    def _compute_type_vec(self, word: str) -> np.ndarray:
        # the attributes of type_attrs(word): "d:f" for f in f0 (d = 0), ctx (d = +-1),
        # ctx2 (d = +-2); a new word type costs a few dict lookups and one sum.
        f0, ctx, ctx2 = base_features(word, self.res)
        get = self._feat_block_id.get
        ids = [b for group, src in enumerate((f0, ctx, ctx2)) for f in src
               if (b := get((group, f))) is not None]
        return self._blocks[ids].sum(0) if ids else np.zeros((len(OFFSETS), len(LABELS)))

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
            if need > len(self._V):  # grow by doubling (amortised O(1) per new type), never past the
                # cache's size: doubling past it held 260k rows (94 MB) for a cache of 150k
                V = np.zeros((max(need, min(2 * len(self._V), TYPE_CACHE_SIZE + 1), 1024), len(OFFSETS), len(LABELS)))
                V[: self._Vn] = self._V[: self._Vn]
                self._V = V
            for j, w in enumerate(new):
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
    res = resources(model_dir)
    out = {"res": res}
    with open(os.path.join(model_dir, "ner_config.json"), encoding="utf-8") as fh:
        out["config"] = json.load(fh)
    out["stage1"] = CRFModel(os.path.join(model_dir, "ner_crf1.npz"), res)
    p2 = os.path.join(model_dir, "ner_crf2.npz")
    out["stage2"] = CRFModel(p2, res) if out["config"].get("stage2") and os.path.exists(p2) else None
    return out


def get_models(model_dir: str | None = None) -> dict:
    return _load_models(model_dir or MODEL_DIR)
