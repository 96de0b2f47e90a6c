"""Statistical Arabic NER tagger (linear-chain CRF, pure-Python inference).

The model is trained with python-crfsuite (see ``flows/train_tagger.py``)
and exported to ``seeds/models/``; inference here needs only numpy and the
standard library. Features of a token depend on its word type and on the
word types of its neighbours (window +-2), so the emission scores a word
type contributes at each window offset are summed once per type and cached;
a handful of sequence-dependent ("dynamic") features (sentence boundary,
multi-word gazetteer match, document-level second pass) are added per token.
Viterbi runs batched over the sentences of a text in numpy.

Modules: ``text`` (tokens, sentences, letter normalisation, clitic split),
``model_files`` (the model's word files), ``features`` (the attributes the CRF
sees), ``crf`` (weights, emissions, Viterbi), ``document`` (the second stage's
attributes), ``tagging`` (text -> spans).

Public API: :func:`tokenize`, :func:`tag_tokens`, :func:`tag_text`.
"""
from flows.ner.tagger.crf import CRFModel, get_models
from flows.ner.tagger.document import doc_attrs
from flows.ner.tagger.features import LABELS, OFFSETS, PUNCT_RE, TYPES, sentence_attrs
from flows.ner.tagger.model_files import MODEL_DIR, resources, resources_at
from flows.ner.tagger.tagging import fix_bio, proclitic_len, tag_sentences, tag_text, tag_tokens
from flows.ner.tagger.text import TYPE_CACHE_SIZE, norm_cached, normalize, sentences, strip_clitics, tokenize

__all__ = ["CRFModel", "LABELS", "MODEL_DIR", "OFFSETS", "PUNCT_RE", "TYPES", "TYPE_CACHE_SIZE", "doc_attrs",
           "fix_bio", "get_models", "norm_cached", "normalize", "proclitic_len", "resources", "resources_at",
           "sentence_attrs", "sentences", "strip_clitics", "tag_sentences", "tag_text", "tag_tokens", "tokenize"]
