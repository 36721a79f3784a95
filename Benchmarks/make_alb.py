#!/usr/bin/env python3
"""Writes deterministic ALB access logs (.log.gz, as AWS writes them every 5 minutes per node).

Usage: make_alb.py LINES OUTDIR   (files of about 50,000 lines each)
"""
import gzip
import os
import random
import sys
import time as _t

TGS = [("prod-eu-web", "web"), ("prod-eu-web-ingestion", "ingest"), ("prod-eu-web-iso", "iso")]


def main() -> None:
    total = int(sys.argv[1])
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20261005)
    per_file = 50_000
    t0 = 1_760_000_000.0
    n = 0
    part = 0
    while n < total:
        lines = []
        for _ in range(min(per_file, total - n)):
            t = t0 + n * 0.02
            tg, path = TGS[n % 3]
            req = rng.lognormvariate(-5.5, 0.4)
            tgt = rng.lognormvariate(-2.9, 0.6)
            resp = rng.lognormvariate(-9.0, 0.3)
            code = 200 if rng.random() > 0.003 else 503
            secs = int(t)
            frac = int((t - secs) * 1e6)
            stamp = _t.strftime("%Y-%m-%dT%H:%M:%S", _t.gmtime(secs)) + f".{frac:06d}Z"
            lines.append(
                f'https {stamp} app/prod-eu-alb/50dc6c495c0c9188 10.{n % 200}.{n % 50}.{n % 250}:{40000 + n % 20000} '
                f'10.0.{n % 3}.{10 + n % 40}:8080 {req:.3f} {tgt:.3f} {resp:.3f} {code} {code} {300 + n % 500} {2000 + n % 9000} '
                f'"GET https://app.example.com:443/{path}/items?id={n % 9973}&user={n % 777} HTTP/1.1" "Mozilla/5.0 (X11; Linux x86_64)" '
                f'ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/{tg}/73e2d6bc24d8a067 '
                f'"Root=1-58337262-36d228ad5d99923122bbe354" "app.example.com" "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" '
                f'0 {stamp} "forward" "-" "-" "10.0.{n % 3}.{10 + n % 40}:8080" "{code}" "-" "-" TID_{n:08x}\n'
            )
            n += 1
        name = f"123456789012_elasticloadbalancing_eu-west-1_app.prod-eu-alb.50dc6c495c0c9188_{part:05d}.log.gz"
        with gzip.open(os.path.join(out, name), "wt", compresslevel=6) as f:
            f.writelines(lines)
        part += 1


if __name__ == "__main__":
    main()
