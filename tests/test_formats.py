"""Every input format, encoding and bad input the ingest stage meets. Fixtures are made here, in tmp_path."""
import codecs
import datetime as dt
import errno
import gzip
import json
import os
from pathlib import Path

import pytest

from flows import formats, ingest, reading
from flows.discover import Rejected, SourceFile, discover_files
from flows.ingest import MOJIBAKE_LABEL, DecodeError, Limits, RawArticle, decode_bytes, ingest_files, parse_file

P1 = "شهدت العلاقة بين موسكو وبكين تقاربًا خلال الأشهر الأخيرة بعد العقوبات التي وقعها الغرب على روسيا."
P2 = "وقال المتحدث باسم الخارجية الصينية إن بلاده ترفض العقوبات الأحادية وتدعو إلى الحوار بين جميع الأطراف."
P3 = "وأضاف أن التعاون الاقتصادي بين البلدين سيستمر في مجالات الطاقة والتجارة والنقل خلال العام المقبل."
BODY = "\n".join([P1, P2, P3])
OTHER = "أعلن الاتحاد الدولي لكرة القدم عن مواعيد المباريات النهائية للبطولة التي تقام في الصيف المقبل في قطر."


def _file(path) -> SourceFile:
    st = os.stat(path)
    return SourceFile(str(path), st.st_size, st.st_mtime)


def _parse(path, data: bytes | None = None, **kw):
    if data is not None:
        path.write_bytes(data)
    return parse_file(_file(path), path.read_bytes(), **kw)



def _one(path, data: bytes | None = None, **kw):
    items = _parse(path, data, **kw)
    assert len(items) == 1, items
    return items[0]


TREC = """<DOC>
<DOCNO>SK-middleEast-7-20180218</DOCNO>
<URL>https://www.skynewsarabia.com/middle-east/1-خبر</URL>
<SRC>skynews</SRC>
<CAT>middleEast</CAT>
<TITLE>موسكو وبكين: تقارب "غير مسبوق" & تعاون</TITLE>
<TIME>Sun, 18 Feb 2018 18:06:52 GMT</TIME>
<AUTHOR>أبوظبي - سكاي نيوز عربية</AUTHOR>
<ABSTRACT>
{abstract}
</ABSTRACT>
<TEXT>
{body}
</TEXT>
</DOC>
"""


# --------------------------------------------------------------------------- formats

def test_plain_txt_is_one_article_without_metadata(tmp_path):
    a = _one(tmp_path / "a.txt", BODY.encode())
    assert isinstance(a, RawArticle) and a.input_format == "txt" and a.metadata == {}
    assert a.text == BODY and a.source_path == a.file_path == str(tmp_path / "a.txt")


def test_json_object_with_usual_field_names(tmp_path):
    obj = {"headline": "تقارب روسي صيني", "article_body": BODY, "link": "https://x.example/1",
           "pubDate": "2018-02-18T20:06:52+02:00", "byline": "أحمد علي", "source": {"id": "x", "name": "سكاي"},
           "section": "سياسة"}
    a = _one(tmp_path / "a.json", json.dumps(obj, ensure_ascii=False).encode())
    assert a.input_format == "json" and a.text == BODY and a.source_path == str(tmp_path / "a.json")
    assert a.metadata == {"title": "تقارب روسي صيني", "url": "https://x.example/1",
                          "published_at": dt.datetime(2018, 2, 18, 18, 6, 52), "author": "أحمد علي",
                          "source_name": "سكاي", "category": "سياسة"}


def test_json_list_gives_one_article_per_item_and_rejects_items_without_body(tmp_path):
    items = [{"title": "أ", "content": BODY}, {"title": "ب", "url": "https://x.example/2"},
             {"text": OTHER, "date": "18/02/2018"}, "just a string"]
    out = _parse(tmp_path / "list.json", json.dumps(items, ensure_ascii=False).encode())
    p = str(tmp_path / "list.json")
    assert [o.source_path for o in out] == [f"{p}#1", f"{p}#2", f"{p}#3", f"{p}#4"]
    assert all(o.file_path == p for o in out)
    assert isinstance(out[0], RawArticle) and out[0].metadata["title"] == "أ"
    assert isinstance(out[1], Rejected) and out[1].reason == "no article body"
    assert "title, url" in out[1].detail and "content" in out[1].detail
    assert out[2].metadata["published_at"] == dt.datetime(2018, 2, 18)
    assert isinstance(out[3], Rejected) and out[3].reason == "not a JSON object"


