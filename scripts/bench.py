#!/usr/bin/env python3
"""Whole-process benchmark: Vägvisare next to plain tantivy and SQLite FTS5, in one run.

Usage: scripts/bench.py [N ...] [--seconds S] [--work DIR] [--builds K] [--analytics]
       (default N: 1000 20000 100000; S: 10 seconds per wrk run; DIR: target/bench; K: 3
       index builds per engine, the median reported)
Needs cargo, python3 and wrk (apt-get install -y wrk). Prints a Markdown table and writes the
raw figures to DIR/results-N.json. See BENCHMARKS.md for what each column means.

Per corpus size N (a synthetic corpus from scripts/gen_corpus.py, generated once and kept):
  - `vagvisare index` from scratch K times (median wall time, with that run's CPU time and peak
    memory), index size, MB/s of extracted text; again with nothing changed; again after
    changing 1 % of the files;
  - in-process query latency of Vägvisare and plain tantivy (benches/engines.rs), and of
    SQLite FTS5 (scripts/peer_fts5.py), over the same text and the same queries;
  - `vagvisare serve`: cold start (process start to first answered query, the staleness check
    of every file included), wrk at 1, 8 and 64 connections with the result cache on (the query
    set repeats) and off, and resident memory after the runs.

With --analytics, only the cost of the editors' search analytics: uncached `serve` at 8
connections with analytics on and off, alternated (on, off, on, off, ...) --rounds times, the
median requests per second of each reported.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = os.path.join(ROOT, "target", "release", "vagvisare")


def run_timed(cmd, env=None):
    """Runs a command; returns (wall seconds, CPU seconds, peak RSS in MB, stderr)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, err


def dir_bytes(path):
    return sum(
        os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files
    )


def touch_one_percent(corpus, round_no):
    """Changes every 100th file (in path order); returns how many were changed."""
    files = sorted(
        os.path.join(d, f) for d, _, names in os.walk(corpus) for f in names
        if f.endswith((".md", ".html"))
    )
    changed = files[::100]
    for path in changed:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        extra = f"Tillägg {round_no}: uppföljningen av avtalet redovisas till nämnden varje kvartal."
        if path.endswith(".html"):
            text = text.replace("</main>", f"<p>{extra}</p>\n</main>", 1)
        else:
            text += f"\n\n{extra}\n"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    return len(changed)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(corpus, index, env=None):
    """Starts `serve` and waits for a first answered query; returns (process, port, ms)."""
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [EXE, "serve", "--corpus", corpus, "--index", index, "--addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/search?limit=10&q=upphandling")
            resp = conn.getresponse()
            resp.read()
            if resp.status == 200:
                break
        except OSError:
            if proc.poll() is not None:
                sys.exit("bench: serve exited")
            time.sleep(0.001)
    return proc, port, (time.perf_counter() - started) * 1000


def memory_mb(pid):
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile"):
                out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


def wrk(port, lua, connections, seconds):
    threads = 1 if connections < 2 else 2
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", lua,
         f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.findall(r"(Socket errors:.*|Non-2xx or 3xx responses: \d+)", out)
    return {"rps": round(rps), "p50_ms": pct(50), "p99_ms": pct(99), "errors": errors}


def write_lua(queries, path):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("local queries = {\n")
        for q in queries:
            fh.write(f'  "{urllib.parse.quote(q)}",\n')
        fh.write("}\nlocal i = 0\nrequest = function()\n  i = i + 1\n")
        fh.write('  return wrk.format("GET", "/api/search?limit=10&q=" .. queries[(i % #queries) + 1])\nend\n')


def ensure_corpus(n, work):
    """The synthetic corpus of n files under work (generated once and kept); its path."""
    corpus = os.path.join(work, f"corpus-{n}")
    if not os.path.exists(corpus + ".done"):
        shutil.rmtree(corpus, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_corpus.py"), corpus,
                        str(n)], check=True)
        open(corpus + ".done", "w").close()
    return corpus


