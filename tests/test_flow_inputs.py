"""The whole flow over a folder of every input format and every kind of bad input (made here)."""
import gzip
import json
import os

import duckdb
import pytest

from tests.conftest import SEEDS

SEED = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def _paragraphs(text: str, n: int = 6) -> str:
    return "\n".join([line for line in text.splitlines() if len(line) > 80][:n])


def _rows(wh, sql):
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def mixed_run(prefect_harness, tmp_path_factory):
    from flows.pipeline import akhbar_pipeline

    root = tmp_path_factory.mktemp("mixed")
    (root / "sub").mkdir()
    (root / "plain.txt").write_text(SEED["000"], encoding="utf-8")
    (root / "legacy_cp1256.txt").write_bytes(_paragraphs(SEED["001"]).encode("cp1256", errors="ignore"))
    (root / "utf16.txt").write_bytes(_paragraphs(SEED["002"]).encode("utf-16"))
    (root / "mojibake.txt").write_text(_paragraphs(SEED["004"]).encode("utf-8").decode("latin-1"), encoding="utf-8")
    (root / "one.json").write_text(json.dumps({
        "headline": "قمة شي وبوتين", "content": _paragraphs(SEED["003"], 8), "url": "https://example.org/a",
        "published_at": "2024-05-17T09:30:00Z", "author": "محرر", "source": "مثال نيوز", "category": "world"},
        ensure_ascii=False), encoding="utf-8")
    jsonl_lines = [json.dumps({"title": f"خبر {i}", "body": _paragraphs(SEED[k], 3 + i)}, ensure_ascii=False)
                   for i, k in enumerate(["001", "002"])]
    (root / "sub" / "feed.jsonl").write_text("\n".join([jsonl_lines[0], "{broken json", jsonl_lines[1]]) + "\n",
                                             encoding="utf-8")
    trec = "".join(f"<DOC><DOCNO>X-{i}</DOCNO><SRC>wire</SRC><TITLE>عنوان {i}</TITLE>"
                   f"<TIME>Sun, 18 Feb 2018 18:06:52 GMT</TIME><TEXT>{_paragraphs(SEED[k], 4 + i)}</TEXT></DOC>\n"
                   for i, k in enumerate(["003", "004"]))
    (root / "sub" / "wire.txt").write_text(trec, encoding="utf-8")
    (root / "page.html").write_text(
        "<html><head><title>صفحة</title></head><body><nav>الرئيسية | اتصل بنا</nav><article><h1>قمة في بكين</h1>"
        + "".join(f"<p>{p}</p>" for p in _paragraphs(SEED["000"], 8).splitlines()) + "</article></body></html>",
        encoding="utf-8")
    with gzip.open(root / "zipped.txt.gz", "wt", encoding="utf-8") as fh:
        fh.write(_paragraphs(SEED["004"], 9))
    # syndicated copy: the same story with a different first line and a trimmed paragraph
    story = _paragraphs(SEED["003"], 8).splitlines()
    (root / "syndicated.txt").write_text("نقلا عن وكالات الأنباء اليوم في تقرير خاص\n" + "\n".join(story[:-1]),
                                         encoding="utf-8")
    # bad inputs
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(os.urandom(3000).replace(b"\x00", b"\x01") + b"\x00" * 50)
    (root / "truncated.txt").write_bytes((SEED["000"][:300] + "ب").encode("utf-8")[:-1])
    (root / "english.txt").write_text("The summit in Beijing ended on Friday with a joint statement. " * 8,
                                      encoding="utf-8")
    (root / "huge.txt").write_bytes(("ب" * 2_000_000).encode("utf-8"))
    (root / "only_noise.txt").write_text("صور من الحدث اليوم\nGettyImages 1298765432 1024x654\n"
                                         "شاهد أيضا: وزير الخارجية يصل إلى العاصمة\n", encoding="utf-8")
    (root / "loop").symlink_to(root)
    (root / "outside.txt").symlink_to("/etc/hostname")
    wh = tmp_path_factory.mktemp("wh") / "w.duckdb"
    summary = akhbar_pipeline(input_dir=str(root), warehouse_path=str(wh), max_bytes=1_000_000)
    return root, wh, summary