def test_json_wrapper_object_and_html_fragment_body(tmp_path):
    data = {"status": "ok", "articles": [{"title": "أ", "body": f"<p>{P1}</p><p>{P2}</p>"}]}
    a = _one(tmp_path / "feed.json", json.dumps(data, ensure_ascii=False).encode())
    assert a.text == f"{P1}\n{P2}"


def test_jsonl_good_lines_load_and_each_broken_line_is_rejected_with_its_number(tmp_path):
    lines = [json.dumps({"title": "أ", "content": BODY}, ensure_ascii=False), "",
             '{"title": "broken", "content": "نص', json.dumps({"body": OTHER}, ensure_ascii=False),
             "not json at all", json.dumps({"headline": "بلا نص"}, ensure_ascii=False)]
    p = tmp_path / "feed.jsonl"
    out = _parse(p, "\n".join(lines).encode())
    by_path = {o.source_path: o for o in out}
    assert sorted(by_path) == [f"{p}#{n}" for n in (1, 3, 4, 5, 6)]  # N = line number, blank line skipped
    assert isinstance(by_path[f"{p}#1"], RawArticle) and isinstance(by_path[f"{p}#4"], RawArticle)
    for n in (3, 5):
        bad = by_path[f"{p}#{n}"]
        assert isinstance(bad, Rejected) and bad.reason == "invalid JSON line"
        assert bad.detail.startswith(f"invalid JSON on line {n}: ")
        assert bad.file_path == str(p) and bad.size == p.stat().st_size
    assert by_path[f"{p}#6"].reason == "no article body" and "headline" in by_path[f"{p}#6"].detail


def test_ndjson_and_json_lines_saved_as_json(tmp_path):
    text = "\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in (BODY, OTHER))
    assert [o.input_format for o in _parse(tmp_path / "a.ndjson", text.encode())] == ["jsonl", "jsonl"]
    assert [o.input_format for o in _parse(tmp_path / "b.json", text.encode())] == ["jsonl", "jsonl"]


def test_invalid_json_file_is_rejected(tmp_path):
    r = _one(tmp_path / "bad.json", b'{"title": "x", "content": ')
    assert isinstance(r, Rejected) and r.reason == "invalid JSON" and "line 1" in r.detail


def test_trec_single_doc_in_a_txt_file(tmp_path):
    text = TREC.format(abstract=P1[:60], body=BODY)  # abstract = the body's first words, cut off: dropped
    a = _one(tmp_path / "SK-middleEast-7-20180218.txt", text.encode())
    assert a.input_format == "trec" and a.text == BODY
    assert a.source_path == str(tmp_path / "SK-middleEast-7-20180218.txt")
    m = a.metadata
    assert m["title"] == 'موسكو وبكين: تقارب "غير مسبوق" & تعاون'
    assert m["published_at"] == dt.datetime(2018, 2, 18, 18, 6, 52)
    assert (m["source_name"], m["category"], m["author"]) == ("skynews", "middleEast", "أبوظبي - سكاي نيوز عربية")
    assert m["url"].endswith("1-خبر")


def test_trec_standfirst_abstract_is_prepended(tmp_path):
    a = _one(tmp_path / "bbc.txt", ("\ufeff  " + TREC.format(abstract=OTHER, body=BODY)).encode())
    assert a.text == OTHER + "\n" + BODY and a.metadata["abstract"] == OTHER


def test_trec_multi_doc_lenient_and_with_a_bad_doc(tmp_path):
    docs = (TREC.format(abstract="", body=BODY)
            + "<DOC><DOCNO>X-2</DOCNO><TITLE>no text here</TITLE></DOC>\n"
            + "<DOC><DOCNO>X-3</DOCNO><TITLE>a < b</TITLE><TEXT>" + OTHER + "\n")  # unclosed TEXT and DOC
    p = tmp_path / "many.txt"
    out = _parse(p, docs.encode())
    assert [o.source_path for o in out] == [f"{p}#1", f"{p}#2", f"{p}#3"]
    assert out[0].text == BODY and out[2].text == OTHER and out[2].metadata["title"] == "a < b"
    assert isinstance(out[1], Rejected) and out[1].reason == "no article body" and "X-2" in out[1].detail


PAGE = f"""<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>تقارب روسي صيني - موقع الأخبار</title>
<meta name="author" content="أحمد علي"><meta property="article:published_time" content="2018-02-18T10:30:00Z">
<link rel="canonical" href="https://news.example/a/1"></head><body>
<nav><a href="/">الرئيسية</a> <a href="/w">العالم</a> <a href="/s">رياضة</a></nav>
<article><h1>تقارب روسي صيني</h1><p>{P1}</p><p>{P2}</p><p>{P3}</p></article>
<footer>جميع الحقوق محفوظة</footer><script>var x = "<p>لا</p>";</script></body></html>"""


def test_html_main_text_and_metadata(tmp_path):
    a = _one(tmp_path / "page.html", PAGE.encode())
    assert a.input_format == "html"
    assert P1 in a.text and P3 in a.text and "جميع الحقوق" not in a.text and "var x" not in a.text
    assert a.metadata["title"] == "تقارب روسي صيني" and a.metadata["author"] == "أحمد علي"
    assert a.metadata["url"] == "https://news.example/a/1"
    assert a.metadata["published_at"] == dt.datetime(2018, 2, 18, 10, 30)


def test_html_falls_back_to_tag_stripping_and_says_so(tmp_path, monkeypatch):
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    a = _one(tmp_path / "page.htm", PAGE.encode("cp1256"))
    assert a.input_format == "html (tag-stripped fallback)" and a.encoding == "cp1256"
    assert P1 in a.text and "var x" not in a.text and "الرئيسية" not in a.text  # nav dropped
    assert a.metadata["title"] == "تقارب روسي صيني - موقع الأخبار"


def test_html_detected_by_content_in_a_txt_file(tmp_path):
    assert _one(tmp_path / "saved.txt", PAGE.encode()).input_format == "html"


@pytest.mark.parametrize("name, payload, fmt, n", [
    ("a.txt.gz", BODY.encode(), "txt+gzip", 1),
    ("a.json.gz", json.dumps({"content": BODY}).encode(), "json+gzip", 1),
    ("a.jsonl.gz", "\n".join(json.dumps({"text": t}) for t in (BODY, OTHER)).encode(), "jsonl+gzip", 2),
    ("a.html.gz", PAGE.encode(), "html+gzip", 1),
    ("ant.txt.gz", TREC.format(abstract="", body=BODY).encode(), "trec+gzip", 1),
    ("bare.gz", TREC.format(abstract="", body=BODY).encode(), "trec+gzip", 1),
])
def test_gzip_of_each_format(tmp_path, name, payload, fmt, n):
    out = _parse(tmp_path / name, gzip.compress(payload))
    assert len(out) == n and all(isinstance(o, RawArticle) and o.input_format == fmt for o in out)


def test_gzip_detected_by_magic_bytes_under_a_txt_name(tmp_path):
    assert _one(tmp_path / "really-gzip.txt", gzip.compress(BODY.encode())).text == BODY


def test_gzip_bomb_is_quarantined_and_corrupt_gzip_says_so(tmp_path):
    bomb = gzip.compress(b" " * 2_000_000)  # 2 MB of nothing in ~2 kB
    r = _one(tmp_path / "bomb.txt.gz", bomb, max_bytes=100_000)
    assert isinstance(r, Rejected) and r.reason == "file too large" and "decompresses" in r.detail
    r = _one(tmp_path / "broken.txt.gz", gzip.compress(BODY.encode())[:-30])
    assert isinstance(r, Rejected) and r.reason == "corrupt gzip"


def test_gzip_bomb_through_ingest_files_and_the_file_limit(tmp_path):
    (tmp_path / "bomb.json.gz").write_bytes(gzip.compress(b"[" + b" " * 3_000_000 + b"]"))
    batch = ingest_files(discover_files(tmp_path).files, {}, Limits(max_file_bytes=2_000_000))
    assert not batch.articles and [r.reason for r in batch.rejected] == ["file too large"]


# --------------------------------------------------------------------------- encodings

@pytest.mark.parametrize("data, label", [
    (BODY.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + BODY.encode("utf-8"), "utf-8-sig"),
    (codecs.BOM_UTF16_LE + BODY.encode("utf-16-le"), "utf-16-le (BOM)"),
    (codecs.BOM_UTF16_BE + BODY.encode("utf-16-be"), "utf-16-be (BOM)"),
    (BODY.encode("utf-16-le"), "utf-16-le (no BOM)"),
    (BODY.encode("utf-16-be"), "utf-16-be (no BOM)"),
    (BODY.encode("cp1256"), "cp1256"),
    (BODY.encode("iso-8859-6"), "iso-8859-6"),
    (BODY.encode("utf-8").decode("latin-1").encode("utf-8"), MOJIBAKE_LABEL),
    (BODY.encode("utf-8").decode("cp1256").encode("utf-8"), MOJIBAKE_LABEL),
])
def test_each_encoding_decodes_to_the_same_text(data, label):
    text, encoding = decode_bytes(data)
    assert (text, encoding) == (BODY, label)


def test_iso_8859_6_is_not_taken_for_cp1256_and_back():
    # Both decode without error either way; only one of them gives Arabic words.
    assert ingest.arabic_word_score(BODY.encode("iso-8859-6").decode("cp1256")) < 0.05
    assert ingest.arabic_word_score(BODY.encode("cp1256").decode("iso-8859-6", errors="replace")) < 0.05
    assert ingest.arabic_word_score(BODY) > 0.3


def test_cp1252_mojibake_in_a_file(tmp_path):
    mojibake = BODY.encode("utf-8").decode("latin-1").encode("utf-8")
    assert "Ø§Ù" in mojibake.decode("utf-8")
    a = _one(tmp_path / "moji.txt", mojibake)
    assert a.encoding == MOJIBAKE_LABEL and a.text == BODY


def test_encoding_labels_are_the_ones_the_ingest_suite_allows():
    suite = json.loads((Path(__file__).resolve().parents[1] / "expectations" / "ingest.json").read_text())
    allowed = next(e["kwargs"]["value_set"] for e in suite["expectations"] if e["kwargs"].get("column") == "encoding")
    for label in ("utf-8", "utf-8-sig", "utf-16-le (BOM)", "utf-16-be (BOM)", "utf-16-le (no BOM)",
                  "utf-16-be (no BOM)", "utf-32 (BOM)", "cp1256", "iso-8859-6", MOJIBAKE_LABEL):
        assert label in allowed


def test_same_article_in_every_encoding_is_one_article(tmp_path):
    for i, data in enumerate([BODY.encode(), BODY.encode("cp1256"), BODY.encode("iso-8859-6"),
                              codecs.BOM_UTF16_BE + BODY.encode("utf-16-be"),
                              BODY.encode().decode("latin-1").encode()]):
        (tmp_path / f"{i}.txt").write_bytes(data)
    batch = ingest_files(discover_files(tmp_path).files, {})
    assert len(batch.articles) == 1 and len(batch.duplicates) == 4


# --------------------------------------------------------------------------- bad inputs

def test_every_bad_input_is_rejected_with_a_reason_and_the_run_goes_on(tmp_path):
    files = {
        "empty.txt": b"",
        "blank.txt": b"  \n\n ",
        "binary.txt": bytes(range(256)) * 8,
        "truncated.txt": (BODY + "ب").encode()[:-1],
        "english.txt": b"An English article about Moscow and Beijing and the sanctions of the West. " * 5,
        "french.txt": "Ça coûte très cher à Genève, déjà ôté, répète le ministre français.".encode("latin-1"),
        "tiny.txt": "بكين".encode(),
        "good.txt": BODY.encode(),
        "big.txt": BODY.encode() * 1000,
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    found = discover_files(tmp_path)
    batch = ingest_files(found.files, {}, Limits(max_bytes=100_000))
    reasons = {os.path.basename(r.source_path): r.reason for r in found.rejected + batch.rejected}
    assert reasons == {"empty.txt": "empty file", "blank.txt": "empty file", "binary.txt": "binary file",
                       "truncated.txt": "truncated UTF-8", "english.txt": "not Arabic", "french.txt": "undecodable",
                       "tiny.txt": "too little text", "big.txt": "file too large"}
    assert [os.path.basename(a.source_path) for a in batch.articles] == ["good.txt"]


def test_unsupported_extension_is_still_rejected(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "a.xml").write_text("<x/>")
    assert {r.reason for r in discover_files(tmp_path).rejected} == {"unsupported file type"}


def test_symlink_loop_and_escape_are_rejected(tmp_path):
    inside = tmp_path / "in"
    inside.mkdir()
    (inside / "ok.jsonl").write_text(json.dumps({"text": BODY}, ensure_ascii=False))
    (inside / "loop").symlink_to(inside)
    (tmp_path / "secret.txt").write_text(BODY)
    (inside / "escape.txt").symlink_to(tmp_path / "secret.txt")
    found = discover_files(inside)
    assert {os.path.basename(r.source_path): r.reason for r in found.rejected} == {
        "loop": "symlink loop", "escape.txt": "path outside the input folder"}
    assert [os.path.basename(f.path) for f in found.files] == ["ok.jsonl"]


def _failing_open(monkeypatch, errors):
    """Opening fails with `errors` first (one per try), then works."""
    calls = []
    real = reading._open_under

    def fake(root, relative):
        calls.append(relative)
        if errors:
            raise errors.pop(0)
        return real(root, relative)
    monkeypatch.setattr(reading, "_open_under", fake)
    return calls


def _read(path):
    f = _file(path)
    return reading.read_bounded(f.path, 10_000_000, root=str(path.parent), open_path=str(path))


def test_transient_read_errors_are_retried_with_backoff(tmp_path, monkeypatch):
    p = tmp_path / "a.txt"
    p.write_text(BODY)
    sleeps = []
    monkeypatch.setattr(reading, "_sleep", sleeps.append)
    calls = _failing_open(monkeypatch, [OSError(errno.EIO, "I/O error"), OSError(errno.ESTALE, "Stale file handle")])
    assert _read(p) == BODY.encode() and len(calls) == 3 and sleeps == [0.1, 0.3]


def test_read_gives_up_after_the_retries(tmp_path, monkeypatch):
    p = tmp_path / "a.txt"
    p.write_text(BODY)
    sleeps = []
    monkeypatch.setattr(reading, "_sleep", sleeps.append)
    _failing_open(monkeypatch, [OSError(errno.EBUSY, "Device or resource busy")] * 10)
    with pytest.raises(reading.ReadRefused) as refused:
        _read(p)
    assert refused.value.reason == "unreadable file" and "after 4 tries" in refused.value.detail
    assert refused.value.transient and sleeps == [0.1, 0.3, 0.9]


@pytest.mark.parametrize("err, reason", [(PermissionError(errno.EACCES, "Permission denied"), "unreadable file"),
                                         (FileNotFoundError(errno.ENOENT, "No such file or directory"),
                                          "file vanished")])
def test_permission_denied_and_not_found_are_not_retried(tmp_path, monkeypatch, err, reason):
    p = tmp_path / "a.txt"
    p.write_text(BODY)
    sleeps = []
    monkeypatch.setattr(reading, "_sleep", sleeps.append)
    calls = _failing_open(monkeypatch, [err])
    with pytest.raises(reading.ReadRefused) as refused:
        _read(p)
    assert refused.value.reason == reason and len(calls) == 1 and not sleeps


def test_unreadable_file_in_a_batch_does_not_stop_the_others(tmp_path):
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "b.txt").write_text(OTHER)
    files = discover_files(tmp_path).files
    os.remove(files[0].path)  # gone between discovery and reading
    batch = ingest_files(files, {})
    assert len(batch.articles) == 1 and batch.rejected[0].reason == "file vanished" and batch.rejected[0].transient


# --------------------------------------------------------------------------- dates

@pytest.mark.parametrize("value, expected", [
    ("Sun, 18 Feb 2018 18:06:52 GMT", dt.datetime(2018, 2, 18, 18, 6, 52)),
    ("Sun, 18 Feb 2018 21:35:43 +0400", dt.datetime(2018, 2, 18, 17, 35, 43)),
    ("2018-02-18T18:06:52Z", dt.datetime(2018, 2, 18, 18, 6, 52)),
    ("2018-02-18 18:06", dt.datetime(2018, 2, 18, 18, 6)),
    ("2018-02-18", dt.datetime(2018, 2, 18)),
    ("18/02/2018", dt.datetime(2018, 2, 18)),
    (1518977212, dt.datetime(2018, 2, 18, 18, 6, 52)),
    ("الأحد 18 فبراير", None),
    ("", None),
    (None, None),
])
def test_parse_date(value, expected):
    assert formats.parse_date(value) == expected


def test_unparseable_date_is_not_a_reason_to_reject(tmp_path):
    a = _one(tmp_path / "a.json", json.dumps({"content": BODY, "date": "أمس"}).encode())
    assert isinstance(a, RawArticle) and "published_at" not in a.metadata


