import threading
import time

import duckdb
import pytest

from flows import warehouse
from flows.warehouse import ModelError, Staging, WarehouseBusy, commit_run, plan_models, run_lock, run_models


def test_models_run_in_dependency_order():
    models = {
        "c_top": "SELECT * FROM b_counts ORDER BY n DESC LIMIT 3",
        "b_counts": "WITH x AS (SELECT * FROM a_base) SELECT k, count(*) AS n FROM x GROUP BY k",
        "a_base": "SELECT * FROM mentions",
    }
    order = plan_models(models)
    assert order.index("a_base") < order.index("b_counts") < order.index("c_top")


def test_model_cycle_is_reported():
    with pytest.raises(ModelError, match="cycle"):
        plan_models({"a": "SELECT * FROM b", "b": "SELECT * FROM a"})


def test_failing_model_names_its_file(tmp_path):
    (tmp_path / "broken_model.sql").write_text("SELECT no_such_column FROM articles", encoding="utf-8")
    con = duckdb.connect()
    warehouse.create_tables(con)
    with pytest.raises(ModelError, match=r"sql/broken_model\.sql failed: .*no_such_column"):
        run_models(con, tmp_path)


def test_project_models_build_on_an_empty_warehouse():
    from flows.config import sql_dir
    con = duckdb.connect()
    warehouse.create_tables(con)
    built = run_models(con, sql_dir())
    assert {"entity_summary", "entity_cooccurrence", "article_entities", "source_summary"} <= set(built)


def _stage_one_article(path, article_id="a1"):
    staging = Staging(path)
    staging.append("articles", [{"article_id": article_id, "source_path": "x.txt", "body_raw": "نص",
                                 "body_clean": "نص", "body_norm": "نص", "content_hash": "h" + article_id}])
    staging.release()
    return staging


def test_commit_is_all_or_nothing(tmp_path):
    from flows.config import sql_dir
    wh = tmp_path / "wh.duckdb"
    staging = _stage_one_article(tmp_path / "stage1.duckdb")
    commit_run(wh, staging.path, {"run_id": "r1", "status": "success"}, sql_dir())

    staging2 = _stage_one_article(tmp_path / "stage2.duckdb", "a2")

    def failing_gate(con):
        raise RuntimeError("gate says no")

    with pytest.raises(RuntimeError, match="gate says no"):
        commit_run(wh, staging2.path, {"run_id": "r2", "status": "success"}, sql_dir(), failing_gate)
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.execute("SELECT article_id FROM articles").fetchall() == [("a1",)]
        assert con.execute("SELECT run_id FROM pipeline_runs").fetchall() == [("r1",)]


def test_second_run_waits_then_reports_who_holds_the_warehouse(tmp_path):
    wh = tmp_path / "wh.duckdb"
    held = threading.Event()
    release = threading.Event()

    def holder():
        with run_lock(wh, holder="run R1"):
            held.set()
            release.wait(5)

    t = threading.Thread(target=holder)
    t.start()
    held.wait(5)
    start = time.monotonic()
    with pytest.raises(WarehouseBusy, match="held by run R1"):
        with run_lock(wh, holder="run R2", timeout_s=0.5):
            pass
    assert time.monotonic() - start >= 0.5
    release.set()
    t.join()
    with run_lock(wh, holder="run R3", timeout_s=1):  # free again once the first run ends
        pass
