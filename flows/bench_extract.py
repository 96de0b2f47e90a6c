"""Entity-extraction speed on one core, articles of 1,500 characters.

    python -m flows.bench_extract [--n 500]

Takes N ANT article bodies (every k-th file of the tarball, so all five
sources are in the sample), cleans them as the pipeline does, keeps those of
at least 1,500 characters cut to 1,500 at a word boundary, pins the process
to one CPU (and BLAS to one thread) and times each extractor over the same
texts. Each extractor runs in its own process and warms up on 1,000 other
articles first, so the word caches are as warm as in a long pipeline run but
no extractor profits from another's. Prints articles/s per extractor: the
median of three rounds of new articles, and each round (a shared VM's
neighbours move single rounds by 20% or more).
"""
from __future__ import annotations

import os

# one core: set before numpy is imported anywhere
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tarfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ANT_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "ant"
ARTICLE_CHARS = 1500
WARMUP = 1000


def sample_bodies(tar_path: Path, n: int, chars: int = ARTICLE_CHARS) -> list[str]:
    """n cleaned ANT bodies cut to `chars` characters at a word boundary."""
    from flows.clean import clean_article

    with tarfile.open(tar_path) as tar:
        members = sorted((m for m in tar if m.isfile()), key=lambda m: m.name)
        out: list[str] = []
        step = max(1, len(members) // (n * 3))
        for m in members[::step]:
            raw = tar.extractfile(m).read().decode("utf-8", "replace")
            for text in re.findall(r"<TEXT>(.*?)</TEXT>", raw, re.S):
                body = clean_article(text).body_clean
                if len(body) < chars:
                    continue
                cut = body.rfind(" ", 0, chars)
                out.append(body[: cut if cut > chars // 2 else chars])
                if len(out) >= n:
                    return out
    return out


def time_extractor(fn, warmup: list[str], texts: list[str], rounds: int = 3) -> list[float]:
    """Articles per second of `fn` in each of `rounds` consecutive parts of `texts`, after
    running it on `warmup`. Each part is new text, so no part profits from having seen
    another; several parts show how much a noisy neighbour on a shared machine moved
    the figure (the median is the one to quote)."""
    for t in warmup:
        fn(t)
    rates = []
    size = max(1, len(texts) // rounds)
    for c0 in range(0, size * rounds, size):
        part = texts[c0:c0 + size]
        start = time.perf_counter()
        for t in part:
            fn(t)
        rates.append(len(part) / (time.perf_counter() - start))
    return rates


def extractors() -> dict:
    from flows import ner
    from flows.ner import tagger

    return {
        "gazetteer": ("gazetteer matcher", ner.extract_mentions),
        "tagger": ("tagger (CRF, stage 1)", lambda t: tagger.tag_text(t, stage2=False)),
        "pipeline": ("pipeline extractor (ner.extract_precise)", ner.extract_precise),
        "combined": ("combined, evaluation mode (ner.extract)", ner.extract),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m flows.bench_extract", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=500, help="articles per timed round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", help="time one extractor in this process (used by the parent)")
    args = ap.parse_args(argv)
    tar_path = next(iter(sorted(ANT_DIR.glob("*.tar.gz"))), None)
    if tar_path is None:
        print(f"extraction bench skipped: no ANT corpus under {ANT_DIR}")
        return 0
    if not args.only:
        print(f"extraction speed, one core, {args.n} ANT bodies of {ARTICLE_CHARS} characters "
              f"(after {WARMUP} others as warm-up)")
        for name in extractors():
            subprocess.run([sys.executable, "-m", "flows.bench_extract", "--n", str(args.n),
                            "--rounds", str(args.rounds), "--only", name], check=True)
        return 0
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    label, fn = extractors()[args.only]
    texts = sample_bodies(tar_path, args.rounds * args.n + WARMUP)
    rates = time_extractor(fn, texts[:WARMUP], texts[WARMUP:], args.rounds)
    median = sorted(rates)[len(rates) // 2]
    print(f"  {label:<52} {median:8.0f} articles/s (median of {len(rates)} rounds of {args.n}: "
          f"{', '.join(f'{r:.0f}' for r in rates)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
