#!/usr/bin/env python3
"""Runs one peer import of a JTL file, for the benchmark: duckdb read_csv into a table."""
import sys

import duckdb

src, db = sys.argv[1], sys.argv[2]
con = duckdb.connect(db)
con.execute(f"CREATE TABLE jtl AS SELECT * FROM read_csv('{src}', header = true)")
print(con.execute("SELECT count(*) FROM jtl").fetchone()[0])
con.close()
