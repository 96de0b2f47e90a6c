"""A mention of an entity in a text: what every extractor of the wing returns."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mention:
    start: int  # char offsets into the text passed in; text[start:end] == surface, always
    end: int
    surface: str
    entity_id: str
    entity_type: str  # PER LOC ORG MISC
    canonical: str  # canonical Arabic name
    method: str  # gazetteer, weak_alias_context, partial_name
    mention_kind: str  # "name" or "nisba"


def make_mention(text: str, s: int, e: int, eid: str, typ: str, canonical: str, method: str,
                 kind: str = "name") -> Mention:
    """The mention of text[s:e]."""
    return Mention(s, e, text[s:e], eid, typ, canonical, method, kind)
