#!/usr/bin/env bash
# Speed benchmark (issue 6): scaling-impact against DuckDB's read_csv and sqlite3's .import on the
# same deterministic JMeter JTL files, ALB .log.gz against zcat, and `report`. Prints wall time,
# rows/s, MB/s and peak RSS per run, then every target with its measured figure.
#
#   Benchmarks/run.sh [SAMPLES...]     default: 1000000 10000000 30000000
#   ALB_LINES=2000000                  lines of ALB logs for the gzip run
#
# Inputs are generated into Benchmarks/data/ (git-ignored) and reused when present: the 30M-sample
# file is 3.7 GB. Peers run when installed: sqlite3 (apt-get install sqlite3), DuckDB (pip install
# duckdb); numpy is needed for the report database. Run it on a quiet machine: the figures are
# single wall-clock runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
data="$here/data"
mkdir -p "$data"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000 30000000)

(cd "$root" && swift build -c release --product scaling-impact >/dev/null)
bin="$root/.build/release/scaling-impact"
"$bin" init --config "$data/impact.toml" --force >/dev/null
summary="$data/summary.txt"
: > "$summary"

# measure NAME ROWS BYTES CMD...: runs CMD once under /usr/bin/time, prints one table row and
# leaves the wall seconds in $data/last.time and the peak RSS in MB in $data/last.rss.
measure() {
    local name=$1 rows=$2 bytes=$3
    shift 3
    local out status=0
    /usr/bin/time -o "$data/time.out" -f "%e %M" "$@" >/dev/null 2>"$data/stderr.out" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "$name failed (exit $status):" >&2
        tail -5 "$data/stderr.out" >&2
    fi
    out=$(tail -1 "$data/time.out")
    local secs=${out% *} kb=${out#* }
    awk -v n="$name" -v s="$secs" -v kb="$kb" -v r="$rows" -v b="$bytes" 'BEGIN {
        if (s <= 0) s = 0.01
        printf "%-24s %9.2f %12.0f %9.1f %9.1f\n", n, s, r / s, b / s / 1e6, kb / 1024 }'
    echo "$secs" > "$data/last.time"
    awk -v kb="$kb" 'BEGIN { printf "%.1f\n", kb / 1024 }' > "$data/last.rss"
}

# target TEXT VALUE OP LIMIT: records one target line for the summary (OP is <= or >=).
target() {
    awk -v t="$1" -v v="$2" -v op="$3" -v l="$4" 'BEGIN {
        ok = (v ~ /^[0-9.e+-]+$/) && ((op == "<=") ? (v + 0 <= l + 0) : (v + 0 >= l + 0))
        printf "%-58s %8.2f  (target %s %s)  %s\n", t, v, op, l, ok ? "met" : "MISSED" }' >> "$summary"
}

printf "%-24s %9s %12s %9s %9s\n" "run" "wall s" "rows/s" "MB/s" "peak MB"
declare -A ours_by_size
for n in "${sizes[@]}"; do
    file="$data/jtl-$n.csv"
    [ -f "$file" ] || python3 "$here/make_jtl.py" "$n" "$file"
    bytes=$(stat -c %s "$file")
    echo "--- JMeter JTL, $n samples, $((bytes / 1000000)) MB"

    rm -f "$data/si.sqlite"*
    measure "scaling-impact" "$n" "$bytes" "$bin" import --quiet --db "$data/si.sqlite" --config "$data/impact.toml" --environment staging "$file"
    ours=$(cat "$data/last.time")
    ours_by_size[$n]=$ours
    target "JTL $n: peak RSS of our import, MB" "$(cat "$data/last.rss")" "<=" 100

    if python3 -c "import duckdb" 2>/dev/null; then
        rm -f "$data/duck.db"*
        measure "duckdb read_csv" "$n" "$bytes" python3 "$here/peers.py" "$file" "$data/duck.db"
        target "JTL $n: our time / DuckDB read_csv" "$(awk -v o="$ours" -v d="$(cat "$data/last.time")" 'BEGIN { print o / d }')" "<=" 0.75
    else
        echo "duckdb not installed (pip install duckdb): skipped"
    fi
    if command -v sqlite3 >/dev/null; then
        rm -f "$data/plain.sqlite"*
        measure "sqlite3 .import" "$n" "$bytes" sqlite3 "$data/plain.sqlite" -cmd ".mode csv" ".import $file jtl"
        target "JTL $n: our time / sqlite3 .import" "$(awk -v o="$ours" -v l="$(cat "$data/last.time")" 'BEGIN { print o / l }')" "<=" 0.25
    else
        echo "sqlite3 not installed (apt-get install sqlite3): skipped"
    fi
    rm -f "$data/si.sqlite"* "$data/duck.db"* "$data/plain.sqlite"*
done

# Scaling: time per sample at each size against the smallest (1.0 = linear).
smallest=${sizes[0]}
for n in "${sizes[@]}"; do
    [ "$n" = "$smallest" ] && continue
    ratio=$(awk -v t="${ours_by_size[$n]}" -v n="$n" -v t0="${ours_by_size[$smallest]}" -v n0="$smallest" \
        'BEGIN { print (t / n) / (t0 / n0) }')
    target "JTL $n: our time per sample / at $smallest (1 = linear)" "$ratio" "<=" 1.25
done

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
target "ALB .log.gz: our throughput / zcat's" "$(awk -v o="$(cat "$data/last.time")" -v z="$zc" 'BEGIN { print z / o }')" ">=" 0.5
rm -f "$data/si.sqlite"*

# report, charts included: on the demo database (12 series, 5 weeks: CloudWatch, CUR and thin
# latency probes) and on the same with a full latency histogram for every series and minute.
echo "--- report"
rm -f "$data/demo.sqlite"*
(cd "$root" && "$bin" demo --db "$data/demo.sqlite" --out "$data/reports" >/dev/null)
measure "report (demo)" 0 0 "$bin" report --db "$data/demo.sqlite" --config "$root/sample-data/impact.toml" --out "$data/reports"
target "report on the demo database, s" "$(cat "$data/last.time")" "<=" 1
if [ ! -f "$data/dense.sqlite" ] && python3 -c "import numpy" 2>/dev/null; then
    python3 "$here/make_report_db.py" "$data/demo.sqlite" "$data/dense.sqlite"
fi
if [ -f "$data/dense.sqlite" ]; then
    measure "report (dense latency)" 0 "$(stat -c %s "$data/dense.sqlite")" "$bin" report --db "$data/dense.sqlite" --config "$root/sample-data/impact.toml" --out "$data/reports"
    echo "report on 605k full latency minutes: $(cat "$data/last.time") s (no target; see README)"
fi
rm -f "$data/demo.sqlite"*

echo
echo "=== targets"
cat "$summary"
