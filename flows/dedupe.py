"""Near-duplicate articles (syndicated copies of one wire story), with MinHash LSH.

Pure module: the pipeline stores each article's signature (128 uint64, a
DuckDB UBIGINT[]) and rebuilds the index from them with `load_index`.

- Shingles: word 5-grams of the normalized body (flows.normalize.normalize),
  words = runs of letters/digits, so punctuation and spacing do not matter.
  A text shorter than 5 words is one shingle.
- Signature: datasketch MinHash, num_perm=128, seed 1, its SHA-1 based 32-bit
  shingle hash; the permutations are made once per process (making them per
  MinHash costs more than hashing an article), so a signature here equals
  `datasketch.MinHash(num_perm=128, seed=1)` (scheme affine32, 2.0's default)
  updated with the same shingles, widened from uint32 to uint64.
- Index: LSH banding with the bands and rows datasketch's MinHashLSH picks for
  the threshold (b=25 bands of r=5 values at 0.5 with 128 permutations), but
  band keys computed with numpy for a whole batch at once: datasketch's own
  index takes 4.6 s to load 31.5k signatures (25 storage inserts each), this
  one under a second. Candidates are then checked with the estimated Jaccard
  (share of equal signature values); the best one at or above the threshold wins.

Threshold 0.5 (estimated Jaccard of word 5-shingle sets), measured on ANT
(2018-03-01..07, 895 articles; numbers in THRESHOLD_NOTES): edited copies
keep 0.45-0.95 (median 0.84-0.86 for one edit), real cross-site wire copies
with different headlines score 0.56-0.84, different stories about the same
event score at most 0.42 (a shared background paragraph or CNN boilerplate).
0.5 sits in that gap.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

DEFAULT_THRESHOLD = 0.5
DEFAULT_NUM_PERM = 128
SHINGLE_WORDS = 5
SEED = 1
SCHEME = "affine32"  # datasketch 2.0's default: 32-bit values (stored widened to uint64 / UBIGINT)
_MAX_HASH = np.uint64((1 << 32) - 1)  # the value of every slot for an empty set
_WORD = re.compile(r"[^\W_]+")  # hashtags (#كوريا_الجنوبية) split into their words

THRESHOLD_NOTES = """
ANT 2018-03-01..07 (895 articles, 835 over 400 chars); estimated Jaccard, num_perm=128, word 5-shingles
of normalized bodies, hashtags split at "_".
Synthetic copies of 200 articles with >= 4 paragraphs (median / 5th percentile / min; how many < 0.5):
  first line replaced (a new dateline line)   0.86 / 0.71 / 0.56   0
  one paragraph (not the first) dropped        0.86 / 0.65 / 0.45   1
  5 words replaced                             0.84 / 0.65 / 0.55   0
  all three at once                            0.58 / 0.26 / 0.09  64  (a 4-paragraph article loses ~40%)
Real pairs with different titles that share any 5-shingle (87 pairs with J > 0.05, exact Jaccard):
  same wire story on two sites (Sky/Al Arabiya/France24): 0.84 0.73 0.67 0.58 0.57 0.56 0.56 -> found
  same story rewritten separately (Mahrez hoax, Al Arabiya vs France24): 0.48 -> not found
  different stories, same event: 0.42 (Houthi raids, shared background paragraph), 0.39, 0.38 (CNN
  boilerplate), 0.375, 0.37, 0.355, 0.34, then 0.30 and below -> not found
