#!/usr/bin/env python3
"""Writes a deterministic JMeter JTL (default 17 columns) with N samples, for the import benchmark.

Usage: make_jtl.py N OUT.csv   (about 126 bytes a sample: 10M samples ~ 1.26 GB)
The content depends only on N, so every run of the benchmark measures the same bytes.
"""
import random
import sys

HEADER = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n"
LABELS = ["web GET /api/v2/projects", "web-ingestion POST /ingest/events", "web-iso GET /iso/render"]
URLS = ["http://web/projects", "http://ingest/events", "http://iso/render"]


def main() -> None:
    n = int(sys.argv[1])
    out = sys.argv[2]
    rng = random.Random(20261005)
    start = 1_760_000_000_000  # 2025-10-09, epoch ms
    step = 24 * 3600 * 1000 // max(1, n)  # a 24-hour load test
    chunk = []
    with open(out, "w", buffering=1 << 22) as f:
        f.write(HEADER)
        for i in range(n):
            elapsed = int(rng.lognormvariate(4.3, 0.6)) + 1
            label = LABELS[i % 3]
            ok = rng.random() > 0.002
            code, msg = ("200", "OK") if ok else ("503", "Service Unavailable")
            thread = f"Thread Group 1-{i % 64 + 1}"
            chunk.append(
                f"{start + i * step},{elapsed},{label},{code},{msg},{thread},text,{'true' if ok else 'false'},,"
                f"{1200 + i % 900},{310 + i % 40},64,64,{URLS[i % 3]},{max(1, elapsed - 3)},0,{i % 3}\n"
            )
            if len(chunk) >= 100_000:
                f.write("".join(chunk))
                chunk.clear()
        f.write("".join(chunk))


if __name__ == "__main__":
    main()
