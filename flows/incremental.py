"""What a run must read, given what the warehouse already holds. Pure.

Each file found is one of:

- **new**: never seen (or seen, deleted, and back again);
- **to confirm**: size or mtime changed; it is read, and if its bytes hash
  to what the warehouse holds it was only touched (counted unchanged);
- **to re-judge**: unchanged on disk, but refused (wholly or some of its
  records) for a reason that may no longer hold: a transient error (the disk
  was busy, the file vanished mid-run), or a verdict reached under other
  settings (`--max-bytes`, field names) or another version of akhbar
  (the *fingerprint* differs), or the user asked (`--retry-quarantined`);
- **unchanged**: same size and mtime, and nothing to re-judge: not read.

A file the warehouse knows under the input but that is no longer there is
**deleted**: its articles stop counting as current (they stay in `articles`
with `deleted_at`). When more than half of the known files (and more than
`MASS_DELETE_MIN`) vanish at once, the input is more likely unmounted or
emptied by mistake than pruned: the deletions are withheld and the run says
so, until a run with `accept_deletions` applies them.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable

from flows.discover import Discovery, Rejected, SourceFile

MASS_DELETE_MIN = 10
MASS_DELETE_SHARE = 0.5


@dataclass(frozen=True)
class KnownFile:
    size: int | None
    mtime: float | None
    file_hash: str | None
    status: str  # loaded, duplicate, quarantined, deleted
    article_id: str | None = None
    fingerprint: str | None = None
    reason: str | None = None  # of a quarantined file
    records_quarantined: int = 0
    transient: bool = False


@dataclass
class Plan:
    read: list[SourceFile] = field(default_factory=list)
    confirm: dict[str, str] = field(default_factory=dict)  # path -> file hash held: same bytes = only touched
    unchanged: list[SourceFile] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)  # discovery refusals to record
    repeated: list[Rejected] = field(default_factory=list)  # the same refusal as last time: not recorded again
    deleted: list[str] = field(default_factory=list)
    deletions_withheld: list[str] = field(default_factory=list)
    new: int = 0
    rejudged: int = 0

    @property
    def nothing_to_do(self) -> bool:
        return not (self.read or self.rejected or self.deleted)


def fingerprint(*parts: str) -> str:
    """A short hash of what a verdict depended on (code version, limits, field names)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def plan_run(found: Discovery, known: dict[str, KnownFile], fingerprint_for: Callable[[str], str],
             retry_quarantined: bool = False, accept_deletions: bool = False) -> Plan:
    plan = Plan()
    for f in found.files:
        prev = known.get(f.path)
        if prev is None or prev.status == "deleted":
            plan.new += 1
            plan.read.append(f)
        elif (prev.size, prev.mtime) != (f.size, f.mtime):
            plan.read.append(f)
            if prev.file_hash and prev.status != "quarantined":
                plan.confirm[f.path] = prev.file_hash
        elif _rejudge(prev, fingerprint_for(f.path), retry_quarantined):
            plan.rejudged += 1
            plan.read.append(f)
        else:
            plan.unchanged.append(f)
    for r in found.rejected:
        prev = known.get(r.source_path)
        same = (prev is not None and prev.status == "quarantined" and prev.reason == r.reason
                and (prev.size, prev.mtime) == (r.size, r.mtime))
        (plan.repeated if same else plan.rejected).append(r)
    live = [p for p, k in known.items() if k.status != "deleted" and found.covers(p)]
    gone = [p for p in live if p not in found.present]
    if gone and not accept_deletions and len(gone) > MASS_DELETE_MIN and len(gone) > MASS_DELETE_SHARE * len(live):
        plan.deletions_withheld = gone
    else:
        plan.deleted = gone
    return plan


def _rejudge(prev: KnownFile, current_fingerprint: str, retry_quarantined: bool) -> bool:
    refused_something = prev.status == "quarantined" or prev.records_quarantined > 0
    if not refused_something:
        return False
    return retry_quarantined or prev.transient or prev.fingerprint != current_fingerprint
