#!/usr/bin/env python3
"""Turns the demo database into the report benchmark's: 12 series, 5 weeks, a full latency
histogram for every series and minute (as a month of ALB logs at ~100 requests a minute would
leave), so that `report` is measured on the size a real analysis reads, not on thin probes.

Usage: make_report_db.py DEMO.sqlite OUT.sqlite
Deterministic (numpy seed 20261005). Rows are written in the schema's documented form
(latency_minutes.buckets: {"bucket": count}, bucket = ceil(ln x / ln γ), γ = 1.005/0.995).
"""
import math
import shutil
import sqlite3
import sys

import numpy as np

GAMMA = 1.005 / 0.995


def main() -> None:
    demo, out = sys.argv[1], sys.argv[2]
    shutil.copyfile(demo, out)
    con = sqlite3.connect(out)
    series = con.execute("SELECT DISTINCT environment, service FROM metric_points ORDER BY 1, 2").fetchall()
    start, end = con.execute("SELECT MIN(ts), MAX(ts) FROM metric_points").fetchone()
    start -= start % 60
    cur = con.execute(
        "INSERT INTO imports (path, sha256, format, rows_accepted, rows_rejected, imported_at) "
        "VALUES ('benchmark: dense latency', 'benchmark-dense-latency', 'alb-access-log', 0, 0, 0)")
    import_id = cur.lastrowid
    con.execute("DELETE FROM latency_minutes")  # the demo's thin probes: replaced by dense minutes
    rng = np.random.default_rng(20261005)
    minutes = np.arange(start, end + 60, 60, dtype=np.int64)
    log_gamma = math.log(GAMMA)
    total = 0
    for environment, service in series:
        rows = []
        counts = rng.poisson(100, size=len(minutes))
        for minute, n in zip(minutes.tolist(), counts.tolist()):
            ms = rng.lognormal(4.3, 0.6, size=n) + 1.0
            buckets, per = np.unique(np.ceil(np.log(ms) / log_gamma).astype(np.int64), return_counts=True)
            text = "{" + ",".join(f'"{b}":{c}' for b, c in zip(buckets.tolist(), per.tolist())) + "}"
            errors = int(rng.random() < 0.01)
            rows.append((environment, service, minute, import_id, 60, n, n, errors, float(ms.sum()),
                         float(ms.min()) if n else None, float(ms.max()) if n else None, text))
            total += n
        con.executemany(
            "INSERT INTO latency_minutes (environment, service, minute, import_id, period_s, request_count, timed_count, "
            "error_5xx, sum_ms, min_ms, max_ms, buckets) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("UPDATE imports SET rows_accepted = ? WHERE id = ?", (total, import_id))
    con.commit()
    n = con.execute("SELECT COUNT(*) FROM latency_minutes").fetchone()[0]
    print(f"{len(series)} series, {(end - start) / 86400:.1f} days, {n} latency minutes, {total} requests")
    con.close()


if __name__ == "__main__":
    main()
