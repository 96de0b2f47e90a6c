"""Where things are. Read when called, never at import time."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
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


def canary_article() -> Path:
    """A known-good article the gates' invariants must hold on (see stages.canary_frames)."""
    return sorted((REPO_ROOT / "seeds" / "articles").glob("*.txt"))[0]


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code and gates that judge inputs: a verdict reached by other code may change."""
    digest = hashlib.sha256()
    for path in sorted([*(REPO_ROOT / "flows").glob("*.py"), *expectations_dir().glob("*.json")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
