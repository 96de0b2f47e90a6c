"""The word lists of the NER rules, by name.

Each list is a file in ``flows/ner/data/`` (one list per file, its first line a comment
saying what the list is for; words as written, separated by spaces or line breaks; lines
starting with ``#`` are comments). A list is read once, when this module is imported, and
held in its matching form:

- :func:`matching_words`: ``flows.normalize.normalize`` (alef forms, ى -> ي, ة -> ه, marks
  dropped), the form the gazetteer matcher and the precise rules compare words in;
- :func:`letter_words`: the tagger's letter normalisation (ة kept), the form of the
  combined (evaluation) mode's cue rules.

A few single words that a rule is about (حرب, فريق, منتخب, قناة, الاتحاد, هو/هي) are
named here too, not kept in files.
"""
from __future__ import annotations

import functools
from pathlib import Path

from flows.ner.tagger.text import normalize as letter_normalize
from flows.normalize import normalize

DATA_DIR = Path(__file__).resolve().parent / "data"


@functools.cache
def _lines(file_name: str) -> tuple[str, ...]:
    """The lines of a data file that are not comments or blank."""
    text = (DATA_DIR / file_name).read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def words(name: str) -> tuple[str, ...]:
    """The words of ``data/<name>.txt`` as written."""
    return tuple(w for line in _lines(name + ".txt") for w in line.split())


def matching_words(name: str) -> frozenset:
    return frozenset(normalize(w) for w in words(name))


def letter_words(name: str) -> frozenset:
    return frozenset(letter_normalize(w) for w in words(name))


def _idioms() -> dict:
    """name -> the words after it that make it part of a common phrase (data/idioms.txt)."""
    out = {}
    for line in _lines("idioms.txt"):
        name, *after = line.split()
        out[normalize(name)] = frozenset(normalize(w) for w in after)
    return out


def _shared_names() -> dict:
    """spelling -> ((entity id, cue words), ...) in file order (data/shared_names.tsv)."""
    readings: dict[str, list] = {}
    for line in _lines("shared_names.tsv"):
        key, eid, cues = line.split("\t")
        readings.setdefault(key, []).append((eid, cues))
    return {normalize(key): tuple((eid, frozenset(normalize(w) for w in cues.split())) for eid, cues in rs)
            for key, rs in readings.items()}


# --------------------------------------------------------------------------- gazetteer matcher
ALIAS_PERSON_TITLES = matching_words("alias_person_titles")
ALIAS_PERSON_TITLE_HEADS = matching_words("alias_person_title_heads")
ALIAS_PLACE_CUES = matching_words("alias_place_cues")
ALIAS_ORG_CUES = matching_words("alias_org_cues")
ALIAS_AGENCY_CUES = matching_words("alias_agency_cues")
CLUB_WORDS = matching_words("club_words")
# a club's bare name (برشلونة) counts after these, besides the organisation words
ALIAS_CLUB_CUES = CLUB_WORDS | matching_words("alias_club_cues")
SPORTS_NEWS_WORDS = matching_words("sports_news_words")
LATIN_LETTER_NAMES = matching_words("latin_letter_names")
ELATIVES = matching_words("elatives")
GENERIC_MODIFIERS = matching_words("generic_modifiers")
NOT_SURNAMES = matching_words("not_surnames")
IDIOMS = _idioms()
SHARED_NAMES = _shared_names()

# --------------------------------------------------------------------------- precise mode
STOP_WORDS = matching_words("stop_words")
PERSON_TITLES = matching_words("person_titles")
PERSON_TITLE_HEADS = matching_words("person_title_heads")
PERSON_ROLE_HEADS = matching_words("person_role_heads")
PERSON_APPOSITION_WORDS = matching_words("person_apposition_words")
PERSON_NAMING_WORDS = matching_words("person_naming_words")
PREPOSITION_PRONOUNS = matching_words("preposition_pronouns")
NAME_CONNECTORS = matching_words("name_connectors")
KINSHIP_NOUNS = matching_words("kinship_nouns")
FOREIGN_FIRST_NAMES = matching_words("foreign_first_names")
SPEECH_WORDS = matching_words("speech_words")
SURNAME_VERBS = matching_words("surname_verbs")

