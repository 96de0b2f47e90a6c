"""Document-level evaluation of entity extraction on the seed articles.

The question it answers: for each seed article, does the extractor find the
entities a careful reader would list, and nothing else, and nothing from the
web noise around the article?

Gold: ``seeds/gold/seed_entities.csv`` (one row per article and entity, made
by reading the articles; see ``seeds/gold/README.md``) and
``seeds/gold/seed_noise_entities.csv`` (entities that occur only in noise
lines: captions, related links, tickers, bylines, credits ...).

What is scored (all pure functions; :func:`evaluate` wires them up):

1. Each seed file goes through the pipeline's own stages: ``ingest.parse_file``
   (decoding), ``stages.clean_articles`` (noise lines out, title/byline/dateline
   found), ``stages.normalize_articles``. The extractor then sees exactly what
   the pipeline gives it: ``body_clean`` and the title (when the title is a line
   of its own, not the body's first sentence); the combined extractor reads the
   body only unless ``with_title=True``.
2. Predicted entities of an article: its *name* mentions (nisba adjectives
   such as الروسي never count) grouped by (entity_type, entity_id), each with
   its canonical name and the surfaces it was found under.
3. A predicted entity matches a gold row when the types agree (or the gold
   row's note allows the predicted type with ``alt_type:X``) and the
   :func:`key` of its canonical name or of one of its surfaces equals the key
   of the gold canonical name or of one of the gold aliases.
4. Scores, micro over (article, entity) pairs: a gold row matched by at least
   one prediction is a true positive (once, however many predicted entities
   match it: those are listed as split entities); a gold row matched by none
   is a false negative; a predicted entity matching no gold row is a false
   positive. Gold rows whose note starts with ``optional`` are neither
   required (never a false negative) nor penalised (a prediction matching
   only them is ignored, not a false positive). P = TP / (TP + FP),
   R = TP / (TP + FN). Per type: TP and FN by the gold row's type, FP by the
   predicted type.
5. Noise: a predicted mention (any kind) whose surface has the key of a noise
   entry of that article, or is a run of whole words of a multi-word noise
   entry without being a gold name of the article, is a noise leak.

``python -m flows.seed_eval`` prints the report for the pipeline's extractor
(``pipeline``: :func:`flows.ner.extract_precise` through
:func:`flows.stages.extract_entities`) and for ``combined``
(:func:`flows.ner.extract`).
"""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from flows.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
ARTICLES_DIR = ROOT / "seeds" / "articles"
GOLD_PATH = ROOT / "seeds" / "gold" / "seed_entities.csv"
NOISE_PATH = ROOT / "seeds" / "gold" / "seed_noise_entities.csv"
TYPES = ("PER", "LOC", "ORG", "MISC")
EXTRACTORS = ("pipeline", "combined")

# --------------------------------------------------------------------------- matching key

_HAMZA = str.maketrans({"ؤ": "و", "ئ": "ي", "ء": None})
_NON_WORD = re.compile(r"[^\w]+")


def key(name: str) -> str:
    """Matching key of a name: two spellings a reader takes for the same name
    (with or without ال, hamza on any seat, ة/ه, ى/ي, diacritics, quotes and
    hyphens) get the same key.

    :func:`flows.normalize.normalize` (diacritics and tatweel out, alef forms
    -> ا, ى -> ي, ة -> ه, Latin lower-cased), then ؤ -> و, ئ -> ي, ء dropped,
    punctuation -> space, and the article ال dropped from the start of every
    word that keeps at least two letters without it (الصين -> صين,
    الولايات المتحدة -> ولايات متحده). Spelling variants of foreign names
    (بينج/بينغ) are not merged: the gold lists the spellings it saw.
    """
    s = _NON_WORD.sub(" ", normalize(name).translate(_HAMZA).replace("_", " "))
    words = [w[2:] if w.startswith("ال") and len(w) >= 4 else w for w in s.split()]
    return " ".join(words)


# --------------------------------------------------------------------------- gold

@dataclass(frozen=True)
class GoldEntity:
    file: str
    entity_type: str
    canonical: str
    aliases: tuple[str, ...]
    note: str = ""

    @property
    def optional(self) -> bool:
        return self.note.strip().lower().startswith("optional")

    @property
    def types(self) -> frozenset[str]:
        """The gold type and the ones its note also accepts (``alt_type:LOC``)."""
        return frozenset({self.entity_type, *re.findall(r"alt_type:\s*([A-Z]+)", self.note)})

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(k for k in (key(n) for n in (self.canonical, *self.aliases)) if k)


