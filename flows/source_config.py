"""Per-source field names: `--field` on the command line and `.akhbar.toml` files in the input.

A feed that keeps its body in `full_text` and its date in `published_time`
is read by telling akhbar so, either for the whole run

    akhbar run --input DIR --field body=full_text --field published_at=published_time

or once for a source, in a `.akhbar.toml` in its folder (it applies to that
folder and every folder under it; the nearest one wins, key by key over the
ones above it, and `--field` wins over all):

    [fields]
    body = "full_text"               # a name, a dotted path (content.text) or a list of names to try
    published_at = "published_time"
    [constants]
    source_name = "الميادين"         # for records that do not say it themselves

The file starts with a dot, so discovery never reads it as an article.
"""
from __future__ import annotations

import os
import tomllib
from functools import lru_cache

from flows.formats import FieldMap

CONFIG_NAME = ".akhbar.toml"


class SourceConfigError(ValueError):
    """A `.akhbar.toml` or `--field` that cannot be used; the message names it."""


def parse_field_options(options: list[str] | None) -> dict[str, str]:
    """`["body=full_text", ...]` -> {"body": "full_text"}."""
    out: dict[str, str] = {}
    for option in options or []:
        key, sep, name = option.partition("=")
        if not sep or not key.strip() or not name.strip():
            raise SourceConfigError(f"--field {option!r}: write KEY=NAME, e.g. --field body=full_text")
        out[key.strip()] = name.strip()
    return out


def _read_config(path: str) -> tuple[dict, dict]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise SourceConfigError(f"{path}: {err}") from err
    unknown = set(data) - {"fields", "constants"}
    if unknown:
        raise SourceConfigError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}; "
                                f"use [fields] and [constants]")
    fields, constants = data.get("fields", {}), data.get("constants", {})
    for key, value in fields.items():
        if not (isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))):
            raise SourceConfigError(f"{path}: [fields] {key} must be a name or a list of names")
    for key, value in constants.items():
        if not isinstance(value, str):
            raise SourceConfigError(f"{path}: [constants] {key} must be a string")
    return fields, constants


class SourceConfig:
    """Field names for each file of a run's input."""

    def __init__(self, root: str, single_file: bool = False, fields: dict[str, str] | None = None):
        self.root = os.path.dirname(root) if single_file else root
        self.cli_fields = dict(fields or {})
        self._build({}, {}, "--field")  # a bad --field is refused before anything is read
        self._for_folder = lru_cache(maxsize=4096)(self._for_folder)

    def fields_for(self, path: str) -> FieldMap:
        return self._for_folder(os.path.dirname(path))

    def _for_folder(self, folder: str) -> FieldMap:
        chain = []
        current = folder
        while True:
            candidate = os.path.join(current, CONFIG_NAME)
            if os.path.isfile(candidate):
                chain.append(candidate)
            if os.path.normpath(current) == os.path.normpath(self.root) or not current.startswith(self.root):
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        fields: dict = {}
        constants: dict = {}
        for config_path in reversed(chain):  # outermost first: the nearest overrides
            f, c = _read_config(config_path)
            fields.update(f)
            constants.update(c)
        return self._build(fields, constants, chain[0] if chain else "--field")

    def _build(self, fields: dict, constants: dict, where: str) -> FieldMap:
        try:
            return FieldMap.build({**fields, **self.cli_fields}, constants)
        except ValueError as err:
            raise SourceConfigError(f"{where}: {err}") from err
