"""Reading input files safely: what may happen to a file between discovery and reading, with real files."""
import os
import threading
import time

import pytest

from flows import reading
from flows.discover import discover_files, shown_path
from flows.ingest import ItemStream, Limits, RawArticle, ingest_files

BODY = ("شهدت العلاقة بين موسكو وبكين تقاربًا خلال الأشهر الأخيرة بعد العقوبات التي وقعها الغرب على روسيا.\n"
        "وقال المتحدث باسم الخارجية الصينية إن بلاده ترفض العقوبات الأحادية وتدعو إلى الحوار.")


def _found(folder):
    found = discover_files(folder)
    return {os.path.basename(f.path): f for f in found.files}


def _read(f, cap=1_000_000):
    return reading.read_bounded(f.path, cap, f.root, f.open_path)


def test_a_fifo_swapped_in_after_discovery_is_refused_at_once(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    f = _found(tmp_path)["a.txt"]
    os.remove(tmp_path / "a.txt")
    os.mkfifo(tmp_path / "a.txt")  # a plain open() would wait for a writer forever
    result = {}

    def read():
        try:
            _read(f)
        except reading.ReadRefused as refusal:
            result["refusal"] = refusal

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "reading a FIFO blocked"
    assert result["refusal"].reason == "not a regular file" and "FIFO" in result["refusal"].detail


def test_a_file_that_grew_past_the_limit_after_discovery_is_not_read_whole(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    f = _found(tmp_path)["a.txt"]
    with open(tmp_path / "a.txt", "ab") as handle:
        handle.write(b"x" * 3_000_000)
    with pytest.raises(reading.ReadRefused) as refused:
        _read(f, cap=1_000_000)
    assert refused.value.reason == "file too large" and "3,000" in refused.value.detail


def test_a_file_growing_while_it_is_read_stops_at_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 1000)
    f = _found(tmp_path)["a.txt"]
    real_read = os.read

    def growing_read(fd, n):  # the writer appends between our reads
        with open(path, "ab") as handle:
            handle.write(b"y" * 400_000)
        return real_read(fd, n)

    monkeypatch.setattr(reading.os, "read", growing_read)
    with pytest.raises(reading.ReadRefused) as refused:
        _read(f, cap=1_000_000)
    assert refused.value.reason == "file too large" and "while it was read" in refused.value.detail


def test_a_symlink_swapped_in_after_discovery_is_not_followed(tmp_path):
    inside = tmp_path / "in"
    inside.mkdir()
    (inside / "a.txt").write_text(BODY, encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("سر " * 50, encoding="utf-8")
    f = _found(inside)["a.txt"]
    os.remove(inside / "a.txt")
    os.symlink(secret, inside / "a.txt")
    with pytest.raises(reading.ReadRefused) as refused:
        _read(f)
    assert refused.value.reason == "not a regular file" and "symbolic link" in refused.value.detail


def test_a_folder_swapped_for_a_symlink_after_discovery_is_not_followed(tmp_path):
    inside = tmp_path / "in"
    (inside / "sub").mkdir(parents=True)
    (inside / "sub" / "a.txt").write_text(BODY, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.txt").write_text("سر " * 50, encoding="utf-8")
    f = _found(inside)["a.txt"]
    os.rename(inside / "sub", tmp_path / "moved")
    os.symlink(outside, inside / "sub")
    with pytest.raises(reading.ReadRefused):
        _read(f)


def test_a_symlink_inside_the_folder_found_at_discovery_is_still_read(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real" / "a.txt")
    f = _found(tmp_path)["link.txt"]
    assert f.open_path == str(tmp_path / "real" / "a.txt") and _read(f) == BODY.encode()


def test_a_file_name_that_is_not_utf8_is_found_shown_and_read(tmp_path):
    raw_name = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    with open(raw_name, "wb") as handle:
        handle.write(BODY.encode("utf-8"))
    found = discover_files(tmp_path)
    (f,) = found.files
    assert f.path.endswith("caf\\xe9.txt")  # what the warehouse stores: valid Unicode
    f.path.encode("utf-8")
    batch = ingest_files(found.files, {})
    assert [a.source_path for a in batch.articles] == [f.path] and batch.articles[0].text == BODY
    assert shown_path(f.path) == f.path


def test_a_single_file_can_be_the_input(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(BODY + "\nوأضاف أن المحادثات ستستأنف.", encoding="utf-8")
    found = discover_files(tmp_path / "a.txt")
    assert [os.path.basename(f.path) for f in found.files] == ["a.txt"] and found.single_file
    assert found.covers(str(tmp_path / "a.txt")) and not found.covers(str(tmp_path / "b.txt"))


def test_only_one_file_is_held_in_memory_at_a_time(tmp_path):
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text(BODY + f"\nالفقرة رقم {i} من الخبر.", encoding="utf-8")
    held, peak = [], []

    def read(path, cap, root=None, open_path=None):
        data = reading.read_bounded(path, cap, root, open_path)
        held.append(len(data))
        peak.append(len(held))
        return data

    stream = ItemStream(discover_files(tmp_path).files, {}, Limits(), read=read)
    for item in stream:
        if isinstance(item, RawArticle):
            held.clear()  # the stream has moved on from the file's bytes once its items are given
    assert max(peak) == 1 and stream.files_done == 5


def test_reading_a_fifo_in_discovery_is_refused_without_opening_it(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    start = time.monotonic()
    found = discover_files(tmp_path)
    assert time.monotonic() - start < 5
    assert [r.reason for r in found.rejected] == ["not a regular file"]


def test_files_under_a_folder_that_could_not_be_listed_are_not_taken_for_deleted(tmp_path, monkeypatch):
    from flows import discover, incremental

    (tmp_path / "ok").mkdir()
    (tmp_path / "busy").mkdir()
    (tmp_path / "ok" / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "busy" / "b.txt").write_text(BODY + "\nوأضاف.", encoding="utf-8")
    known = {f.path: incremental.KnownFile(f.size, f.mtime, "h", "loaded") for f in discover_files(tmp_path).files}
    real_scandir = os.scandir

    def flaky_scandir(path):
        if str(path).endswith("busy"):
            raise OSError(5, "Input/output error")
        return real_scandir(path)

    monkeypatch.setattr(discover.os, "scandir", flaky_scandir)
    found = discover_files(tmp_path)
    plan = incremental.plan_run(found, known, lambda p: "fp")
    assert plan.deleted == [] and [r.reason for r in found.rejected] == ["unreadable folder"]