ORG_HEADS_STRONG = matching_words("org_heads_strong")
ORG_HEADS_WEAK = matching_words("org_heads_weak")
ORG_HEADS_DEFINITE = matching_words("org_heads_definite")
ORG_HEADS = ORG_HEADS_STRONG | ORG_HEADS_WEAK | ORG_HEADS_DEFINITE
ORG_HEADS_NATIONAL = matching_words("org_heads_national")
HONORIFIC_TITLES = matching_words("honorific_titles")
UNIT_NOUNS = matching_words("unit_nouns")
STATEMENT_NOUNS = matching_words("statement_nouns")
CURRENCIES = matching_words("currencies")
CREDIT_WORDS = matching_words("credit_words")
INDEFINITE_DEGREE_ADJECTIVES = matching_words("indefinite_degree_adjectives")
COMPANY_SUFFIXES = matching_words("company_suffixes")
ORG_GENERIC_COMPLEMENTS = matching_words("org_generic_complements")
ORG_GENERIC_ADJECTIVES = matching_words("org_generic_adjectives")
UNSHAPED_ADJECTIVES = matching_words("adjectives_unshaped")

PLACE_LIST_CUES = matching_words("place_list_cues")
PLACE_CUES = matching_words("place_cues") | PLACE_LIST_CUES
PLACE_CUES_NEEDING_TAGGER = matching_words("place_cues_needing_tagger") | PLACE_LIST_CUES
PLACE_PREFIXES = matching_words("place_prefixes")
THING_NOUNS = matching_words("thing_nouns")

EXERCISE_HEADS = matching_words("exercise_heads")
WAR_NAMING_ADJECTIVES = matching_words("war_naming_adjectives")
ORDINALS = matching_words("ordinals")
BUILDING_HEADS = matching_words("building_heads")
BUILDING_SAINTS = matching_words("building_saints")
COMPETITION_HEADS = matching_words("competition_heads")
COMPETITION_LINKS = matching_words("competition_links")
LEAGUE_TIERS = matching_words("competition_league_tiers")

CLUB_SUFFIXES = matching_words("club_suffixes")
CLUB_PREFIXES = matching_words("club_prefixes")
TEAM_WORDS_BEFORE = matching_words("team_words_before")
TEAM_VERBS_AFTER = matching_words("team_verbs_after")
WIN_VERBS = matching_words("team_win_verbs")

# single words the rules are about
WAR = frozenset(normalize(w) for w in ("حرب", "الحرب"))
TEAM = frozenset({normalize("فريق")})
NEWSPAPER = normalize("صحيفة")
NATIONAL_TEAM = frozenset({normalize("منتخب")})
PRONOUNS_HE_SHE = frozenset(normalize(w) for w in ("هو", "هي"))
CANAL = normalize("قناة")
FEDERATION = normalize("الاتحاد")

# unions asked of every token (built once)
THING_HEADS = WAR | EXERCISE_HEADS | BUILDING_HEADS | COMPETITION_HEADS  # a war, exercise, building or competition
NAMED_THING_HEADS = WAR | BUILDING_HEADS | COMPETITION_HEADS  # heads whose proclitic is left out of the span
PLACE_OR_THING_WORDS = PLACE_CUES | THING_NOUNS
THING_WORDS = THING_NOUNS | ORG_HEADS | PLACE_CUES  # a name right after one names that thing, not a person
TITLE_OR_SPEECH_WORDS = PERSON_TITLES | SPEECH_WORDS
SPEECH_OR_NAMING_WORDS = SPEECH_WORDS | PERSON_NAMING_WORDS
TITLE_WORDS = PERSON_TITLES | PERSON_TITLE_HEADS
TITLE_OR_ROLE_WORDS = PERSON_TITLE_HEADS | PERSON_TITLES | PERSON_ROLE_HEADS

# --------------------------------------------------------------------------- combined (evaluation) mode
COMBINED_ORG_HEADS = matching_words("combined_org_heads")
COMBINED_SHRINK_HEADS = letter_words("combined_shrink_heads")
# a name right after one of these words (clitics allowed on the cue) is of the given type
COMBINED_CUES = {
    "ORG_CLUB": ("ORG", letter_words("combined_cues_org_club")),
    "ORG_MEDIA": ("ORG", letter_words("combined_cues_org_media")),
    "LOC": ("LOC", letter_words("combined_cues_place")),
    "PER_SAY": ("PER", letter_words("combined_cues_person_speech")),
    "PER_TITLE": ("PER", letter_words("combined_cues_person_title")),
}
COMBINED_TITLE_CUES = letter_words("combined_cues_title")
COMBINED_STOP_WORDS = letter_words("combined_cue_stop_words")
