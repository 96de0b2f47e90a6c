import codecs
import os

import pytest

from flows.discover import SourceFile, discover_files
from flows.ingest import DecodeError, content_hash, decode_bytes, ingest_files, judge_text, parse_article

ARABIC = "شهدت العلاقة بين موسكو وبكين تقاربًا خلال الأشهر الأخيرة بعد العقوبات التي وقعها الغرب على روسيا."


@pytest.mark.parametrize("data, label", [
    (ARABIC.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + ARABIC.encode("utf-8"), "utf-8-sig"),
    (codecs.BOM_UTF16_LE + ARABIC.encode("utf-16-le"), "utf-16-le (BOM)"),
    (codecs.BOM_UTF16_BE + ARABIC.encode("utf-16-be"), "utf-16-be (BOM)"),
    (ARABIC.encode("utf-16-le"), "utf-16-le (no BOM)"),
    (ARABIC.encode("cp1256"), "cp1256"),
])
def test_decodes_each_encoding(data, label):
    text, encoding = decode_bytes(data)
    assert text == ARABIC
    assert encoding == label


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b"   \n\t ", "empty file"),
    (bytes(range(256)) * 4, "binary file"),
    ((ARABIC + "ب").encode("utf-8")[:-1], "truncated UTF-8"),
    (b"\xff\xfe\x00" + ARABIC.encode("utf-8"), "starts with"),
])
def test_bad_bytes_say_why(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode_bytes(data)


def test_latin1_bytes_are_not_taken_for_arabic():
    with pytest.raises(DecodeError, match="undecodable"):
        decode_bytes("Ça coûte très cher à Genève, déjà ôté".encode("latin-1"))


def test_same_text_in_two_encodings_has_one_hash():
    assert content_hash(decode_bytes(ARABIC.encode("cp1256"))[0]) == content_hash(
        decode_bytes(codecs.BOM_UTF16_LE + ARABIC.encode("utf-16-le"))[0])


def test_judge_text():
    assert judge_text(ARABIC) is None
    assert judge_text("This is an English article about Moscow and Beijing, nothing Arabic here.").startswith("not Arabic")
    assert judge_text("بكين").startswith("too little text")


def _file(path) -> SourceFile:
    st = os.stat(path)
    return SourceFile(str(path), st.st_size, st.st_mtime)


def test_parse_article_rejects_with_reason(tmp_path):
    p = tmp_path / "english.txt"
    p.write_text("An English page. " * 10, encoding="utf-8")
    rejected = parse_article(_file(p), p.read_bytes())
    assert rejected.reason == "not Arabic" and "0%" in rejected.detail


def test_discovery_walks_recursively_and_rejects_what_is_not_an_article(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "top.TXT").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / ".hidden.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "big.txt").write_bytes(b"x" * 2000)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text(ARABIC, encoding="utf-8")
    (tmp_path / "escape.txt").symlink_to(outside)
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    found = discover_files(tmp_path, max_file_bytes=1000)
    names = sorted(os.path.basename(f.path) for f in found.files)
    assert names == ["deep.txt", "top.TXT"]
    reasons = {os.path.basename(r.source_path): r.reason for r in found.rejected}
    assert reasons["photo.jpg"] == "unsupported file type"
    assert reasons["big.txt"] == "file too large"
    assert reasons["escape.txt"] == "path outside the input folder"
    assert reasons["loop"] == "symlink loop"
    assert ".hidden.txt" not in reasons


def test_exact_duplicates_are_recorded_not_loaded(tmp_path):
    (tmp_path / "one.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "two.txt").write_bytes(ARABIC.encode("cp1256"))  # same text, other encoding
    files = discover_files(tmp_path).files
    known: dict[str, str] = {}
    batch = ingest_files(files, known)
    assert len(batch.articles) == 1 and len(batch.duplicates) == 1
    assert batch.duplicates[0].duplicate_of == batch.articles[0].article_id
    again = ingest_files(files, known)  # a later batch or run sees them as known
    assert not again.articles and len(again.duplicates) == 2


def test_article_id_is_stable_for_the_same_content(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(ARABIC + "\r\n", encoding="utf-8")
    first = parse_article(_file(p), p.read_bytes())
    p.write_text(ARABIC + "\n", encoding="utf-8")
    assert parse_article(_file(p), p.read_bytes()).article_id == first.article_id


def test_seeds_all_decode_as_arabic_articles(seed_texts):
    from tests.conftest import SEEDS
    batch = ingest_files(discover_files(SEEDS).files, {})
    assert len(batch.articles) == 5 and not batch.rejected
    assert all(a.encoding == "utf-8" and a.arabic_ratio > 0.9 for a in batch.articles)
