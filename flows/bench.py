"""`python -m flows.bench [--n N]`: the pipeline on the ANT corpus against a floor.

1. Streams N articles (default all 31,525) out of ../shared/corpus/ant/*.tar.gz
   into a temporary folder (SOURCE/CATEGORY/file.txt, one TREC <DOC> each).
2. Runs `akhbar run` on it in a child process: wall time, peak RSS, and the
   articles per second of each stage from `pipeline_runs.stage_seconds`.
3. Runs the FLOOR in another child: read the same files, take the <TEXT>,
   normalize with pyarabic, insert into DuckDB through a DataFrame. That is
   the least any pipeline must do; the ratio pipeline/floor is what ours costs.
4. Runs `akhbar run` again on the same folder (nothing new): its wall time.
5. Loaded vs quarantined counts, quarantine by stage and reason.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import duckdb

from flows import config

ANT_DIR = config.REPO_ROOT.parent / "shared" / "corpus" / "ant"
ANT_ARTICLES = 31_525

FLOOR = r"""
import os, re, sys
import duckdb, pandas as pd
import pyarabic.araby as araby
root, db = sys.argv[1], sys.argv[2]
text_re = re.compile(r"<TEXT>(.*?)(?:</TEXT>|\Z)", re.S)
rows = []
for folder, _, names in os.walk(root):
    for name in names:
        if not name.endswith(".txt"):
            continue
        path = os.path.join(folder, name)
        with open(path, "rb") as f:
            raw = f.read().decode("utf-8", "replace")
        m = text_re.search(raw)
        body = m.group(1).strip() if m else raw
        norm = araby.normalize_hamza(araby.strip_tatweel(araby.strip_tashkeel(body)))
        rows.append((path, body, norm))
con = duckdb.connect(db)
frame = pd.DataFrame(rows, columns=["source_path", "body", "body_norm"])
con.execute("CREATE TABLE articles AS SELECT * FROM frame")
print(con.execute("SELECT count(*) FROM articles").fetchone()[0])
"""


def extract(tar_path: Path, dest: Path, n: int | None) -> int:
    """Stream the first n article files out of the tarball (never the whole archive in memory)."""
    count = seen = 0
    # Every k-th article, so a quick run samples every source and category, not just the first one.
    stride = max(1, ANT_ARTICLES // n) if n else 1
    with tarfile.open(tar_path, "r|gz") as tar:
        for member in tar:
            if not (member.isfile() and member.name.endswith(".txt")) or member.name.count("/") < 3:
                continue
            seen += 1
            if (seen - 1) % stride:
                continue
            target = dest / Path(*Path(member.name).parts[1:])  # drop the top folder
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
            count += 1
            if n is not None and count >= n:
                break
    return count


def run_child(cmd: list[str], log: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) of the child and its children, exit code."""
    start = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=config.REPO_ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, proc.returncode


def run_or_fail(cmd: list[str], log: Path) -> tuple[float, float]:
    wall, rss, rc = run_child(cmd, log)
    if rc:
        print(f"{' '.join(cmd[:4])} ... exited with {rc}; last lines of {log}:", file=sys.stderr)
        print("\n".join(log.read_text(errors="replace").splitlines()[-30:]), file=sys.stderr)
        sys.exit(1)
    return wall, rss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=None, help="articles to take from ANT (default: all 31,525)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and warehouse")
    args = parser.parse_args(argv)

    tar_path = next(iter(sorted(ANT_DIR.glob("*.tar.gz"))), None)
    if tar_path is None:
        print(f"bench skipped: no ANT corpus tarball under {ANT_DIR} (../shared is not available here)")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="akhbar-bench-"))
    data, warehouse, floor_db = tmp / "ant", tmp / "bench.duckdb", tmp / "floor.duckdb"
    try:
        t0 = time.perf_counter()
        n = extract(tar_path, data, args.n)
        print(f"extracted {n:,} articles to {data} in {time.perf_counter() - t0:.1f} s")
        akhbar = [sys.executable, "-m", "flows.cli", "run", "--input", str(data), "--warehouse", str(warehouse)]

        wall, rss = run_or_fail(akhbar, tmp / "run1.log")
        f_wall, f_rss = run_or_fail([sys.executable, "-c", FLOOR, str(data), str(floor_db)], tmp / "floor.log")
        wall2, rss2 = run_or_fail(akhbar, tmp / "run2.log")

        with duckdb.connect(str(warehouse), read_only=True) as con:
            runs = con.execute("SELECT stage_seconds, counts FROM pipeline_runs ORDER BY started_at").fetchall()
            loaded = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            quarantine = con.execute("SELECT stage, reason, count(*) AS n FROM quarantine "
                                     "GROUP BY ALL ORDER BY n DESC, stage, reason").fetchall()
            duplicates = con.execute("SELECT count(*) FROM source_files WHERE status = 'duplicate'").fetchone()[0]
            near = con.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]
        stages = json.loads(runs[0][0] or "{}")
        second = json.loads(runs[-1][1] or "{}")

        subprocess.run([sys.executable, "-m", "flows.bench_extract"], check=True)
        print(f"\nmachine: {os.cpu_count()} cores; {n:,} ANT articles; python {sys.version.split()[0]}")
        print(f"\npipeline (akhbar run): wall {wall:.1f} s = {n / wall:.0f} articles/s, peak RSS {rss:.0f} MiB")
        print("  stage        seconds   articles/s")
        for stage, seconds in stages.items():
            rate = f"{n / seconds:10.0f}" if seconds > 0 else "         -"
            print(f"  {stage:<12} {seconds:8.2f} {rate}")
        print(f"  {'other':<12} {wall - sum(stages.values()):8.2f}          -   (process + Prefect start, load, models, artifacts)")
        print(f"\nfloor (read + pyarabic normalize + DuckDB insert): wall {f_wall:.1f} s = {n / f_wall:.0f} articles/s, "
              f"peak RSS {f_rss:.0f} MiB")
        print(f"ratio pipeline / floor: wall {wall / f_wall:.1f}x, memory {rss / max(f_rss, 1):.1f}x")
        print(f"\nsecond run, same folder: wall {wall2:.1f} s, peak RSS {rss2:.0f} MiB, "
              f"{second.get('files_unchanged', 0):,} unchanged, {second.get('articles_loaded', 0)} loaded")
        print(f"\narticles loaded: {loaded:,} of {n:,}; quarantined: {sum(q[2] for q in quarantine):,}; "
              f"exact duplicates (recorded in source_files, not loaded twice): {duplicates:,}; "
              f"near-duplicates linked: {near:,}")
        for stage, reason, count in quarantine:
            print(f"  {count:6,}  {stage:<10} {reason}")
        if args.keep:
            print(f"\nkept {tmp}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