def bench_size(n, work, queries_file, lua, seconds, builds):
    corpus = ensure_corpus(n, work)
    index = os.path.join(work, f"index-{n}")
    shutil.rmtree(index, ignore_errors=True)
    r = {"n": n, "corpus_bytes": dir_bytes(corpus)}
    print(f"[{n}] indexing ({builds}×) …", file=sys.stderr)
    runs = []
    for _ in range(builds):
        shutil.rmtree(index, ignore_errors=True)
        runs.append(run_timed([EXE, "index", "--corpus", corpus, "--index", index]))
    # The median run by wall time, with its own CPU time and peak memory: one slow run on a
    # busy machine does not decide the figure.
    wall, cpu, rss, _ = sorted(runs)[len(runs) // 2]
    r.update(index_s=round(wall, 2), index_cpu_s=round(cpu, 1), index_peak_mb=round(rss),
             index_bytes=dir_bytes(index), index_all_s=[round(x[0], 2) for x in runs])
    wall, _, _, _ = run_timed([EXE, "index", "--corpus", corpus, "--index", index])
    r["unchanged_s"] = round(wall, 2)
    r["changed_files"] = touch_one_percent(corpus, int(time.time()))
    wall, _, _, _ = run_timed([EXE, "index", "--corpus", corpus, "--index", index])
    r["incremental_s"] = round(wall, 2)

    print(f"[{n}] in-process queries (Vägvisare, plain tantivy) …", file=sys.stderr)
    peers = os.path.join(work, f"peers-{n}")
    out = subprocess.run(
        ["cargo", "bench", "--quiet", "--bench", "engines", "--", "--index", index,
         "--queries", queries_file, "--work", peers, "--builds", str(builds)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    for line in out.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            r[row["engine"]] = row
    print(f"[{n}] SQLite FTS5 …", file=sys.stderr)
    out = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "peer_fts5.py"),
         os.path.join(peers, "sections.jsonl"), queries_file, peers, str(builds)],
        capture_output=True, text=True, check=True,
    ).stdout
    r["sqlite-fts5"] = json.loads(out)
    shutil.rmtree(peers, ignore_errors=True)

    print(f"[{n}] serve …", file=sys.stderr)
    starts = []
    for _ in range(5):
        proc, port, ms = start_server(corpus, index)
        starts.append(ms)
        proc.terminate()
        proc.wait()
    r["cold_start_ms"] = round(statistics.median(starts))
    r["cold_start_all_ms"] = [round(s) for s in starts]
    for label, env in (("cached", None), ("uncached", dict(os.environ, VAGVISARE_CACHE_ENTRIES="0"))):
        proc, port, _ = start_server(corpus, index, env)
        r[f"wrk_{label}"] = {c: wrk(port, lua, c, seconds) for c in (1, 8, 64)}
        r[f"serve_memory_{label}_mb"] = memory_mb(proc.pid)
        proc.terminate()
        proc.wait()
    shutil.rmtree(index, ignore_errors=True)
    with open(os.path.join(work, f"results-{n}.json"), "w") as fh:
        json.dump(r, fh, indent=1)
    return r


def table(results):
    def f(x, digits=1):
        return f"{x:,.{digits}f}".replace(",", " ")

    lines = []
    add = lines.append
    add("| N documents | " + " | ".join(f(r["n"], 0) for r in results) + " |")
    add("|---|" + "---|" * len(results))

    def row(label, fn):
        add(f"| {label} | " + " | ".join(fn(r) for r in results) + " |")

    row("corpus on disk (MB) / extracted text (MB)",
        lambda r: f"{f(r['corpus_bytes'] / 1e6)} / {f(r['tantivy-plain']['text_bytes'] / 1e6)}")
    row("sections", lambda r: f(r["vagvisare"]["sections"], 0))
    row("**index build, Vägvisare** (s, whole process, median)", lambda r: f(r["index_s"], 2))
    row("index build, plain tantivy (s, extracted text)", lambda r: f(r["tantivy-plain"]["build_s"], 2))
    row("index build, SQLite FTS5 (s, extracted text)", lambda r: f(r["sqlite-fts5"]["build_s"], 2))
    row("build ratio Vägvisare / plain tantivy", lambda r: f(r["index_s"] / r["tantivy-plain"]["build_s"], 1) + "×")
    row("every build (s): Vägvisare; plain tantivy",
        lambda r: ", ".join(f(x, 2) for x in r.get("index_all_s", [r["index_s"]])) + "; "
        + ", ".join(f(x, 2) for x in r["tantivy-plain"].get("build_all_s", [r["tantivy-plain"]["build_s"]])))
    row("Vägvisare throughput (MB/s of text) / CPU s / peak MB",
        lambda r: f"{f(r['tantivy-plain']['text_bytes'] / 1e6 / r['index_s'])} / {f(r['index_cpu_s'])} / {r['index_peak_mb']}")
    row("index size (MB): Vägvisare / tantivy / FTS5",
        lambda r: f"{f(r['index_bytes'] / 1e6)} / {f(r['tantivy-plain']['index_bytes'] / 1e6)} / {f(r['sqlite-fts5']['db_bytes'] / 1e6)}")
    row("re-index, nothing changed (s)", lambda r: f(r["unchanged_s"], 2))
    row("re-index, 1 % changed (s) / share of full build",
        lambda r: f"{f(r['incremental_s'], 2)} / {f(100 * r['incremental_s'] / r['index_s'])} %")
    for engine, label in (("vagvisare", "**query p50 / p95 / p99 (ms), Vägvisare**"),
                          ("tantivy-plain", "query p50 / p95 / p99 (ms), plain tantivy"),
                          ("sqlite-fts5", "query p50 / p95 / p99 (ms), SQLite FTS5")):
        row(label, lambda r, e=engine: f"{f(r[e]['p50_ms'], 2)} / {f(r[e]['p95_ms'], 2)} / {f(r[e]['p99_ms'], 2)}")
    row("p99 ratio Vägvisare / plain tantivy / FTS5",
        lambda r: f"1 / {f(r['tantivy-plain']['p99_ms'] / r['vagvisare']['p99_ms'], 2)} / {f(r['sqlite-fts5']['p99_ms'] / r['vagvisare']['p99_ms'], 2)}")
    row("cold start (ms, median of 5)", lambda r: f(r["cold_start_ms"], 0))
    for label in ("cached", "uncached"):
        for c in (1, 8, 64):
            row(f"HTTP {label}, {c} conn: req/s (p99 ms)",
                lambda r, c=c, label=label: f"{f(r[f'wrk_{label}'][c]['rps'], 0)} ({f(r[f'wrk_{label}'][c]['p99_ms'], 2)})")
    row("serve memory after the runs: RSS / anonymous (MB)",
        lambda r: f"{f(r['serve_memory_uncached_mb']['VmRSS'])} / {f(r['serve_memory_uncached_mb']['RssAnon'])}")
    return "\n".join(lines)


