"""dev-modern, document level: the warehouse the pipeline builds from the set, scored by the
set's own scorer (../shared/eval/score.py), must stay above the floors in
seeds/models/ner_floors.json; and the per-type figures count what the scorer counts."""
import json

import duckdb
import pytest

from flows import dev_eval
from tests.conftest import require_shared


def _warehouse(path, entities):
    """A warehouse with the scorer's three tables: entities = [(article, id, name, type, surface)]."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE articles (article_id VARCHAR, source_path VARCHAR)")
        con.execute("CREATE TABLE entities (entity_id VARCHAR, canonical_name VARCHAR, entity_type VARCHAR)")
        con.execute("CREATE TABLE mentions (article_id VARCHAR, entity_id VARCHAR, surface VARCHAR)")
        for art, eid, name, typ, surface in entities:
            con.execute("INSERT INTO articles SELECT ?, ? WHERE NOT EXISTS "
                        "(SELECT 1 FROM articles WHERE article_id = ?)", [art, f"/in/{art}", art])
            con.execute("INSERT INTO entities SELECT ?, ?, ? WHERE NOT EXISTS "
                        "(SELECT 1 FROM entities WHERE entity_id = ?)", [eid, name, typ, eid])
            con.execute("INSERT INTO mentions VALUES (?, ?, ?)", [art, eid, surface])


def test_per_type_and_per_source_figures(tmp_path):
    scorer = dev_eval.load_scorer(require_shared("eval"))
    gold = {
        "_about": "x",
        "may-1.txt": {"entities": [
            {"label": "Gaza", "types": ["LOC", "GPE"], "forms": ["غزة"]},
            {"label": "souk", "types": ["LOC", "ORG"], "forms": ["سوق الحميدية"]},
            {"label": "Hamas", "types": ["ORG"], "forms": ["حماس"]},
        ]},
        "snn-1.txt": {"entities": [{"label": "Riyadh", "types": ["LOC", "GPE"], "forms": ["الرياض"]}]},
    }
    wh = tmp_path / "w.duckdb"
    _warehouse(wh, [
        ("may-1.txt", "loc:gaza", "غزة", "LOC", "غزة"),
        ("may-1.txt", "loc:souk", "سوق الحميدية", "LOC", "سوق الحميدية"),  # a [LOC, ORG] found as LOC
        ("may-1.txt", "per:x", "حماس", "PER", "حماس"),                      # Hamas typed PER: an extra
        ("snn-1.txt", "loc:riyadh", "الرياض", "LOC", "الرياض"),
    ])
    rows = dev_eval.figures(wh, gold, scorer)
    assert rows["overall"]["gold"] == 4 and rows["overall"]["recall"] == pytest.approx(3 / 4)
    assert rows["ORG"]["recall"] == pytest.approx(1 / 2)       # the souk counts for ORG too; Hamas missed
    assert rows["PER"]["precision"] == 0.0 and len(rows["PER"]["extras"]) == 1
    assert rows["LOC"]["precision"] == 1.0 and rows["LOC"]["recall"] == 1.0
    assert rows["source:snn"]["recall"] == 1.0 and rows["source:may"]["recall"] == pytest.approx(2 / 3)
    assert dev_eval.floors_missed(rows["overall"], {"dev_modern_recall": 0.8}) == [
        "dev-modern recall 0.750 < floor 0.8"]


def test_dev_modern_warehouse_stays_above_the_floors(prefect_harness, tmp_path):
    from flows.pipeline import akhbar_pipeline

    dev = require_shared("eval", "dev-modern")
    wh = tmp_path / "dev.duckdb"
    akhbar_pipeline(input_dir=str(dev / "articles"), warehouse_path=str(wh))
    rows = dev_eval.figures(wh, json.loads((dev / "gold.json").read_text(encoding="utf-8")),
                            dev_eval.load_scorer(dev.parent))
    floors = json.loads(dev_eval.FLOORS.read_text(encoding="utf-8"))
    assert not dev_eval.floors_missed(rows["overall"], floors), dev_eval.format_figures(rows, "dev-modern")
