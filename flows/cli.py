"""`akhbar run | sql | extract`: thin layer over the pipeline and the pure modules."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from flows import config


def _prefect_environment() -> None:
    """Quiet, offline-friendly Prefect defaults, set before prefect is imported.

    Without a server configured, keep Prefect's state in the project
    (.prefect/) rather than in the user's home.
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    if "PREFECT_API_URL" not in os.environ:
        from flows import ui

        url = ui.running_api_url()
        if url:  # `make ui` is up: runs show in it
            os.environ["PREFECT_API_URL"] = url
        elif "PREFECT_HOME" not in os.environ:
            os.environ["PREFECT_HOME"] = str(config.REPO_ROOT / ".prefect")


def cmd_run(args: argparse.Namespace) -> int:
    _prefect_environment()
    from flows.pipeline import akhbar_pipeline

    state = akhbar_pipeline(input_dir=args.input, warehouse_path=args.warehouse, batch_size=args.batch_size,
                            max_bytes=args.max_bytes, return_state=True)
    if state.is_failed():
        print(f"akhbar run failed: {state.message}", file=sys.stderr)
        return 1
    summary = state.result()
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    warehouse = args.warehouse or config.default_warehouse()
    print(f"\nwarehouse: {warehouse}\ntry: .venv/bin/akhbar sql \"SELECT canonical_name, entity_type, article_count, "
          f"mention_count FROM entity_summary LIMIT 10\"" + (f" --warehouse {warehouse}" if args.warehouse else ""))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _prefect_environment()
    if "PREFECT_API_URL" not in os.environ:
        print("akhbar serve needs a running Prefect server: start one with `make ui` "
              "(or set PREFECT_API_URL)", file=sys.stderr)
        return 2
    from flows.pipeline import build_deployment, serve_deployment

    try:
        deployment = build_deployment(args.cron, args.interval, args.input, args.warehouse, args.name)
    except ValueError as err:
        print(f"akhbar serve: {err}", file=sys.stderr)
        return 2
    print(f"serving akhbar-pipeline/{args.name} ({args.cron or f'every {args.interval:g}s'}) "
          f"on {os.environ['PREFECT_API_URL']}; Ctrl-C or SIGTERM stops it")
    serve_deployment(deployment)
    return 0


def render_table(columns: list[str], rows: list[tuple], max_width: int = 60) -> str:
    """A plain text table; long cells are cut so one row stays one line."""
    def cell(v) -> str:
        text = "NULL" if v is None else str(v).replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "-+-".join("-" * w for w in widths)
    out = [" | ".join(c.ljust(w) for c, w in zip(columns, widths)), line]
    out += [" | ".join(v.ljust(w) for v, w in zip(r, widths)) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    path = Path(args.warehouse or config.default_warehouse())
    if not path.exists():
        print(f"no warehouse at {path}: run `akhbar run` (or `make run`) first", file=sys.stderr)
        return 2
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as err:
        print(f"cannot open {path} for reading: {err}", file=sys.stderr)
        return 2
    try:
        cur = con.execute(args.query)
        columns = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchmany(args.limit) if columns else []
    except duckdb.Error as err:
        print(f"SQL error: {err}", file=sys.stderr)
        return 1
    finally:
        con.close()
    if columns:
        print(render_table(columns, rows, args.max_width))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from flows import entities, ner_combined
    from flows.ingest import DecodeError, decode_bytes

    if args.file and args.file != "-":
        try:
            text, _ = decode_bytes(Path(args.file).read_bytes())
        except (OSError, DecodeError) as err:
            print(f"cannot read {args.file}: {err}", file=sys.stderr)
            return 2
    else:
        text = sys.stdin.read()
    extract = entities.extract_mentions if args.gazetteer_only else ner_combined.extract_precise
    for m in extract(text):
        if m.mention_kind != "name" and not args.with_nisba:
            continue
        record = {"start": m.start, "end": m.end, "surface": m.surface, "type": m.entity_type,
                  "entity_id": m.entity_id, "canonical": m.canonical}
        if args.with_nisba:
            record["kind"] = m.mention_kind
        print(json.dumps(record, ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="akhbar", description="Arabic news articles -> DuckDB warehouse")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the pipeline once over a folder")
    run.add_argument("--input", default=None, help=f"folder of articles (default {config.default_input()})")
    run.add_argument("--warehouse", default=None, help=f"DuckDB file (default {config.default_warehouse()})")
    run.add_argument("--batch-size", type=int, default=1000, help="articles per task (default 1000)")
    run.add_argument("--max-bytes", type=int, default=5 * 1024 * 1024, help="larger files are quarantined")
    run.set_defaults(func=cmd_run)

    serve = sub.add_parser("serve", help="run the pipeline on a schedule (needs `make ui` or PREFECT_API_URL)")
    when = serve.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", help='cron expression, e.g. "*/15 * * * *" for every 15 minutes')
    when.add_argument("--interval", type=float, help="seconds between runs")
    serve.add_argument("--input", default=None)
    serve.add_argument("--warehouse", default=None)
    serve.add_argument("--name", default="scheduled", help="deployment name (default: scheduled)")
    serve.set_defaults(func=cmd_serve)

    sql = sub.add_parser("sql", help="run a query on the warehouse (read-only) and print a table")
    sql.add_argument("query")
    sql.add_argument("--warehouse", default=None)
    sql.add_argument("--limit", type=int, default=200, help="rows to print at most (default 200)")
    sql.add_argument("--max-width", type=int, default=60, help="cut cells longer than this")
    sql.set_defaults(func=cmd_sql)

    ext = sub.add_parser("extract", help="print the entity mentions of a text as JSON lines")
    ext.add_argument("file", nargs="?", help="text file (default: standard input)")
    ext.add_argument("--with-nisba", action="store_true", help="also print nisba adjectives (kind=nisba)")
    ext.add_argument("--gazetteer-only", action="store_true",
                     help="only names the gazetteer knows (default: also unlisted names the precise rules accept)")
    ext.set_defaults(func=cmd_extract)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