def bench_analytics(n, work, lua, seconds, rounds):
    """Uncached req/s at 8 connections with the search analytics on and off, alternated."""
    corpus = ensure_corpus(n, work)
    index = os.path.join(work, f"index-{n}")
    run_timed([EXE, "index", "--corpus", corpus, "--index", index])
    shutil.rmtree(os.path.join(index, "analytics"), ignore_errors=True)
    runs = {"on": [], "off": []}
    for _ in range(rounds):
        for label in ("on", "off"):
            env = dict(os.environ, VAGVISARE_CACHE_ENTRIES="0",
                       VAGVISARE_ANALYTICS="true" if label == "on" else "false")
            proc, port, _ = start_server(corpus, index, env)
            runs[label].append(wrk(port, lua, 8, seconds))
            proc.terminate()
            proc.wait()
    days = os.listdir(os.path.join(index, "analytics"))
    result = {label: {"rps_median": statistics.median(r["rps"] for r in rs),
                      "rps_all": [r["rps"] for r in rs],
                      "p99_ms_median": statistics.median(r["p99_ms"] for r in rs),
                      "errors": sum((r["errors"] for r in rs), [])}
              for label, rs in runs.items()}
    result["analytics_files"] = days
    on, off = result["on"]["rps_median"], result["off"]["rps_median"]
    result["difference_percent"] = round(100 * (on - off) / off, 1)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 20000, 100000])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "bench"))
    ap.add_argument("--builds", type=int, default=3,
                    help="index builds per engine and size; the median is reported")
    ap.add_argument("--analytics", action="store_true",
                    help="only compare uncached req/s with the search analytics on and off")
    ap.add_argument("--rounds", type=int, default=3, help="on/off pairs with --analytics")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench: wrk is not installed (apt-get install -y wrk)")
    os.makedirs(args.work, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "bench", "--quiet", "--bench", "engines", "--no-run"], cwd=ROOT,
                   check=True)
    queries_file = os.path.join(args.work, "queries.txt")
    scratch = os.path.join(args.work, "query-scratch")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_corpus.py"), scratch, "1",
                    "--queries", queries_file], check=True, capture_output=True)
    shutil.rmtree(scratch, ignore_errors=True)
    with open(queries_file, encoding="utf-8") as fh:
        queries = [l.strip() for l in fh if l.strip()]
    lua = os.path.join(args.work, "queries.lua")
    write_lua(queries, lua)
    if args.analytics:
        for n in args.sizes:
            print(json.dumps({"n": n, **bench_analytics(n, args.work, lua, args.seconds,
                                                        max(1, args.rounds))}, indent=1))
        return
    results = [bench_size(n, args.work, queries_file, lua, args.seconds, max(1, args.builds))
               for n in args.sizes]
    cpu = subprocess.run(["sh", "-c", "nproc; grep -m1 'model name' /proc/cpuinfo"],
                         capture_output=True, text=True).stdout.split("\n")
    print(f"\nMachine: {cpu[0]} cores, {cpu[1].split(':')[-1].strip()}; "
          f"{len(queries)} queries; wrk {args.seconds} s per run.\n")
    print(table(results))


if __name__ == "__main__":
    main()
