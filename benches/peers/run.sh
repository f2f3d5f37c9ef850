#!/usr/bin/env bash
# The peer comparison, run by hand (not in CI): actas against pandas, polars and DuckDB on the same
# generated CSV. Usage: benches/peers/run.sh [SHEETS] [CANDIDATES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
sheets=${1:-1000000}
candidates=${2:-10}
runs=${3:-5}
work=target/peers
mkdir -p "$work"
if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet --upgrade pip
fi
if ! "$work/venv/bin/python" -c "import pandas, polars, duckdb" 2>/dev/null; then
  "$work/venv/bin/pip" install --quiet pandas polars duckdb
fi
cargo build --release --example synth_csv --example peer_job
csv="$work/synthetic_${sheets}_${candidates}.csv"
if [ ! -f "$csv" ]; then
  target/release/examples/synth_csv "$sheets" "$candidates" "$csv"
fi
ls -l "$csv"
"$work/venv/bin/python" benches/peers/peers.py "$csv" "${csv%.csv}.layout.json" target/release/examples/peer_job --runs "$runs"
