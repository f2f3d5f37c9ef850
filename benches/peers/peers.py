#!/usr/bin/env python3
"""The peer comparison: the same job on the same CSV with actas, pandas, polars (eager, lazy and
streaming) and DuckDB.

The job: read the CSV; totals per candidate and per top-level region, each table counted once
(its first row); the three standard sheet rules with their violation counts (every row); the
number of rows whose table appeared before. Every tool's numbers must agree; the script fails
otherwise.

Each tool runs in a process of its own, which loads its library, runs the job twice and reports
the second run's wall-clock time (file on disk to numbers); the parent reads the process's peak
resident memory from the kernel (`wait4`). The tools take turns, round after round, so that a
slow spell of a shared machine does not fall on one tool only. The report gives, per tool, the
minimum, median and maximum time, the ratio of its median to actas's, and its peak memory.
`actas_one_core` is the same actas job with one thread (`RAYON_NUM_THREADS=1`): what both cores
gain on the whole job, read and checks, measured in the same interleaved rounds.

Usage: peers.py SHEETS.csv LAYOUT.json ACTAS_PEER_JOB_BINARY [--runs N]
Run it through run.sh, which installs pandas, polars and DuckDB into a local virtual environment.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

# The actas runs: on every core, and on one thread.
ACTAS = {"actas": {}, "actas_one_core": {"RAYON_NUM_THREADS": "1"}}
RULES = ["valid == sum(candidates)", "valid + null + blank == voters", "voters <= electors"]
TEXT = {"region": "str", "table": "str"}


def candidates_of(layout):
    return [c["column"] for c in layout["candidates"]]


def job_pandas(path, cands):
    import pandas as pd

    df = pd.read_csv(path, dtype={"region": str, "table": str})
    dup = df.duplicated("table")
    first = df[~dup]
    per_candidate = {c: int(first[c].sum()) for c in cands}
    by_region = first.groupby("region")[cands].sum()
    per_region = {r: {c: int(row[c]) for c in cands} for r, row in by_region.iterrows()}
    sums = df[cands].sum(axis=1)
    broken = {
        RULES[0]: int((df["valid"] != sums).sum()),
        RULES[1]: int((df["valid"] + df["null"] + df["blank"] != df["voters"]).sum()),
        RULES[2]: int((df["voters"] > df["electors"]).sum()),
    }
    return {"rows": len(df), "candidates": per_candidate, "regions": per_region,
            "rules_broken": broken, "repeated_tables": int(dup.sum())}


def job_polars(path, cands):
    import polars as pl

    df = pl.read_csv(path, schema_overrides={"region": pl.Utf8, "table": pl.Utf8})
    dup = df.select(pl.col("table").is_duplicated() & ~pl.col("table").is_first_distinct()).to_series()
    first = df.filter(pl.col("table").is_first_distinct())
    totals = first.select([pl.col(c).sum() for c in cands]).row(0, named=True)
    per_candidate = {c: int(totals[c]) for c in cands}
    by_region = first.group_by("region").agg([pl.col(c).sum() for c in cands])
    per_region = {row["region"]: {c: int(row[c]) for c in cands} for row in by_region.iter_rows(named=True)}
    sums = pl.sum_horizontal([pl.col(c) for c in cands])
    broken_row = df.select([
        (pl.col("valid") != sums).sum().alias(RULES[0]),
        (pl.col("valid") + pl.col("null") + pl.col("blank") != pl.col("voters")).sum().alias(RULES[1]),
        (pl.col("voters") > pl.col("electors")).sum().alias(RULES[2]),
    ]).row(0, named=True)
    broken = {k: int(v) for k, v in broken_row.items()}
    return {"rows": df.height, "candidates": per_candidate, "regions": per_region,
            "rules_broken": broken, "repeated_tables": int(dup.sum())}


def polars_query(path, cands, engine):
    """The job as one lazy query plan over `scan_csv`, collected by `engine`."""
    import polars as pl

    lf = pl.scan_csv(path, schema_overrides={"region": pl.Utf8, "table": pl.Utf8})
    first = lf.filter(pl.col("table").is_first_distinct())
    q_totals = first.select([pl.col(c).sum() for c in cands])
    q_regions = first.group_by("region").agg([pl.col(c).sum() for c in cands])
    sums = pl.sum_horizontal([pl.col(c) for c in cands])
    q_rules = lf.select([
        (pl.col("valid") != sums).sum().alias(RULES[0]),
        (pl.col("valid") + pl.col("null") + pl.col("blank") != pl.col("voters")).sum().alias(RULES[1]),
        (pl.col("voters") > pl.col("electors")).sum().alias(RULES[2]),
        pl.len().alias("rows"),
        pl.col("table").n_unique().alias("tables"),
    ])
    totals, regions, rules = pl.collect_all([q_totals, q_regions, q_rules], engine=engine)
    totals = totals.row(0, named=True)
    rules = rules.row(0, named=True)
    return {
        "rows": int(rules["rows"]),
        "candidates": {c: int(totals[c]) for c in cands},
        "regions": {row["region"]: {c: int(row[c]) for c in cands} for row in regions.iter_rows(named=True)},
        "rules_broken": {r: int(rules[r]) for r in RULES},
        "repeated_tables": int(rules["rows"] - rules["tables"]),
    }


def job_polars_lazy(path, cands):
    return polars_query(path, cands, "in-memory")


def job_polars_streaming(path, cands):
    return polars_query(path, cands, "streaming")


def job_duckdb(path, cands):
    import duckdb

    con = duckdb.connect()
    # A table keeps the file's row order in `rowid`: a table's first row is its smallest.
    con.execute(
        "CREATE TABLE t AS SELECT * FROM read_csv(?, header = true, "
        "types = {'region': 'VARCHAR', 'table': 'VARCHAR'})", [path])
    q = lambda c: '"' + c.replace('"', '""') + '"'
    con.execute('CREATE TEMP VIEW firsts AS SELECT * FROM t WHERE rowid IN '
                '(SELECT min(rowid) FROM t GROUP BY "table")')
    totals = con.execute("SELECT " + ", ".join(f"sum({q(c)})" for c in cands) + " FROM firsts").fetchone()
    regions = con.execute("SELECT region, " + ", ".join(f"sum({q(c)})" for c in cands)
                          + " FROM firsts GROUP BY region").fetchall()
    total = " + ".join(q(c) for c in cands)
    rules = con.execute(
        f"SELECT count_if(valid != {total}), count_if(valid + \"null\" + blank != voters), "
        "count_if(voters > electors), count(*), count(DISTINCT \"table\") FROM t").fetchone()
    return {
        "rows": int(rules[3]),
        "candidates": {c: int(v) for c, v in zip(cands, totals)},
        "regions": {r[0]: {c: int(v) for c, v in zip(cands, r[1:])} for r in regions},
        "rules_broken": {RULES[i]: int(rules[i]) for i in range(3)},
        "repeated_tables": int(rules[3] - rules[4]),
    }


JOBS = {
    "pandas": job_pandas,
    "polars": job_polars,
    "polars_lazy": job_polars_lazy,
    "polars_streaming": job_polars_streaming,
    "duckdb": job_duckdb,
}


def child(tool, path, layout):
    """Runs one tool's job twice in this process and prints the result and the second time."""
    with open(layout) as f:
        cands = candidates_of(json.load(f))
    job = JOBS[tool]
    job(path, cands)  # loads the library and warms the file cache
    start = time.perf_counter()
    result = job(path, cands)
    result["seconds"] = time.perf_counter() - start
    print(json.dumps(result))


