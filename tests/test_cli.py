import io
import json
import subprocess
import sys

import duckdb
import pytest

from flows import cli
from tests.conftest import REPO_ROOT

TEXT = "استقبل الرئيسُ الصيني شي جين بينغ نظيره الروسي فلاديمير بوتين في بكين وللصين."


def _extract(monkeypatch, capsys, argv, stdin=TEXT):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert cli.main(["extract", *argv]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_extract_prints_exact_offsets_into_the_text_as_read(monkeypatch, capsys):
    records = _extract(monkeypatch, capsys, [])
    assert {r["entity_id"] for r in records} >= {"per:xi_jinping", "per:vladimir_putin", "loc:city:beijing"}
    for r in records:
        assert set(r) == {"start", "end", "surface", "type", "entity_id", "canonical"}
        assert TEXT[r["start"]:r["end"]] == r["surface"]
    assert not any(r["surface"] == "الروسي" for r in records)  # nisba adjectives are not names


def test_extract_reads_a_file_in_a_legacy_encoding(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_bytes(TEXT.encode("cp1256", errors="ignore"))
    assert cli.main(["extract", str(path)]) == 0
    assert "per:vladimir_putin" in capsys.readouterr().out


def test_sql_prints_a_table_and_reports_errors(tmp_path, capsys):
    wh = tmp_path / "w.duckdb"
    with duckdb.connect(str(wh)) as con:
        con.execute("CREATE TABLE t AS SELECT 'بكين' AS name, 3 AS n")
    assert cli.main(["sql", "--warehouse", str(wh), "SELECT * FROM t"]) == 0
    out = capsys.readouterr().out
    assert "name | n" in out and "بكين" in out and "(1 row)" in out
    assert cli.main(["sql", "--warehouse", str(wh), "SELECT nope FROM t"]) == 1
    assert "SQL error" in capsys.readouterr().err
    assert cli.main(["sql", "--warehouse", str(tmp_path / "missing.duckdb"), "SELECT 1"]) == 2


UNLISTED = "وقال الباحث سمير رمزي إن وزارة الزراعة الموريتانية أعلنت أمس خطة جديدة، وأضاف رمزي أن الخطة جاهزة."


def test_extract_adds_unlisted_names_with_auto_ids(monkeypatch, capsys):
    records = _extract(monkeypatch, capsys, [], stdin=UNLISTED)
    for r in records:
        assert set(r) == {"start", "end", "surface", "type", "entity_id", "canonical"}
        assert UNLISTED[r["start"]:r["end"]] == r["surface"]
    got = {(r["surface"], r["type"], r["entity_id"].split(":")[1]) for r in records}
    assert ("سمير رمزي", "PER", "auto") in got and ("رمزي", "PER", "auto") in got
    assert ("وزارة الزراعة الموريتانية", "ORG", "auto") in got
    person = [r for r in records if r["type"] == "PER"]
    assert len({r["entity_id"] for r in person}) == 1 and {r["canonical"] for r in person} == {"سمير رمزي"}
    # --gazetteer-only: the gazetteer's names alone
    assert not any(":auto:" in r["entity_id"] for r in _extract(monkeypatch, capsys, ["--gazetteer-only"],
                                                                 stdin=UNLISTED))


# --------------------------------------------------------------------------- akhbar sql is read-only for real

def _warehouse(tmp_path):
    wh = tmp_path / "w.duckdb"
    with duckdb.connect(str(wh)) as con:
        con.execute("CREATE TABLE t AS SELECT 'بكين' AS name, 3 AS n")
        con.execute("CREATE TABLE titles AS SELECT 'عنوان' || chr(27) || '[2J' || chr(27) || ']0;pwned' || chr(7) "
                    "|| chr(155) || 'x' AS title")
    return wh


@pytest.mark.parametrize("query", [
    "COPY (SELECT 1) TO '{wh}'",
    "COPY t TO '{tmp}/out.csv'",
    "ATTACH '{wh}' AS w2 (READ_WRITE)",
    "ATTACH '{tmp}/new.duckdb' AS w3",
    "EXPORT DATABASE '{tmp}/export'",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "INSTALL fts",
    "LOAD fts",
    "SET enable_external_access = true",
    "SELECT 1; DROP TABLE t",
    "INSERT INTO t VALUES ('x', 1)",
    "CREATE TABLE x AS SELECT 1",
    "PRAGMA enable_profiling",
    "CALL dbgen(sf = 0.01)",
])
def test_sql_refuses_anything_that_is_not_one_read(tmp_path, capsys, query):
    wh = _warehouse(tmp_path)
    before = wh.read_bytes()
    assert cli.main(["sql", "--warehouse", str(wh), query.format(wh=wh, tmp=tmp_path)]) != 0
    assert capsys.readouterr().err
    assert wh.read_bytes() == before
    assert not any(p.name in ("out.csv", "new.duckdb", "export") for p in tmp_path.iterdir())
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM t").fetchone() == (1,)


def test_sql_still_reads_with_explain_describe_and_ctes(tmp_path, capsys):
    wh = _warehouse(tmp_path)
    for query in ("EXPLAIN SELECT * FROM t", "DESCRIBE t", "WITH x AS (SELECT n FROM t) SELECT * FROM x",
                  "FROM t", "SHOW TABLES"):
        assert cli.main(["sql", "--warehouse", str(wh), query]) == 0, (query, capsys.readouterr().err)
    capsys.readouterr()


def test_sql_prints_control_characters_escaped_never_raw(tmp_path, capsys):
    wh = _warehouse(tmp_path)
    assert cli.main(["sql", "--warehouse", str(wh), "SELECT title, chr(27) AS \"a\x1b[31mb\" FROM titles"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "عنوان\\x1b[2J\\x1b]0;pwned\\x07\\x9bx" in out and "a\\x1b[31mb" in out


def test_sql_piped_into_head_ends_quietly(tmp_path):
    wh = tmp_path / "w.duckdb"
    with duckdb.connect(str(wh)) as con:
        con.execute("CREATE TABLE big AS SELECT range AS n, 'سطر' AS word FROM range(100000)")
    proc = subprocess.run(f"{sys.executable} -m flows.cli sql --limit 100000 --warehouse {wh} "
                          f"'SELECT * FROM big' | head -3", shell=True, capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=120)
    assert len(proc.stdout.splitlines()) == 3
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr
