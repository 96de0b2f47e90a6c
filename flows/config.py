"""Where things are. Read when called, never at import time."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def default_input() -> Path:
    return Path(os.environ.get("AKHBAR_INPUT", REPO_ROOT / "seeds" / "articles"))


def default_warehouse() -> Path:
    return Path(os.environ.get("AKHBAR_WAREHOUSE", REPO_ROOT / "warehouse" / "akhbar.duckdb"))


def sql_dir() -> Path:
    return REPO_ROOT / "sql"


def expectations_dir() -> Path:
    return REPO_ROOT / "expectations"


def data_docs_dir(warehouse: Path) -> Path:
    return Path(warehouse).resolve().parent / "data_docs"