def run(argv, env=None):
    """Runs `argv` to its end (with `env` added to the environment); its output and peak
    resident memory in bytes (`wait4`)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, **(env or {})))
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{argv[:3]} failed with {proc.returncode}")
    return json.loads(out), usage.ru_maxrss * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("layout")
    ap.add_argument("peer_job")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.csv, args.layout)
        return

    tools = list(ACTAS) + list(JOBS)
    seconds = {t: [] for t in tools}
    memory = {t: [] for t in tools}
    results = {}
    for _ in range(args.runs):
        for tool in tools:
            if tool in ACTAS:
                # Two runs in one process, the second timed, as for the others.
                result, rss = run([args.peer_job, args.csv, args.layout, "2"], ACTAS[tool])
                result["seconds"] = result["seconds"][1]
            else:
                result, rss = run([sys.executable, __file__, args.csv, args.layout, args.peer_job,
                                   "--child", tool])
            seconds[tool].append(result.pop("seconds"))
            memory[tool].append(rss)
            results[tool] = result

    ok = True
    for tool in tools[1:]:
        for key in ["rows", "candidates", "regions", "rules_broken", "repeated_tables"]:
            if results[tool][key] != results["actas"][key]:
                ok = False
                print(f"MISMATCH {tool} {key}: {str(results[tool][key])[:300]} "
                      f"!= actas {str(results['actas'][key])[:300]}")
    if not ok:
        sys.exit(1)

    import duckdb
    import pandas
    import polars
    a = results["actas"]
    print(f"all tools agree on every number: {a['rows']} rows, {len(a['regions'])} regions, "
          f"{len(a['candidates'])} candidates, rules broken {a['rules_broken']}, "
          f"repeated tables {a['repeated_tables']}")
    print(f"versions: pandas {pandas.__version__}, polars {polars.__version__}, "
          f"duckdb {duckdb.__version__}, python {sys.version.split()[0]}; {os.cpu_count()} cores")
    print(f"{args.runs} interleaved rounds, CSV on disk to numbers (the second run in each process):")
    print("| tool | min ms | median ms | max ms | median / actas median | peak resident MB (max) |")
    print("|---|---|---|---|---|---|")
    base = statistics.median(seconds["actas"])
    for tool in tools:
        s = seconds[tool]
        med = statistics.median(s)
        print(f"| {tool} | {min(s) * 1000:.0f} | {med * 1000:.0f} | {max(s) * 1000:.0f} | "
              f"{med / base:.2f} | {max(memory[tool]) / 1e6:.0f} |")


if __name__ == "__main__":
    main()
