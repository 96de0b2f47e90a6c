"""Zip and tar archives as inputs: members as items, with caps against bombs. Archives are made here."""
import gzip
import io
import json
import os
import tarfile
import zipfile

from flows.discover import Rejected, discover_files
from flows.ingest import Limits, RawArticle, ingest_files

P1 = "شهدت العلاقة بين موسكو وبكين تقاربًا خلال الأشهر الأخيرة بعد العقوبات التي وقعها الغرب على روسيا."
P2 = "أعلن الاتحاد الدولي لكرة القدم عن مواعيد المباريات النهائية للبطولة التي تقام في الصيف المقبل في قطر."
P3 = "وقال المتحدث باسم الخارجية الصينية إن بلاده ترفض العقوبات الأحادية وتدعو إلى الحوار بين جميع الأطراف."


def _day_json(*bodies) -> bytes:  # SaudiNewsNet's shape: one JSON list per day
    return json.dumps([{"source": "okaz", "url": f"https://x.example/{i}", "date_extracted": "2015-07-21 10:00:00",
                        "title": f"خبر {i}", "author": "الرياض - واس", "content": b}
                       for i, b in enumerate(bodies)], ensure_ascii=False).encode("utf-8")


def _zip(path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _tar(path, members: dict[str, bytes], mode="w:gz"):
    with tarfile.open(path, mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def _items(folder, limits=Limits()):
    batch = ingest_files(discover_files(folder).files, {}, limits)
    return batch, {os.path.relpath(r.source_path, folder): r.reason for r in batch.rejected}


def test_a_zip_of_day_files_gives_one_article_per_record(tmp_path):
    _zip(tmp_path / "2015-07-21.zip", {"2015-07-21.json": _day_json(P1, P2)})
    batch, reasons = _items(tmp_path)
    assert not reasons
    assert [a.source_path.rsplit("/", 1)[1] for a in batch.articles] == [
        "2015-07-21.zip!2015-07-21.json#1", "2015-07-21.zip!2015-07-21.json#2"]
    a = batch.articles[0]
    assert a.file_path.endswith("2015-07-21.zip") and a.input_format == "json"
    assert a.metadata["crawled_at"].year == 2015 and "published_at" not in a.metadata  # crawl time is not publication
    assert a.metadata["source_name"] == "okaz"


def test_a_tar_gz_tree_of_trec_files_and_its_odd_members(tmp_path):
    doc = "<DOC><DOCNO>X-{n}</DOCNO><TITLE>عنوان</TITLE><TEXT>{body}</TEXT></DOC>"
    _tar(tmp_path / "ant.tar.gz", {
        "corpus/sky/a.txt": doc.format(n=1, body=P1).encode(),
        "corpus/bbc/b.txt": doc.format(n=2, body=P2).encode(),
        "corpus/bbc/c.txt.gz": gzip.compress(doc.format(n=3, body=P3).encode()),
        "corpus/README.md": b"# readme",
        "corpus/.DS_Store": b"\x00\x01",
        "corpus/inner.zip": b"PK\x03\x04 not really",
    })
    batch, reasons = _items(tmp_path)
    assert sorted(a.source_path.split("!")[1] for a in batch.articles) == [
        "corpus/bbc/b.txt", "corpus/bbc/c.txt.gz", "corpus/sky/a.txt"]
    assert {a.input_format for a in batch.articles} == {"trec", "trec+gzip"}
    assert reasons == {"ant.tar.gz!corpus/README.md": "unsupported file type",
                       "ant.tar.gz!corpus/inner.zip": "unsupported file type"}


def test_an_archive_inside_an_archive_is_not_opened(tmp_path):
    inner = io.BytesIO()
    with tarfile.open(fileobj=inner, mode="w:gz") as archive:
        info = tarfile.TarInfo("a.txt")
        info.size = len(P1.encode())
        archive.addfile(info, io.BytesIO(P1.encode()))
    _zip(tmp_path / "outer.zip", {"inner.tar.gz": inner.getvalue()})
    batch, reasons = _items(tmp_path)
    assert not batch.articles and reasons == {"outer.zip!inner.tar.gz": "nested archive"}


def test_a_zip_bomb_member_is_refused_by_its_ratio_and_the_rest_still_loads(tmp_path):
    _zip(tmp_path / "bomb.zip", {"bomb.json": b"[" + b" " * 20_000_000 + b"]", "good.json": _day_json(P1)})
    batch, reasons = _items(tmp_path)
    assert reasons == {"bomb.zip!bomb.json": "suspicious compression"}
    assert [a.source_path.split("!")[1] for a in batch.articles] == ["good.json"]


def test_members_over_the_member_cap_and_archives_over_the_total_cap(tmp_path):
    _zip(tmp_path / "big.zip", {"a.json": _day_json(P1, P2) + b" " * 5000, "b.json": _day_json(P3)})
    assert (tmp_path / "big.zip").stat().st_size < 4000
    batch, reasons = _items(tmp_path, Limits(max_file_bytes=4000))
    assert reasons == {"big.zip!a.json": "file too large"} and len(batch.articles) == 1
    batch, reasons = _items(tmp_path, Limits(max_archive_bytes=6000))
    assert reasons == {"big.zip!b.json": "archive too large"}


def test_a_truncated_archive_keeps_what_was_read_and_says_where_it_broke(tmp_path):
    _tar(tmp_path / "t.tar.gz", {f"d/{i}.txt": (P1 + f" {i}" * 300).encode() for i in range(20)})
    data = (tmp_path / "t.tar.gz").read_bytes()
    (tmp_path / "t.tar.gz").write_bytes(data[: len(data) // 2])
    batch, _ = _items(tmp_path)
    assert 0 < len(batch.articles) < 20
    assert any(isinstance(r, Rejected) and r.reason == "corrupt tar" for r in batch.rejected)
    assert all(isinstance(a, RawArticle) for a in batch.articles)


def test_a_corrupt_zip_is_refused_with_its_reason(tmp_path):
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04" + os.urandom(200))
    batch, reasons = _items(tmp_path)
    assert not batch.articles and reasons == {"broken.zip": "corrupt zip"}
