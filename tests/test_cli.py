import io
import json

import duckdb

from flows import cli

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
