import random

import pytest

from flows.normalize import arabic_ratio, has_diacritics_or_tatweel, normalize, normalize_with_offsets, original_span


@pytest.mark.parametrize("raw, expected", [
    ("قمّة", "قمه"),                      # shadda removed, teh marbuta -> heh
    ("علامَ", "علام"),                    # fatha removed
    ("تـــاريخ", "تاريخ"),                # tatweel removed
    ("أوكرانيا إيران آسيا ٱلله", "اوكرانيا ايران اسيا الله"),  # alef forms unified
    ("مستشفى", "مستشفي"),                 # alef maksura -> yeh
    ("٢٠٢٢ و۱۴۰۱", "2022 و1401"),         # Eastern Arabic and Persian digits
    ("\u200fبوتين\u200e\u200b", "بوتين"),  # bidi and zero-width marks
    ("ﻻ", "لا"),                           # presentation-form ligature via NFKC
    ("کیف", "كيف"),                        # Persian keheh / yeh
    ("CCTV", "cctv"),
    ("بكين\u00a0اليوم", "بكين اليوم"),     # no-break space
])
def test_normalize_choices(raw, expected):
    assert normalize(raw) == expected


def test_normalize_keeps_hamza_on_waw_and_yeh():
    assert normalize("مؤتمر رئيس") == "مؤتمر رئيس"


def test_offsets_map_back_exactly(seed_texts):
    text = seed_texts["000_4737ba5db079ef9a.txt"]
    norm, offsets = normalize_with_offsets(text)
    assert norm == normalize(text)
    assert len(offsets) == len(norm) + 1
    rng = random.Random(7)
    for _ in range(200):
        a = rng.randrange(len(norm) - 1)
        b = rng.randrange(a + 1, min(len(norm), a + 40) + 1)
        start, end = original_span(offsets, a, b)
        assert normalize(text[start:end]) == norm[a:b]


def test_offsets_with_marks_inside_a_name():
    text = "وقال الرئيسُ بـوتيـن\u200f اليوم"
    norm, offsets = normalize_with_offsets(text)
    a = norm.index("بوتين")
    start, end = original_span(offsets, a, a + len("بوتين"))
    assert text[start:end] == "بـوتيـن"


def test_helpers():
    assert has_diacritics_or_tatweel("قمّة") and not has_diacritics_or_tatweel(normalize("قمّة"))
    assert arabic_ratio("بكين Beijing") == pytest.approx(4 / 11)
    assert arabic_ratio("123") == 0.0


def test_offsets_fast_path_matches_char_by_char_definition():
    import random

    from flows import normalize as N

    def one_char_at_a_time(text):
        pieces, offsets = [], []
        for i, ch in enumerate(text):
            mapped = N._TABLE[ord(ch)]
            if mapped:
                pieces.append(mapped)
                offsets.extend([i] * len(mapped))
        offsets.append(len(text))
        return "".join(pieces), offsets

    alphabet = list("abcABC ابتثأإآىةيكڤ٠١٢ًٌٍَُِّْـ\u200f\u00a0\ufefb\ufdf2\ufe8d.,؟")
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert N.normalize_with_offsets(text) == one_char_at_a_time(text), text


def test_hashtag_underscore_separates_words():
    from flows.ner import extract_mentions
    from flows.normalize import normalize

    assert normalize("#دونالد_ترامب") == "#دونالد ترامب"
    text = "يعد #دونالد_ترامب أكثر الرؤساء ظهورا."
    (m,) = extract_mentions(text)
    assert m.entity_id == "per:donald_trump" and text[m.start:m.end] == "دونالد_ترامب"
