"""Regression floor: the committed tagger must keep its F1 on ANERcorp test.

Floors live in seeds/models/ner_floors.json (reached F1 minus 0.005)."""
import json
import os

import pytest

from flows import ner, ner_eval
from flows.ner import tagger

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_NER = os.path.join(os.path.dirname(REPO), "shared", "ner")
TEST = os.path.join(SHARED_NER, "anercorp", "test.txt")
FLOORS = os.path.join(REPO, "seeds", "models", "ner_floors.json")

pytestmark = pytest.mark.skipif(not os.path.exists(TEST), reason="../shared/ner missing")


@pytest.fixture(scope="module")
def floors():
    with open(FLOORS, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def test_sents():
    return ner_eval.read_conll(TEST)


def test_tag_text_article_sized_floor(floors, test_sents):
    """tag_text on article-sized texts (document-level stage active)."""
    res = ner_eval.evaluate_spans(tagger.tag_text, test_sents, group=ner_eval.ARTICLE_SENTENCES)
    assert res["overall"]["f1"] >= floors["anercorp_test_f1"], ner_eval.format_table(res)


def test_tag_text_sentence_floor(floors, test_sents):
    """tag_text one sentence at a time (no document context)."""
    res = ner_eval.evaluate_spans(tagger.tag_text, test_sents)
    assert res["overall"]["f1"] >= floors["anercorp_test_f1_sentence"], ner_eval.format_table(res)


def test_tag_sentences_stream_floor(floors, test_sents):
    """Gold tokens, the whole test set as one stream (+-N sentence window)."""
    pred = tagger.tag_sentences([t for t, _ in test_sents])
    res = ner_eval.score_tags([y for _, y in test_sents], pred)
    assert res["overall"]["f1"] >= floors["anercorp_test_f1_stream"], ner_eval.format_table(res)


def test_combined_article_sized_floor(floors, test_sents):
    """Gazetteer + tagger + rules + document pass (flows.ner.extract), name mentions only."""
    res = ner_eval.evaluate_spans(ner.spans, test_sents, group=ner_eval.ARTICLE_SENTENCES)
    assert res["overall"]["f1"] >= floors["anercorp_test_f1_combined"], ner_eval.format_table(res)


def test_pipeline_article_sized_floor(floors, test_sents):
    """The warehouse's extractor (flows.ner.extract_precise), name mentions only: it
    gives up recall for precision, so its floor is lower, but it must not slip either."""
    res = ner_eval.evaluate_spans(ner_eval.pipeline_spans, test_sents, group=ner_eval.ARTICLE_SENTENCES)
    assert res["overall"]["f1"] >= floors["anercorp_test_f1_pipeline"], ner_eval.format_table(res)
