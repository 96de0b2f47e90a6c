"""Property-based tests: hostile Unicode through decode, ingest, clean, normalize and extract.

Inputs mix real article lines with characters from every plane, presentation forms (the Quran
brackets ﴾ ﴿ among them), combining marks, bidi controls, NUL and other controls, lone surrogates
(as JSON escapes), huge lines and deep nesting. Every stage must not raise, keep offsets exact and
lose no text the cleaner did not log.

Deterministic by default (CI); `HYPOTHESIS_PROFILE=explore` runs many more, random examples.
"""
import json
import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from flows import clean, ingest, ner, normalize
from flows.discover import Rejected, SourceFile
from tests.clean_contract import assert_every_line_accounted_for
from tests.conftest import SEEDS

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("explore", max_examples=2000, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SEED_LINES = [line for p in sorted(SEEDS.glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines()
              if line.strip()][:120]

BIDI_AND_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" \
                     "\ufeff\u00ad\u2060\u00a0\u2028\u2029\u0085"
# Characters that broke akhbar before, or sit at the edges of its tables: the ornate brackets around
# Quran quotes (NFKC leaves them as they are), ligatures that expand to words, a noncharacter.
KNOWN_TRAPS = "\ufd3e\ufd3f\ufdf2\ufdfa\ufdfb\ufefb\ufef5\ufdd0\ufffd\u0670\u0640\u06dd"
QURAN = "﴿إن الله مع الصابرين﴾ قال الرئيس فلاديمير بوتين في موسكو"
hostile_char = st.one_of(
    st.sampled_from(KNOWN_TRAPS),
    st.characters(codec="utf-8"),  # every plane, every category, no surrogates
    st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF),  # Arabic presentation forms A (﴾ ﴿ ﷲ ﷺ)
    st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFF),  # presentation forms B
    st.characters(categories=["Mn", "Mc", "Me"]),  # combining marks
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),  # the Arabic block
    st.sampled_from(BIDI_AND_INVISIBLE),
    st.characters(max_codepoint=0x1F),  # NUL, ESC and the other C0 controls
    st.sampled_from("\n\r\t -–—:«»()\"'#@/"),
)
fragment = st.one_of(
    st.sampled_from(SEED_LINES),
    st.text(hostile_char, max_size=40),
    st.builds(lambda s, n: s * n, st.text(hostile_char, min_size=1, max_size=8), st.integers(200, 3000)),  # huge lines
)
texts = st.lists(fragment, max_size=12).map("".join)
line_texts = st.lists(fragment, max_size=12).flatmap(
    lambda parts: st.lists(st.sampled_from(["", "\n", "\n\n", " ", "\r\n"]), min_size=len(parts),
                           max_size=len(parts)).map(lambda seps: "".join(p + s for p, s in zip(parts, seps))))


def _storable(value) -> bool:
    return not isinstance(value, str) or value.encode("utf-8", "strict") is not None


@given(st.binary(max_size=3000))
def test_decode_never_raises_anything_but_a_reason(data):
    try:
        text, label = ingest.decode_bytes(data)
    except ingest.DecodeError as err:
        assert str(err)
        return
    assert isinstance(label, str) and _storable(text)


@given(line_texts, st.sampled_from(["a.txt", "a.json", "a.jsonl", "a.html", "a.gz", "a.zip", "a.tar.gz"]),
       st.sampled_from(["utf-8", "utf-16", "cp1256", "json", "jsonl-escaped", "deep"]))
def test_ingest_gives_articles_or_reasons_for_any_bytes(text, name, shape):
    if shape == "json":
        data = json.dumps([{"title": text[:50], "body": text}], ensure_ascii=False).encode("utf-8", "surrogatepass")
    elif shape == "jsonl-escaped":  # \\uXXXX escapes: lone surrogates arrive this way
        data = (json.dumps({"title": text[:50] + "\ud800", "content": text + "\udfff"}) + "\n").encode()
    elif shape == "deep":
        data = b"[" * 50_000 + text.encode() + b"]" * 50_000
    else:
        data = text.encode(shape, errors="ignore")
    f = SourceFile(f"/in/{name}", len(data), 0.0)
    for item in ingest.iter_file_items(f, data):
        if isinstance(item, Rejected):
            assert item.reason and item.detail
        else:
            assert isinstance(item, ingest.RawArticle)
            assert all(_storable(v) for v in (item.text, item.source_path, *item.metadata.values()))


@given(line_texts)
@example(QURAN)
@example(QURAN.replace(' ', '\n'))
def test_clean_loses_nothing_it_does_not_log(text):
    result = clean.clean_article(text)
    assert_every_line_accounted_for(text, result)
    for line in result.body_clean.split("\n") if result.body_clean else []:
        assert line == line.strip() and line


@given(texts)
@example(QURAN)
@example(QURAN.replace(' ', '\n'))
def test_normalize_maps_every_character_back(text):
    norm, offsets = normalize.normalize_with_offsets(text)
    assert norm == normalize.normalize(text)
    assert len(offsets) == len(norm) + 1 and offsets[-1] == len(text)
    inner = offsets[:-1]
    assert all(0 <= o < len(text) for o in inner) and inner == sorted(inner)
    for i in range(len(norm)):
        start, end = normalize.original_span(offsets, i, i + 1)
        assert 0 <= start < end <= len(text)


@given(line_texts)
@example(QURAN)
@example(QURAN.replace(' ', '\n'))
def test_extract_spans_are_exact(text):
    for m in ner.extract_precise(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.surface
        assert m.entity_type in ("PER", "LOC", "ORG", "MISC") and m.mention_kind in ("name", "nisba")


@given(line_texts)
@example(QURAN)
@example(QURAN.replace(' ', '\n'))
def test_the_whole_article_path_keeps_spans_exact(text):
    """What the pipeline does to one article: clean, normalize, extract on body_clean."""
    result = clean.clean_article(text)
    normalize.normalize(result.body_clean)
    for m in ner.extract_precise(result.body_clean):
        assert result.body_clean[m.start:m.end] == m.surface
