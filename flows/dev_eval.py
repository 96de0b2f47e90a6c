"""Document-level entity figures of a warehouse against a gold set such as
../shared/eval/dev-modern: overall, per entity type and per source (the article id's
prefix: ``may``, ``snn``, ``ant``), with the set's own scorer (``../shared/eval/score.py``).

    python -m flows.dev_eval                       # run the pipeline on dev-modern, then score
    python -m flows.dev_eval --warehouse W.duckdb  # score a warehouse already built from it
    python -m flows.dev_eval --details             # also list the misses and the extras
    python -m flows.dev_eval --floor               # exit 1 below the floors in seeds/models/ner_floors.json

The pipeline runs as a user runs it (``akhbar run --input <set>/articles``) into a
temporary warehouse, so what is scored is what an analyst would query. The scorer is the
gold set's, not ours: a per-type or per-source figure is the same scorer on the gold and
the warehouse's entities restricted to that type or source.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO_ROOT.parent / "shared" / "eval"
DEV_SET = EVAL_DIR / "dev-modern"
FLOORS = REPO_ROOT / "seeds" / "models" / "ner_floors.json"
TYPES = ("PER", "LOC", "ORG", "MISC")
# the scorer accepts GPE for LOC and LOC for GPE; a per-type figure follows it
_TYPE_ALIASES = {"LOC": ("LOC", "GPE"), "PER": ("PER",), "ORG": ("ORG",), "MISC": ("MISC",)}


def load_scorer(eval_dir: Path = EVAL_DIR) -> ModuleType:
    """The gold set's scorer, ``score.py`` next to the sets (``system_entities``, ``score``)."""
    path = eval_dir / "score.py"
    spec = importlib.util.spec_from_file_location("akhbar_gold_score", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def source_of(article_name: str) -> str:
    """The source of a gold article from its id: ``may-1707127.txt`` -> ``may``."""
    return article_name.split("-", 1)[0]


def _restrict_gold(gold: dict, typ: str | None, source: str | None) -> dict:
    out = {}
    for name, entry in gold.items():
        if name.startswith("_") or (source and source_of(name) != source):
            continue
        if typ is None:
            out[name] = entry
            continue
        keep = _TYPE_ALIASES[typ]
        out[name] = {**entry, "entities": [e for e in entry["entities"] if any(t in keep for t in e["types"])]}
    return out


def _restrict_system(by_art: dict, typ: str | None) -> dict:
    if typ is None:
        return by_art
    keep = _TYPE_ALIASES[typ]
    return {name: [e for e in ents if e[1] in keep] for name, ents in by_art.items()}


def figures(warehouse: Path, gold: dict, scorer: ModuleType) -> dict:
    """{"overall": row, "PER": row, ..., "source:may": row, ...}; a row is {"precision",
    "recall", "gold", "misses", "extras"} (the last two as lists of lines)."""
    by_art = scorer.system_entities(str(warehouse))
    sources = sorted({source_of(n) for n in gold if not n.startswith("_")})
    out = {}
    for key, typ, source in ([("overall", None, None)] + [(t, t, None) for t in TYPES]
                             + [(f"source:{s}", None, s) for s in sources]):
        # recall: the gold entities of the type, found under any type the gold accepts for
        # them (a [LOC, ORG] market found as LOC is found); precision: the warehouse's
        # entities of the type, against all the gold
        g = _restrict_gold(gold, typ, source)
        _, r, misses, _ = scorer.score(by_art, g)
        p, _, _, extras = scorer.score(_restrict_system(by_art, typ), _restrict_gold(gold, None, source))
        out[key] = {"precision": p, "recall": r, "gold": sum(len(e["entities"]) for e in g.values()),
                    "misses": misses, "extras": extras}
    return out


def format_figures(rows: dict, title: str) -> str:
    lines = [title, f"{'':14}{'P':>7}{'R':>7}{'gold':>7}{'miss':>6}{'extra':>7}"]
    for key, row in rows.items():
        lines.append(f"{key:14}{row['precision']:7.3f}{row['recall']:7.3f}{row['gold']:7d}"
                     f"{len(row['misses']):6d}{len(row['extras']):7d}")
    return "\n".join(lines)


def run_pipeline(articles: Path, warehouse: Path) -> None:
    """``akhbar run`` on the set's articles, as a user would; its output is kept off the
    terminal unless it fails."""
    akhbar = Path(sys.executable).with_name("akhbar")
    cmd = [str(akhbar)] if akhbar.exists() else [sys.executable, "-m", "flows.cli"]
    done = subprocess.run(cmd + ["run", "--input", str(articles), "--warehouse", str(warehouse)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"akhbar run failed on {articles} (exit {done.returncode})")


def floors_missed(overall: dict, floors: dict) -> list[str]:
    """The floors in ``ner_floors.json`` that ``overall`` is under, as lines."""
    out = []
    for key, name in (("dev_modern_precision", "precision"), ("dev_modern_recall", "recall")):
        if key in floors and overall[name] < floors[key]:
            out.append(f"dev-modern {name} {overall[name]:.3f} < floor {floors[key]}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", type=Path, default=DEV_SET, help="a gold set: articles/ and gold.json")
    ap.add_argument("--warehouse", type=Path, help="score this warehouse instead of building one")
    ap.add_argument("--details", action="store_true", help="list the misses and the extras")
    ap.add_argument("--floor", action="store_true", help="exit 1 below the floors in ner_floors.json")
    args = ap.parse_args(argv)
    gold_path = args.set / "gold.json"
    if not gold_path.exists():
        print(f"no gold set at {args.set} (it lives in ../shared/eval); nothing to score")
        return 0
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    scorer = load_scorer(args.set.parent)
    with tempfile.TemporaryDirectory(prefix="akhbar-eval-") as tmp:
        warehouse = args.warehouse
        if warehouse is None:
            warehouse = Path(tmp) / "dev.duckdb"
            run_pipeline(args.set / "articles", warehouse)
        rows = figures(warehouse, gold, scorer)
    print(format_figures(rows, f"{args.set.name}, document level ({gold_path})"))
    if args.details:
        print("misses:", *rows["overall"]["misses"], sep="\n  ")
        print("extras:", *rows["overall"]["extras"], sep="\n  ")
    if args.floor:
        missed = floors_missed(rows["overall"], json.loads(FLOORS.read_text(encoding="utf-8")))
        for line in missed:
            print("BELOW FLOOR:", line)
        return 1 if missed else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