@dataclass(frozen=True)
class NoiseEntity:
    file: str
    surface: str
    why: str = ""


def _split_aliases(cell: str | None) -> tuple[str, ...]:
    return tuple(a.strip() for a in (cell or "").split("|") if a.strip())


def read_gold(path=GOLD_PATH) -> list[GoldEntity]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [GoldEntity(r["file"].strip(), r["entity_type"].strip(), r["canonical"].strip(),
                           _split_aliases(r["aliases"]), (r.get("note") or "").strip())
                for r in csv.DictReader(fh)]


def read_noise(path=NOISE_PATH) -> list[NoiseEntity]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [NoiseEntity(r["file"].strip(), r["surface"].strip(), (r.get("why") or "").strip())
                for r in csv.DictReader(fh)]


# --------------------------------------------------------------------------- predictions

@dataclass(frozen=True)
class PredEntity:
    entity_id: str
    entity_type: str
    canonical: str
    surfaces: tuple[str, ...]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(k for k in (key(n) for n in (self.canonical, *self.surfaces)) if k)


def predicted_entities(mentions: Iterable[dict]) -> list[PredEntity]:
    """Document-level entities of one article's mentions (dicts with entity_id,
    entity_type, canonical, surface, mention_kind); nisba mentions are left out."""
    groups: dict[tuple[str, str], dict] = {}
    for m in mentions:
        if m.get("mention_kind", "name") != "name":
            continue
        g = groups.setdefault((m["entity_type"], m["entity_id"]), {"canonical": m.get("canonical") or m["surface"],
                                                                   "surfaces": []})
        if m["surface"] not in g["surfaces"]:
            g["surfaces"].append(m["surface"])
    return [PredEntity(eid, typ, g["canonical"], tuple(g["surfaces"])) for (typ, eid), g in sorted(groups.items())]


# --------------------------------------------------------------------------- matching one document

@dataclass
class DocMatch:
    tp: list[tuple[GoldEntity, list[PredEntity]]]  # required gold rows found, with the predictions matching them
    fn: list[GoldEntity]  # required gold rows not found
    fp: list[PredEntity]  # predictions matching no gold row
    ignored: list[tuple[PredEntity, GoldEntity]]  # predictions matching only optional rows
    surface_only: list[tuple[PredEntity, GoldEntity]]  # matched through a surface, canonical name differs


def matches(pred: PredEntity, gold: GoldEntity) -> bool:
    return pred.entity_type in gold.types and bool(pred.keys & gold.keys)


def match_document(gold: Sequence[GoldEntity], pred: Sequence[PredEntity]) -> DocMatch:
    """Compare one article's predicted entities with its gold rows (see the module doc)."""
    found: dict[int, list[PredEntity]] = defaultdict(list)
    fp: list[PredEntity] = []
    ignored: list[tuple[PredEntity, GoldEntity]] = []
    surface_only: list[tuple[PredEntity, GoldEntity]] = []
    for p in pred:
        hits = [i for i, g in enumerate(gold) if matches(p, g)]
        required = [i for i in hits if not gold[i].optional]
        if not hits:
            fp.append(p)
        elif not required:
            ignored.append((p, gold[hits[0]]))
        for i in required:
            found[i].append(p)
            if key(p.canonical) not in gold[i].keys:
                surface_only.append((p, gold[i]))
    tp = [(g, found[i]) for i, g in enumerate(gold) if i in found]
    fn = [g for i, g in enumerate(gold) if not g.optional and i not in found]
    return DocMatch(tp, fn, fp, ignored, surface_only)


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def score(docs: dict[str, DocMatch]) -> dict:
    """Micro P/R/F1 over (article, entity) pairs, overall and per type."""
    counts = {t: [0, 0, 0] for t in ("overall", *TYPES)}
    for d in docs.values():
        for g, _ in d.tp:
            counts["overall"][0] += 1
            counts.setdefault(g.entity_type, [0, 0, 0])[0] += 1
        for p in d.fp:
            counts["overall"][1] += 1
            counts.setdefault(p.entity_type, [0, 0, 0])[1] += 1
        for g in d.fn:
            counts["overall"][2] += 1
            counts.setdefault(g.entity_type, [0, 0, 0])[2] += 1
    return {t: prf(*c) for t, c in counts.items()}


