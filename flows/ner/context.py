"""What the words around a found name say it is not, applied to every mention of the
precise mode (gazetteer and rules alike):

- a person right after a credit word and a colon is a credit (ترجمة: عفاف محمد), not a
  person in the story (the cleaner removes whole credit lines; this is one inside a
  paragraph);
- a one-word name after a preposition and followed by an indefinite adjective of degree is
  the common word it spells (بحماس كبير "with great enthusiasm", بأمل كبير "with great
  hope"): a proper name takes no indefinite adjective.
"""
from __future__ import annotations

import re

from flows.ner.lexicon import CREDIT_WORDS, INDEFINITE_DEGREE_ADJECTIVES
from flows.ner.mention import Mention
from flows.ner.words import matching_form

_CREDIT_BEFORE_RE = re.compile(r"(\w+)\s*[:：]\s*$")
_WORD_AFTER_RE = re.compile(r"\s+(\w+)")


def credited(text: str, m: Mention) -> bool:
    """A person's mention right after "<credit word>:" (ترجمة: X, إعداد : X)."""
    if m.entity_type != "PER":
        return False
    before = _CREDIT_BEFORE_RE.search(text, max(0, m.start - 30), m.start)
    return before is not None and matching_form(before.group(1)) in CREDIT_WORDS


def common_word_with_adjective(text: str, m: Mention) -> bool:
    """A one-word name glued to a preposition (ب, ل, ك) and followed by an indefinite
    adjective of degree (بحماس كبير). Without the preposition the adjective may be the
    predicate of a sentence whose subject is the name (حماس قوية "Hamas is strong")."""
    if " " in m.surface or m.entity_type == "LOC" or m.mention_kind != "name":
        return False
    if m.start == 0 or matching_form(text[m.start - 1]) not in ("ب", "ل", "ك"):
        return False
    after = _WORD_AFTER_RE.match(text, m.end)
    return after is not None and matching_form(after.group(1)) in INDEFINITE_DEGREE_ADJECTIVES


def drop_out_of_context(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions less the credits and the common words (see the module doc)."""
    return [m for m in mentions if not credited(text, m) and not common_word_with_adjective(text, m)]
