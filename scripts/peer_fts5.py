#!/usr/bin/env python3
"""SQLite FTS5 as a comparison peer: index the sections our engine indexed, time the queries.

Usage: scripts/peer_fts5.py SECTIONS.jsonl QUERIES.txt WORKDIR [BUILDS]

SECTIONS.jsonl holds one {"path", "title", "section" (or null), "body"} object per line;
QUERIES.txt one query per line. The sections go into WORKDIR/fts5.db (replaced if present) as an
FTS5 table with the unicode61 tokenizer (diacritics removed), loaded in one transaction and then
optimised; that build is timed (BUILDS times, default 1; the median is reported), reading the
JSONL is not. Each query becomes its words, quoted
and joined with OR, ranked by bm25 with title and section headings weighted above the body, and
fetches the top 10 hits with a snippet. After a warm-up over the first 20 queries, every query
is timed over 3 passes of the whole set. One JSON object with the results goes to stdout.
"""
import json
import os
import re
import sqlite3
import statistics
import sys
import time

WARMUP_QUERIES = 20
PASSES = 3
SEARCH = ("SELECT path, title, snippet(s, 3, '<mark>', '</mark>', '…', 12) FROM s "
          "WHERE s MATCH ? ORDER BY bm25(s, 0, 3.0, 2.0, 1.0) LIMIT 10")
WORD = re.compile(r"[^\W_]+")  # letters (å, ä, ö, é, ...) and digits


def fts5_query(text):
    """The query's words as quoted FTS5 strings joined with OR; None if it has no words."""
    tokens = WORD.findall(text)
    return " OR ".join(f'"{t}"' for t in tokens) if tokens else None


def build(db_path, rows):
    if os.path.exists(db_path):
        os.remove(db_path)
    start = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.execute('CREATE VIRTUAL TABLE s USING fts5(path UNINDEXED, title, section, body, '
               'tokenize="unicode61 remove_diacritics 2")')
    with db:
        db.executemany("INSERT INTO s(path, title, section, body) VALUES (?, ?, ?, ?)", rows)
    with db:
        db.execute("INSERT INTO s(s) VALUES('optimize')")
    db.close()
    return time.perf_counter() - start


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, round(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.split("\n\n")[1])
    sections_path, queries_path, workdir = sys.argv[1:4]
    builds = max(1, int(sys.argv[4])) if len(sys.argv) == 5 else 1
    with open(sections_path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    rows = [(r["path"], r["title"], r["section"], r["body"]) for r in records]
    with open(queries_path, encoding="utf-8") as f:
        queries = [line.strip() for line in f if line.strip()]

    os.makedirs(workdir, exist_ok=True)
    db_path = os.path.join(workdir, "fts5.db")
    build_all_s = [build(db_path, rows) for _ in range(builds)]
    build_s = statistics.median(build_all_s)

    db = sqlite3.connect(db_path)
    matches = [m for m in map(fts5_query, queries) if m]
    for m in matches[:WARMUP_QUERIES]:
        db.execute(SEARCH, (m,)).fetchall()
    timings = []
    zero_hits = len(queries) - len(matches)  # queries without a single word find nothing
    for n in range(PASSES):
        for m in matches:
            start = time.perf_counter()
            hits = db.execute(SEARCH, (m,)).fetchall()
            timings.append((time.perf_counter() - start) * 1000)
            zero_hits += n == 0 and not hits
    db.close()

    timings.sort()
    print(json.dumps({
        "engine": "sqlite-fts5",
        "sqlite_version": sqlite3.sqlite_version,
        "rows": len(rows),
        "build_s": round(build_s, 3),
        "build_all_s": [round(b, 3) for b in build_all_s],
        "db_bytes": os.path.getsize(db_path),
        "p50_ms": round(percentile(timings, 50), 3),
        "p95_ms": round(percentile(timings, 95), 3),
        "p99_ms": round(percentile(timings, 99), 3),
        "mean_ms": round(statistics.fmean(timings), 3),
        "queries": len(queries),
        "zero_hit_queries": zero_hits,
    }))


if __name__ == "__main__":
    main()