def test_decode_error_messages_for_people():
    with pytest.raises(DecodeError, match="truncated UTF-8: the file ends inside a multi-byte character"):
        decode_bytes((BODY + "ب").encode()[:-1])


# --------------------------------------------------------------------------- field names

def test_common_field_names_of_real_feeds_are_read_by_default(tmp_path):
    # AlMayadeen: body in full_text, date in published_time (with an offset); SaudiNewsNet: date_extracted
    records = [{"url": "https://x.example/1", "title": "عنوان", "published_time": "2023-01-24T12:02:00+02:00",
                "full_text": BODY, "description": "ملخص"},
               {"source": "okaz", "date_extracted": "2015-07-21 13:44:43", "content": OTHER}]
    out = _parse(tmp_path / "feed.json", json.dumps(records, ensure_ascii=False).encode())
    assert [o.metadata.get("published_at") for o in out] == [dt.datetime(2023, 1, 24, 10, 2), None]
    assert out[0].text == BODY and out[1].metadata["crawled_at"] == dt.datetime(2015, 7, 21, 13, 44, 43)


def test_field_names_given_by_the_user_replace_the_defaults(tmp_path):
    records = [{"txt": BODY, "when": "2024-05-17", "content": "not this one", "meta": {"outlet": "مثال"}}]
    fields = formats.FieldMap.build({"body": "txt", "published_at": "when", "source_name": "meta.outlet"},
                                    {"category": "سياسة"})
    (a,) = _parse(tmp_path / "feed.json", json.dumps(records, ensure_ascii=False).encode(), fields=fields)
    assert a.text == BODY and a.metadata["published_at"] == dt.datetime(2024, 5, 17)
    assert a.metadata["source_name"] == "مثال" and a.metadata["category"] == "سياسة"
    empty = [{"txt": "", "title": "فيديو"}]
    (r,) = _parse(tmp_path / "empty.json", json.dumps(empty, ensure_ascii=False).encode(), fields=fields)
    assert isinstance(r, Rejected) and r.reason == "no article body" and "txt is empty" in r.detail
    with pytest.raises(ValueError, match="unknown field key"):
        formats.FieldMap.build({"bodyy": "x"})


def test_a_source_config_file_applies_to_its_folder_and_below(tmp_path):
    from flows.source_config import SourceConfig, SourceConfigError

    (tmp_path / "almayadeen" / "2024").mkdir(parents=True)
    (tmp_path / "almayadeen" / ".akhbar.toml").write_text(
        '[fields]\nbody = "full_text"\npublished_at = "published_time"\n[constants]\nsource_name = "الميادين"\n',
        encoding="utf-8")
    (tmp_path / "almayadeen" / "2024" / ".akhbar.toml").write_text('[fields]\nbody = ["full_text", "description"]\n')
    config = SourceConfig(str(tmp_path), fields={"title": "headline"})
    deep = config.fields_for(str(tmp_path / "almayadeen" / "2024" / "a.json"))
    assert deep.candidates("body") == ("full_text", "description")  # the nearest file wins, key by key
    assert deep.candidates("published_at") == ("published_time",) and deep.candidates("title") == ("headline",)
    assert dict(deep.constants) == {"source_name": "الميادين"}
    assert config.fields_for(str(tmp_path / "other.json")).candidates("body") == formats.BODY_FIELDS
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / ".akhbar.toml").write_text("[fields\nbody=", encoding="utf-8")
    with pytest.raises(SourceConfigError, match="bad/.akhbar.toml"):
        config.fields_for(str(tmp_path / "bad" / "a.json"))


def test_a_day_file_of_json_bigger_than_the_article_cap_loads_record_by_record(tmp_path):
    # SaudiNewsNet keeps a day in one 12 MB JSON list; the 5 MB cap is for one article
    records = [{"title": f"خبر {i}", "content": f"{BODY}\nالخبر رقم {i} من اليوم."} for i in range(20)]
    data = json.dumps(records, ensure_ascii=False).encode()
    limits = Limits(max_bytes=len(data) // 4)
    out = _parse(tmp_path / "2015-07-21.json", data, limits=limits)
    assert len(out) == 20 and all(isinstance(o, RawArticle) for o in out)
    big = _parse(tmp_path / "one.json", json.dumps({"content": BODY * 400}).encode(), limits=Limits(max_bytes=50_000))
    assert isinstance(big[0], Rejected) and big[0].reason == "article too large"