Word 3-shingles give one-edit copies about +0.03 and lift the different-story pairs more (3-shingles of
shared boilerplate); hashtag splitting moved a real wire copy (Korea) from 0.44 to 0.58.
"""


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    return MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations


def shingles(text_norm: str, k: int = SHINGLE_WORDS) -> set[bytes]:
    words = _WORD.findall(text_norm)
    if len(words) < k:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + k]).encode("utf-8") for i in range(len(words) - k + 1)}


@lru_cache(maxsize=16)
def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) as datasketch's MinHashLSH chooses them for this threshold."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


class NearDuplicateIndex:
    """Signatures and LSH band keys in numpy arrays: about 0.7 KB per article.

    Band keys of recent additions wait in a small pending block and are merged
    into sorted arrays (searched with `searchsorted`) every MERGE_EVERY articles,
    so adding one article at a time stays cheap and nothing is a Python object
    per article and band (a dict of lists cost ~4 KB per article).
    """

    MERGE_EVERY = 4096

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = DEFAULT_NUM_PERM):
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        self.threshold = threshold
        self.num_perm = num_perm
        self.bands, self.rows = _bands(threshold, num_perm)
        # odd 64-bit multipliers: a band's r values -> one uint64 key (wrapping arithmetic)
        rng = np.random.default_rng(SEED)
        self._mult = rng.integers(1, 2**63, size=self.rows, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._sigs = np.empty((0, num_perm), dtype=np.uint32)  # values are 32-bit (affine32)
        self._sorted_keys = np.empty((self.bands, 0), dtype=np.uint64)  # per band, ascending
        self._sorted_pos = np.empty((self.bands, 0), dtype=np.int64)
        # band keys of the most recent additions (positions _pending_start ...), not merged yet
        self._pending_keys = np.empty((self.MERGE_EVERY, self.bands), dtype=np.uint64)
        self._pending_n = 0
        self._pending_start = 0

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._pos

    def signature(self, text_norm: str) -> np.ndarray:
        """num_perm uint64 MinHash values of the text's shingles (all 2**32-1 for a text without words)."""
        m = MinHash(num_perm=self.num_perm, seed=SEED, permutations=_permutations(self.num_perm), scheme=SCHEME)
        m.update_batch(list(shingles(text_norm)))
        return m.hashvalues.astype(np.uint64)

    def _matrix(self, signatures) -> np.ndarray:
        values = np.asarray(signatures, dtype=np.uint64)
        if values.ndim == 1:
            values = values[None, :]
        if values.ndim != 2 or values.shape[1] != self.num_perm:
            raise ValueError(f"signatures have shape {values.shape}, expected (n, {self.num_perm})")
        if values.size and values.max() > _MAX_HASH:
            raise ValueError("signature values must be 32-bit (datasketch affine32 scheme)")
        return values

    def _band_keys(self, matrix: np.ndarray) -> np.ndarray:
        """(n, bands) uint64 keys, one per band of each signature."""
        used = matrix[:, : self.bands * self.rows].reshape(len(matrix), self.bands, self.rows)
        return (used * self._mult).sum(axis=2, dtype=np.uint64)

    def _grow_signatures(self, extra: int) -> None:
        needed = len(self._ids) + extra
        if needed > len(self._sigs):
            grown = np.empty((max(needed, 2 * len(self._sigs), 1024), self.num_perm), dtype=np.uint32)
            grown[: len(self._ids)] = self._sigs[: len(self._ids)]
            self._sigs = grown

    def _merge(self, keys: np.ndarray, start: int) -> None:
        """Merge (n, bands) keys of positions start..start+n-1 into the sorted arrays."""
        n = len(keys)
        all_keys = np.concatenate([self._sorted_keys, keys.T], axis=1)
        new_pos = np.broadcast_to(np.arange(start, start + n, dtype=np.int64), (self.bands, n))
        all_pos = np.concatenate([self._sorted_pos, new_pos], axis=1)
        order = np.argsort(all_keys, axis=1, kind="stable")
        self._sorted_keys = np.take_along_axis(all_keys, order, axis=1)
        self._sorted_pos = np.take_along_axis(all_pos, order, axis=1)

    def _flush_pending(self) -> None:
        if self._pending_n:
            self._merge(self._pending_keys[: self._pending_n], self._pending_start)
            self._pending_n = 0

    def add_many(self, article_ids: Sequence[str], signatures) -> None:
        """Index many signatures at once (vectorised band keys). Empty texts and known ids are skipped."""
        matrix = self._matrix(signatures)
        if len(matrix) != len(article_ids):
            raise ValueError("one signature per article_id")
        keep, seen = [], set()
        for i, article_id in enumerate(article_ids):
            if article_id in self._pos or article_id in seen or (matrix[i] == _MAX_HASH).all():
                continue
            seen.add(article_id)
            keep.append(i)
        if not keep:
            return
        matrix = matrix[keep]
        base = len(self._ids)
        self._grow_signatures(len(keep))
        self._sigs[base: base + len(keep)] = matrix
        for offset, i in enumerate(keep):
            self._pos[article_ids[i]] = base + offset
            self._ids.append(article_ids[i])
        keys = self._band_keys(matrix)
        if self._pending_n + len(keys) > self.MERGE_EVERY:
            self._flush_pending()
        if len(keys) > self.MERGE_EVERY:  # a bulk load goes straight to the sorted arrays
            self._merge(keys, base)
            return
        if self._pending_n == 0:
            self._pending_start = base
        self._pending_keys[self._pending_n: self._pending_n + len(keys)] = keys
        self._pending_n += len(keys)

    def add(self, article_id: str, signature) -> None:
        self.add_many([article_id], [signature])

    @staticmethod
    def similarity(a, b) -> float:
        """Estimated Jaccard similarity of two signatures."""
        return float(np.mean(np.asarray(a, dtype=np.uint64) == np.asarray(b, dtype=np.uint64)))

    def _candidate_positions(self, keys: np.ndarray) -> set[int]:
        found: set[int] = set()
        if self._sorted_keys.shape[1]:
            for band in range(self.bands):
                row = self._sorted_keys[band]
                lo, hi = np.searchsorted(row, keys[band], "left"), np.searchsorted(row, keys[band], "right")
                found.update(self._sorted_pos[band, lo:hi].tolist())
        if self._pending_n:
            hits = np.flatnonzero((self._pending_keys[: self._pending_n] == keys).any(axis=1))
            found.update((hits + self._pending_start).tolist())
        return found

    def candidates(self, signature) -> set[str]:
        """Indexed articles that share at least one band with `signature`."""
        matrix = self._matrix(signature)
        if (matrix == _MAX_HASH).all():
            return set()
        return {self._ids[i] for i in self._candidate_positions(self._band_keys(matrix)[0])}

    def find(self, signature) -> str | None:
        """The indexed article most similar to `signature` (estimated Jaccard >= threshold), else None."""
        sig = self._matrix(signature)[0]
        best, best_sim = None, -1.0
        for candidate in sorted(self.candidates(sig)):
            sim = float(np.mean(self._sigs[self._pos[candidate]] == sig))
            if sim > best_sim:
                best, best_sim = candidate, sim
        return best if best_sim >= self.threshold else None


def load_index(rows: Iterable[tuple[str, Sequence[int]]], threshold: float = DEFAULT_THRESHOLD,
               num_perm: int = DEFAULT_NUM_PERM) -> NearDuplicateIndex:
    """Rebuild an index from stored (article_id, signature) rows, e.g. `SELECT * FROM article_signatures`."""
    index = NearDuplicateIndex(threshold, num_perm)
    ids: list[str] = []
    sigs: list = []
    for article_id, signature in rows:
        ids.append(article_id)
        sigs.append(signature)
        if len(ids) == 50_000:
            index.add_many(ids, sigs)
            ids, sigs = [], []
    if ids:
        index.add_many(ids, sigs)
    return index


def to_blob(signature) -> bytes:
    """A signature as stored in the warehouse (BLOB of little-endian uint64)."""
    return np.asarray(signature, dtype="<u8").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u8")
