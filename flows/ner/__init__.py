"""Arabic named-entity extraction: text -> :class:`Mention` list with exact character offsets
(``text[m.start:m.end] == m.surface``; sorted, non-overlapping).

Three extractors:

- :func:`extract_precise` — the pipeline's: every gazetteer mention plus the names the
  gazetteer does not know that :func:`decide` accepts (:mod:`flows.ner.precise`);
- :func:`extract_mentions` — the gazetteer alone (``akhbar extract --gazetteer-only``);
- :func:`extract` — the combined evaluation mode: gazetteer + tagger + cue rules, scored on
  ANERcorp (:mod:`flows.ner.combined`).

Ids of names the gazetteer does not know: ``<type>:auto:<fold(name)>`` (:func:`auto_id`,
:func:`fold`); a fold equal to a gazetteer name's fold takes the gazetteer id.

Modules, one job each:

=====================  ===================================================================
``mention``            the Mention every extractor returns
``gazetteer``          seeds/gazetteer/entities.csv as one Aho-Corasick automaton; entities
``matcher``            gazetteer matching: clitics, word boundaries, overlaps, partial names
``weak_aliases``       when a weak alias (شي, كيف, وفا) counts; whether a text is sports news
``tagger/``            the statistical tagger (CRF features, numpy Viterbi, second stage)
``lexicon``            the rules' word lists, read from ``data/*.txt``
``words``              what one word is: readings with proclitics, name-like, ANT frequency
``tokens``             the tokens the precise rules walk
``ids``                canonical names, the spelling-variant fold, auto ids
``persons``            context rules and candidates for persons
``organisations``      organisation extent after a head noun, quoted names; candidates
``places``             place cues; a country name read as an adjective
``events``             named wars, exercises, competitions, buildings
``resolution``         which country's body a generic name is (وزارة الصحة), per article
``sports``             clubs and national teams in sports news
``decide``             Candidate and :func:`decide`, the one acceptance function
``placement``          placing accepted names over the gazetteer's, with their ids
``document``           document passes: accepted names found again, later surnames
``precise``            :func:`extract_precise`, step by step
``combined``           :func:`extract` and :func:`spans`, the evaluation mode
=====================  ===================================================================
"""
from flows.ner.combined import extract, spans
from flows.ner.decide import Candidate, decide
from flows.ner.gazetteer import Entity, known_entities, load_gazetteer
from flows.ner.ids import auto_id, fold
from flows.ner.matcher import extract_mentions
from flows.ner.mention import Mention
from flows.ner.precise import extract_precise
from flows.ner.resolution import scope_generic_bodies

__all__ = ["Candidate", "Entity", "Mention", "auto_id", "decide", "extract", "extract_mentions", "extract_precise",
           "fold", "known_entities", "load_gazetteer", "scope_generic_bodies", "spans"]