# --------------------------------------------------------------------------- noise

def noise_leaks(mentions: Iterable[dict], noise: Sequence[NoiseEntity], gold: Sequence[GoldEntity] = ()
                ) -> list[tuple[dict, NoiseEntity]]:
    """Mentions of one article whose surface is a noise entry of that article:
    the same key, or a run of whole words of a multi-word entry (داشا for
    داشا ليتفينوفا) that is not a gold name of the article."""
    gold_keys = set().union(*(g.keys for g in gold)) if gold else set()
    out = []
    for m in mentions:
        k = key(m["surface"])
        if not k:
            continue
        for n in noise:
            nk = key(n.surface)
            if k == nk or (k not in gold_keys and f" {k} " in f" {nk} "):
                out.append((m, n))
                break
    return out


# --------------------------------------------------------------------------- running the pipeline's stages

def prepare_articles(articles_dir=ARTICLES_DIR) -> list[dict]:
    """The seed articles as the pipeline's stages leave them before extraction
    (decoded, cleaned, normalized); ``_name`` is the file's base name."""
    from flows import ingest, stages

    out: list[dict] = []
    for path in sorted(Path(articles_dir).iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        st = path.stat()
        f = ingest.SourceFile(str(path.resolve()), st.st_size, st.st_mtime)
        raw = [r for r in ingest.parse_file(f, path.read_bytes()) if isinstance(r, ingest.RawArticle)]
        rows = stages.article_rows(raw, "seed-eval")
        stages.clean_articles(rows, "seed-eval")
        stages.normalize_articles(rows)
        for r in rows:
            r["_name"] = path.name
        out.extend(rows)
    return out


def _mention_dict(m) -> dict:
    return {"entity_id": m.entity_id, "entity_type": m.entity_type, "canonical": m.canonical,
            "surface": m.surface, "mention_kind": m.mention_kind, "start": m.start, "end": m.end,
            "method": m.method}


def pipeline_mentions(articles: list[dict], with_title: bool = True) -> dict[str, list[dict]]:
    """Mentions the pipeline's extract stage gives each article (article_id -> dicts): body and title,
    as the pipeline reads them (`with_title` is for the other extractors; the pipeline reads titles)."""
    from flows import stages

    rows, entity_rows = stages.extract_entities(articles, "seed-eval")
    out: dict[str, list[dict]] = {a["article_id"]: [] for a in articles}
    for r in rows:
        out[r["article_id"]].append({
            "entity_id": r["entity_id"], "entity_type": r["entity_type"], "surface": r["surface"],
            "canonical": entity_rows[r["entity_id"]]["canonical_name"], "mention_kind": r["mention_kind"],
            "start": r["char_start"], "end": r["char_end"], "method": r["method"], "field": r["field"]})
    return out


def combined_mentions(articles: list[dict], with_title: bool = False) -> dict[str, list[dict]]:
    """Mentions of :func:`flows.ner.extract` on the text the pipeline extracts from."""
    from flows import ner

    out = {}
    for a in articles:
        ms = [_mention_dict(m) for m in ner.extract(a["body_clean"])]
        if with_title:
            ms += [_mention_dict(m) for m in ner.extract(a.get("title") or "")]
        out[a["article_id"]] = ms
    return out


_EXTRACTORS: dict[str, Callable[..., dict[str, list[dict]]]] = {
    "pipeline": pipeline_mentions,
    "combined": combined_mentions,
}


def evaluate(extractor_name: str = "pipeline", *, with_title: bool = False, articles_dir=ARTICLES_DIR,
             gold_path=GOLD_PATH, noise_path=NOISE_PATH) -> dict:
    """Document-level scores of one extractor on the seed articles.

    Returns {"extractor", "with_title", "scores" (overall and per type: p, r,
    f1, tp, fp, fn), "docs" (file -> DocMatch), "noise_leaks" (file -> list of
    (mention, NoiseEntity)), "n_articles", "n_gold", "n_optional"}.
    """
    if extractor_name not in _EXTRACTORS:
        raise ValueError(f"unknown extractor {extractor_name!r}; one of {', '.join(_EXTRACTORS)}")
    gold = read_gold(gold_path)
    noise = read_noise(noise_path)
    articles = prepare_articles(articles_dir)
    mentions = _EXTRACTORS[extractor_name](articles, with_title=with_title)
    gold_by_file: dict[str, list[GoldEntity]] = defaultdict(list)
    for g in gold:
        gold_by_file[g.file].append(g)
    noise_by_file: dict[str, list[NoiseEntity]] = defaultdict(list)
    for n in noise:
        noise_by_file[n.file].append(n)
    unknown = set(gold_by_file) - {a["_name"] for a in articles}
    if unknown:
        raise ValueError(f"gold rows for files not among the articles: {sorted(unknown)}")
    docs: dict[str, DocMatch] = {}
    leaks: dict[str, list] = {}
    for a in articles:
        name, ms = a["_name"], mentions[a["article_id"]]
        docs[name] = match_document(gold_by_file.get(name, []), predicted_entities(ms))
        leaks[name] = noise_leaks(ms, noise_by_file.get(name, []), gold_by_file.get(name, []))
    return {"extractor": extractor_name, "with_title": with_title, "scores": score(docs), "docs": docs,
            "noise_leaks": leaks, "n_articles": len(articles),
            "n_gold": sum(not g.optional for g in gold), "n_optional": sum(g.optional for g in gold)}


# --------------------------------------------------------------------------- report

def _pred_str(p: PredEntity) -> str:
    surfaces = "|".join(s for s in p.surfaces if s != p.canonical)
    return f"{p.entity_type} {p.canonical}" + (f" [{surfaces}]" if surfaces else "") + f" ({p.entity_id})"


def format_report(res: dict) -> str:
    reads = ("body_clean + title, as the pipeline" if res["extractor"] == "pipeline"
             else "body_clean + title" if res["with_title"] else "body_clean")
    title = (f"seed articles, document level, extractor '{res['extractor']}' ({reads}): "
             f"{res['n_articles']} articles, {res['n_gold']} gold entities (+{res['n_optional']} optional)")
    lines = [title, f"{'type':8s} {'P':>6s} {'R':>6s} {'F1':>6s} {'tp':>4s} {'fp':>4s} {'fn':>4s}"]
    for t in ("overall", *TYPES):
        s = res["scores"].get(t)
        if s and (s["tp"] or s["fp"] or s["fn"]):
            lines.append(f"{t:8s} {s['p']:6.3f} {s['r']:6.3f} {s['f1']:6.3f} {s['tp']:4d} {s['fp']:4d} {s['fn']:4d}")
    sections = {"false positives": [], "false negatives": [], "split entities (one gold entity, several ids)": [],
                "matched through a surface only (check the id)": [], "ignored (optional gold)": [],
                "noise leaks": []}
    for name, d in res["docs"].items():
        for p in d.fp:
            sections["false positives"].append(f"{name}: {_pred_str(p)}")
        for g in d.fn:
            sections["false negatives"].append(f"{name}: {g.entity_type} {g.canonical}"
                                               + (f"  -- {g.note}" if g.note else ""))
        for g, ps in d.tp:
            if len(ps) > 1:
                sections["split entities (one gold entity, several ids)"].append(
                    f"{name}: {g.entity_type} {g.canonical} <- " + "; ".join(_pred_str(p) for p in ps))
        for p, g in d.surface_only:
            sections["matched through a surface only (check the id)"].append(
                f"{name}: {_pred_str(p)} ~ gold {g.entity_type} {g.canonical}")
        for p, g in d.ignored:
            sections["ignored (optional gold)"].append(f"{name}: {_pred_str(p)} ~ {g.canonical}")
        for m, n in res["noise_leaks"].get(name, []):
            sections["noise leaks"].append(f"{name}: {m['entity_type']} '{m['surface']}' ({m['entity_id']}, "
                                           f"{m['mention_kind']}) ~ noise '{n.surface}' ({n.why})")
    for head, items in sections.items():
        lines.append(f"{head}: {len(items)}")
        lines.extend(f"  {i}" for i in items)
    return "\n".join(lines)


def main(argv=None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description="Document-level entity scores on the seed articles")
    ap.add_argument("--extractor", choices=(*EXTRACTORS, "all"), default="all")
    ap.add_argument("--with-title", action="store_true",
                    help="the combined extractor reads the title too (the pipeline always does)")
    args = ap.parse_args(argv)
    names = EXTRACTORS if args.extractor == "all" else (args.extractor,)
    print("\n\n".join(format_report(evaluate(n, with_title=args.with_title)) for n in names))


if __name__ == "__main__":
    main()