def test_every_good_input_loads_with_its_format_and_encoding(mixed_run):
    _, wh, summary = mixed_run
    formats = dict(_rows(wh, "SELECT regexp_extract(source_path, '[^/]+$'), input_format || ':' || encoding FROM articles"))
    assert formats["plain.txt"] == "txt:utf-8"
    assert formats["legacy_cp1256.txt"] == "txt:cp1256"
    assert formats["utf16.txt"].startswith("txt:utf-16")
    assert formats["mojibake.txt"] == "txt:utf-8 (mojibake repaired)"
    assert formats["one.json"].startswith("json:")
    assert formats["feed.jsonl#1"].startswith("jsonl:") and formats["feed.jsonl#3"].startswith("jsonl:")
    assert formats["wire.txt#1"].startswith("trec:") and formats["wire.txt#2"].startswith("trec:")
    assert formats["page.html"].startswith("html")
    assert formats["zipped.txt.gz"].startswith("txt+gzip:")


def test_metadata_from_the_input_lands_in_articles(mixed_run):
    _, wh, _ = mixed_run
    row = _rows(wh, "SELECT title, url, published_at, source_name, category, author FROM articles "
                    "WHERE source_path LIKE '%one.json'")[0]
    assert row[0] == "قمة شي وبوتين" and row[1] == "https://example.org/a"
    assert str(row[2]) == "2024-05-17 09:30:00" and row[3:] == ("مثال نيوز", "world", "محرر")
    assert _rows(wh, "SELECT source_name FROM articles WHERE source_path LIKE '%wire.txt#2'") == [("wire",)]


def test_every_bad_input_is_quarantined_with_a_reason(mixed_run):
    _, wh, _ = mixed_run
    reasons = dict(_rows(wh, "SELECT regexp_extract(source_path, '[^/]+$'), reason FROM quarantine"))
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.txt"] == "binary file"
    assert reasons["truncated.txt"] == "truncated UTF-8"
    assert reasons["english.txt"] == "not Arabic"
    assert reasons["huge.txt"] == "file too large"
    assert reasons["feed.jsonl#2"] == "invalid JSON line"
    assert reasons["only_noise.txt"] == "failed expectation"
    assert reasons["loop"] == "symlink loop"
    assert reasons["outside.txt"] == "path outside the input folder"
    assert all(d for (d,) in _rows(wh, "SELECT detail FROM quarantine"))


def test_syndicated_copy_is_linked_and_counted_once(mixed_run):
    _, wh, _ = mixed_run
    original, copy = _rows(wh, """SELECT (SELECT article_id FROM articles WHERE source_path LIKE '%one.json'),
                                         (SELECT duplicate_of FROM articles WHERE source_path LIKE '%syndicated.txt')""")[0]
    assert copy == original
    # The fixtures reuse seed paragraphs on purpose: these pairs really are the same story.
    copies = dict(_rows(wh, """SELECT regexp_extract(a.source_path, '[^/]+$'), regexp_extract(o.source_path, '[^/]+$')
                               FROM articles a JOIN articles o ON o.article_id = a.duplicate_of"""))
    assert copies == {"syndicated.txt": "one.json", "zipped.txt.gz": "mojibake.txt", "wire.txt#2": "mojibake.txt"}
    putin = _rows(wh, "SELECT article_count, story_count FROM entity_summary WHERE entity_id = 'per:vladimir_putin'")[0]
    assert putin[0] == putin[1] + 1


def test_nothing_half_loaded_and_a_rerun_is_a_no_op(mixed_run):
    from flows.pipeline import akhbar_pipeline

    root, wh, summary = mixed_run
    assert summary["articles_loaded"] == _rows(wh, "SELECT count(*) FROM articles")[0][0] == 12
    orphans = _rows(wh, "SELECT count(*) FROM mentions WHERE article_id NOT IN (SELECT article_id FROM articles)")
    assert orphans == [(0,)]
    statuses = dict(_rows(wh, "SELECT regexp_extract(source_path, '[^/]+$'), status FROM source_files"))
    assert statuses["feed.jsonl"] == "loaded" and statuses["empty.txt"] == "quarantined"
    before = _rows(wh, "SELECT count(*) FROM quarantine")
    again = akhbar_pipeline(input_dir=str(root), warehouse_path=str(wh), max_bytes=1_000_000)
    assert again["articles_loaded"] == 0 and again["files_quarantined"] == 0
    assert _rows(wh, "SELECT count(*) FROM quarantine") == before
