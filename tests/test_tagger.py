"""Fast tests for the statistical NER tagger and the NER evaluation harness."""
import os

import pytest

from flows import ner_eval
from flows.ner import tagger

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_NER = os.path.join(os.path.dirname(REPO), "shared", "ner")


def test_tokenize_offsets_exact():
    text = "قال الرئيس «بوتين»، في بكين (الثلاثاء): ارتفع 1.3% وبكين."
    spans = tagger.tokenize(text)
    toks = [text[s:e] for s, e in spans]
    assert toks == ["قال", "الرئيس", "«", "بوتين", "»", "،", "في", "بكين", "(", "الثلاثاء", ")", ":",
                    "ارتفع", "1.3", "%", "وبكين", "."]
    for (s, e), t in zip(spans, toks):
        assert text[s:e] == t
    # diacritics stay inside the word
    t2 = "مُحَمَّد علي"
    assert [t2[s:e] for s, e in tagger.tokenize(t2)] == ["مُحَمَّد", "علي"]


def _ents(text):
    return [(text[s:e], t) for s, e, t in tagger.tag_text(text)]


def test_tag_text_finds_obvious_entities():
    text = ("قال الرئيس الروسي فلاديمير بوتين في مؤتمر صحفي في بكين اليوم إن روسيا والصين "
            "ستعززان التعاون.")
    ents = _ents(text)
    assert ("فلاديمير بوتين", "PER") in ents
    assert ("بكين", "LOC") in ents
    assert any(t == "LOC" and s in ("روسيا",) for s, t in ents)


def test_tag_text_second_sentence_and_org():
    text = ("وأعلنت وزارة الخارجية الأمريكية في واشنطن أن الأمم المتحدة ستعقد اجتماعا. "
            "وقال الأمين العام للأمم المتحدة أنطونيو غوتيريش إن الوضع خطير.")
    ents = _ents(text)
    assert ("واشنطن", "LOC") in ents
    assert any(t == "ORG" and "الأمم المتحدة" in s for s, t in ents)
    assert any(t == "PER" and "غوتيريش" in s for s, t in ents)


def test_clitic_outside_span():
    text = "قال مسؤولون في واشنطن وبكين إن المحادثات ستستمر، وأرسلت الحكومة وفدا لروسيا وآخر للصين."
    spans = tagger.tag_text(text)
    got = {text[s:e] for s, e, t in spans if t == "LOC"}
    assert "بكين" in got
    assert "وبكين" not in got
    assert "روسيا" in got
    # no span starts with the conjunction و before a place name it precedes
    for s, e, t in spans:
        assert not text[s:e].startswith("وبكين")
    # a name that itself starts with a clitic letter is not cut
    assert tagger.proclitic_len("لبنان") == 0
    assert tagger.proclitic_len("وبكين") == 1
    assert tagger.proclitic_len("للصين") == 2


def test_tag_tokens_labels():
    toks = ["التقى", "الرئيس", "الأمريكي", "جورج", "بوش", "في", "واشنطن", "."]
    labs = tagger.tag_tokens(toks)
    assert len(labs) == len(toks)
    assert set(labs) <= set(tagger.LABELS)
    assert labs[3:5] == ["B-PER", "I-PER"]
    assert labs[6] == "B-LOC"
    assert tagger.tag_tokens([]) == []


def test_get_entities_and_scores():
    gold = [["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG", "I-ORG"]]
    pred = [["B-PER", "I-PER", "O", "B-ORG", "O", "B-ORG", "O"]]
    assert ner_eval.get_entities(gold[0]) == [(0, 2, "PER"), (3, 4, "LOC"), (5, 7, "ORG")]
    # I- after O starts a chunk (conlleval)
    assert ner_eval.get_entities(["O", "I-LOC", "I-LOC", "I-PER"]) == [(1, 3, "LOC"), (3, 4, "PER")]
    r = ner_eval.score_tags(gold, pred)
    # 1 correct of 3 predicted, 3 gold
    assert r["overall"]["tp"] == 1
    assert r["overall"]["p"] == pytest.approx(1 / 3)
    assert r["overall"]["r"] == pytest.approx(1 / 3)
    assert r["overall"]["f1"] == pytest.approx(1 / 3)
    assert r["PER"]["f1"] == pytest.approx(1.0)
    assert r["LOC"]["r"] == 0.0


def test_evaluate_spans_char_offsets(tmp_path):
    p = tmp_path / "g.txt"
    p.write_text("زار O\nوبكين B-LOC\nالرئيس O\nشي B-PERS\nجين I-PERS\n\nقال O\nعلي B-PERS\n", encoding="utf-8")

    def extract(text):
        out = []
        if "وبكين" in text:
            i = text.index("وبكين")
            out.append((i + 1, i + 5, "LOC"))       # after the clitic: counts
            j = text.index("شي")
            out.append((j, j + 2, "PER"))           # too short: wrong span
            out.append((j + 1, j + 4, "PER"))       # mid-token start: unmapped
        else:
            i = text.index("علي")
            out.append((i, i + 3, "PER"))
        return out

    r = ner_eval.evaluate_spans(extract, str(p))
    o = r["overall"]
    assert (o["tp"], o["pred"], o["gold"]) == (2, 4, 3)
    assert o["p"] == pytest.approx(0.5)
    assert o["r"] == pytest.approx(2 / 3)
    assert o["f1"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert r["unmapped"] == 1


@pytest.mark.skipif(not os.path.isdir(SHARED_NER), reason="../shared/ner missing")
def test_read_conll_real_file():
    sents = ner_eval.read_conll(os.path.join(SHARED_NER, "anercorp", "test.txt"))
    assert len(sents) > 800
    tags = {t for _, ts in sents for t in ts}
    assert "B-PER" in tags and "B-PERS" not in tags


def test_type_vectors_stay_right_when_the_cache_grows_or_starts_over(monkeypatch):
    import numpy as np

    from flows.ner.tagger import crf
    from flows.ner.tagger.model_files import MODEL_DIR, resources

    monkeypatch.setattr(crf, "TYPE_CACHE_SIZE", 3)  # start over every few words
    model = crf.CRFModel(f"{MODEL_DIR}/ner_crf1.npz", resources(MODEL_DIR))
    words = ["القاهرة", "قال", "محمد", "وزارة", "بيروت", "الرئيس", "القاهرة", "غزة"]
    for w in words:  # the first call finds the array empty, later ones grow it or renew it
        assert np.array_equal(model.type_vec(w), model._compute_type_vec(w)), w
