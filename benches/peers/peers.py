#!/usr/bin/env python3
"""The peer comparison: the same job on the same CSV with pandas, polars and actas.

The job: read the CSV; totals per candidate and per top-level region, each table counted once
(its first row); the three standard sheet rules with their violation counts (every row); the
number of rows whose table appeared before. Every tool's numbers must agree; the script fails
otherwise. Times are wall-clock, file on disk to numbers, medians of several runs.

Usage: peers.py SHEETS.csv LAYOUT.json ACTAS_PEER_JOB_BINARY [--runs N]
Run it through run.sh, which installs pandas and polars into a local virtual environment.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time


def candidates_of(layout):
    return [c["column"] for c in layout["candidates"]]


RULES = ["valid == sum(candidates)", "valid + null + blank == voters", "voters <= electors"]


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


def timed(job, path, cands, runs):
    seconds, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = job(path, cands)
        seconds.append(time.perf_counter() - start)
    return result, seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("layout")
    ap.add_argument("peer_job")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with open(args.layout) as f:
        cands = candidates_of(json.load(f))

    # Interleaved runs (actas, pandas, polars, then again), so that a slow spell of a shared
    # machine does not fall on one tool only.
    actas_seconds, pandas_seconds, polars_seconds = [], [], []
    for _ in range(args.runs):
        # Two runs per process, the second timed: like the warm Python process of the others.
        out = subprocess.run([args.peer_job, args.csv, args.layout, "2"],
                             check=True, capture_output=True, text=True).stdout
        actas = json.loads(out)
        actas_seconds.append(actas.pop("seconds")[1])
        pandas_result, s = timed(job_pandas, args.csv, cands, 1)
        pandas_seconds.extend(s)
        polars_result, s = timed(job_polars, args.csv, cands, 1)
        polars_seconds.extend(s)
    # The first pandas and polars runs import the library; leave out each tool's first run.
    if args.runs > 2:
        actas_seconds, pandas_seconds, polars_seconds = actas_seconds[1:], pandas_seconds[1:], polars_seconds[1:]

    ok = True
    for name, result in [("pandas", pandas_result), ("polars", polars_result)]:
        for key in ["rows", "candidates", "regions", "rules_broken", "repeated_tables"]:
            if result[key] != actas[key]:
                ok = False
                print(f"MISMATCH {name} {key}: {str(result[key])[:300]} != actas {str(actas[key])[:300]}")
    if not ok:
        sys.exit(1)

    import pandas
    import polars
    med = {
        "actas": statistics.median(actas_seconds),
        "pandas": statistics.median(pandas_seconds),
        "polars": statistics.median(polars_seconds),
    }
    print(f"all three agree on every number: {actas['rows']} rows, {len(actas['regions'])} regions, "
          f"{len(cands)} candidates, rules broken {actas['rules_broken']}, "
          f"repeated tables {actas['repeated_tables']}")
    print(f"versions: pandas {pandas.__version__}, polars {polars.__version__}, python {sys.version.split()[0]}")
    print(f"median of {len(actas_seconds)} interleaved runs (the first of {args.runs} left out), CSV on disk to numbers:")
    spread = {"actas": actas_seconds, "pandas": pandas_seconds, "polars": polars_seconds}
    for tool, s in med.items():
        lo, hi = min(spread[tool]), max(spread[tool])
        print(f"  {tool:<7} {s * 1000:9.1f} ms   ({s / med['actas']:.1f}x actas; runs {lo * 1000:.0f} to {hi * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
