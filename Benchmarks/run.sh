#!/usr/bin/env bash
# Import benchmark (issue 6): scaling-impact vs DuckDB's read_csv and sqlite3's .import on the
# same deterministic JMeter JTL files; prints wall time, rows/s, MB/s, peak RSS and the ratios.
#
#   Benchmarks/run.sh [SAMPLES...]     default: 1000000 10000000
#
# Inputs are generated into Benchmarks/data/ (git-ignored) and reused when present. Peers run
# when installed: sqlite3 (apt-get install sqlite3), DuckDB (pip install duckdb).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
data="$here/data"
mkdir -p "$data"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)

(cd "$root" && swift build -c release --product scaling-impact >/dev/null)
bin="$root/.build/release/scaling-impact"
"$bin" init --config "$data/impact.toml" --force >/dev/null

# measure NAME ROWS BYTES CMD...: runs CMD once under /usr/bin/time and prints one table row.
measure() {
    local name=$1 rows=$2 bytes=$3
    shift 3
    local out
    out=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
    local secs=${out% *} kb=${out#* }
    awk -v n="$name" -v s="$secs" -v kb="$kb" -v r="$rows" -v b="$bytes" 'BEGIN {
        printf "%-22s %10.2f %12.0f %9.1f %10.1f\n", n, s, r / s, b / s / 1e6, kb / 1024 }'
    echo "$secs" > "$data/last.time"
}

printf "%-22s %10s %12s %9s %10s\n" "run" "wall s" "rows/s" "MB/s" "peak MB"
for n in "${sizes[@]}"; do
    file="$data/jtl-$n.csv"
    [ -f "$file" ] || python3 "$here/make_jtl.py" "$n" "$file"
    bytes=$(stat -c %s "$file")
    echo "--- $n samples, $((bytes / 1000000)) MB"

    rm -f "$data/si.sqlite"*
    measure "scaling-impact" "$n" "$bytes" "$bin" import --quiet --db "$data/si.sqlite" --config "$data/impact.toml" --environment staging "$file"
    ours=$(cat "$data/last.time")

    if python3 -c "import duckdb" 2>/dev/null; then
        rm -f "$data/duck.db"*
        measure "duckdb read_csv" "$n" "$bytes" python3 "$here/peers.py" "$file" "$data/duck.db"
        duck=$(cat "$data/last.time")
        awk -v o="$ours" -v d="$duck" 'BEGIN { printf "ratio vs duckdb: %.2f (target <= 0.75)\n", o / d }'
    else
        echo "duckdb not installed (pip install duckdb): skipped"
    fi
    if command -v sqlite3 >/dev/null; then
        rm -f "$data/plain.sqlite"*
        measure "sqlite3 .import" "$n" "$bytes" sqlite3 "$data/plain.sqlite" -cmd ".mode csv" ".import $file jtl"
        lite=$(cat "$data/last.time")
        awk -v o="$ours" -v l="$lite" 'BEGIN { printf "ratio vs sqlite3: %.2f (target <= 0.25)\n", o / l }'
    else
        echo "sqlite3 not installed (apt-get install sqlite3): skipped"
    fi
done
rm -f "$data/si.sqlite"* "$data/duck.db"* "$data/plain.sqlite"*

# ALB access logs in .log.gz: our import against zcat alone on the same files.
alb_lines=${ALB_LINES:-2000000}
alb="$data/alb-$alb_lines"
[ -d "$alb" ] || python3 "$here/make_alb.py" "$alb_lines" "$alb"
alb_bytes=$(cat "$alb"/*.log.gz | wc -c)
echo "--- ALB logs: $alb_lines lines in $(ls "$alb" | wc -l) .log.gz files, $((alb_bytes / 1000000)) MB compressed"
measure "zcat" "$alb_lines" "$alb_bytes" sh -c "zcat '$alb'/*.log.gz > /dev/null"
zc=$(cat "$data/last.time")
rm -f "$data/si.sqlite"*
measure "scaling-impact (ALB)" "$alb_lines" "$alb_bytes" "$bin" import --quiet --db "$data/si.sqlite" --config "$data/impact.toml" --environment prod-eu "$alb"
ours=$(cat "$data/last.time")
awk -v o="$ours" -v z="$zc" 'BEGIN { printf "throughput vs zcat: %.2f (target >= 0.5)\n", z / o }'
rm -f "$data/si.sqlite"*

# report on the demo database (12 series, 5 weeks), charts included.
rm -f "$data/demo.sqlite"*
(cd "$root" && "$bin" demo --db "$data/demo.sqlite" --out "$data/reports" >/dev/null)
measure "report (demo)" 0 0 "$bin" report --db "$data/demo.sqlite" --config "$root/sample-data/impact.toml" --out "$data/reports"
echo "report wall time: $(cat "$data/last.time") s (target < 1)"
rm -f "$data/demo.sqlite"*
