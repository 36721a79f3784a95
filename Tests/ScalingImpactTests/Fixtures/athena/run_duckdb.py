#!/usr/bin/env python3
"""Runs a query printed by `scaling-impact athena-sql ... --dialect duckdb` in DuckDB over a
table laid out as the Athena table AWS documents, and writes the result as Athena writes it
(CSV, quoted header, every value quoted, NULL as an empty unquoted field).

    run_duckdb.py alb  QUERY.sql OUT.csv LOG...   ALB access logs -> table alb_logs (with `day`)
    run_duckdb.py cur2 QUERY.sql OUT.csv CSV      CUR 2.0 CSV (JSON maps) -> table cur
    run_duckdb.py cur-legacy QUERY.sql OUT.csv CSV  legacy Athena CUR CSV -> table cur
    run_duckdb.py none QUERY.sql OUT.csv          no table

ALB lines are split as Athena's RegexSerDe does, with the regular expression of AWS's "Create the
table for ALB access logs" (and, for logs written before AWS added the classification and
trace-id fields, the same expression with those trailing fields optional, which is what the
guide's advice to drop the columns amounts to). A line neither matches has every column NULL.
Values convert as Hive converts them: an int or double column that does not parse is NULL.

Exit status 3 when the duckdb module is missing, so the caller can say so.
"""
import csv
import re
import sys

try:
    import duckdb
except ImportError:
    sys.stderr.write("the python3 module duckdb is not installed (python3 -m pip install duckdb)\n")
    sys.exit(3)

COLUMNS = [
    ("type", "VARCHAR"), ("time", "VARCHAR"), ("elb", "VARCHAR"), ("client_ip", "VARCHAR"), ("client_port", "INTEGER"),
    ("target_ip", "VARCHAR"), ("target_port", "INTEGER"), ("request_processing_time", "DOUBLE"),
    ("target_processing_time", "DOUBLE"), ("response_processing_time", "DOUBLE"), ("elb_status_code", "INTEGER"),
    ("target_status_code", "VARCHAR"), ("received_bytes", "BIGINT"), ("sent_bytes", "BIGINT"), ("request_verb", "VARCHAR"),
    ("request_url", "VARCHAR"), ("request_proto", "VARCHAR"), ("user_agent", "VARCHAR"), ("ssl_cipher", "VARCHAR"),
    ("ssl_protocol", "VARCHAR"), ("target_group_arn", "VARCHAR"), ("trace_id", "VARCHAR"), ("domain_name", "VARCHAR"),
    ("chosen_cert_arn", "VARCHAR"), ("matched_rule_priority", "VARCHAR"), ("request_creation_time", "VARCHAR"),
    ("actions_executed", "VARCHAR"), ("redirect_url", "VARCHAR"), ("lambda_error_reason", "VARCHAR"),
    ("target_port_list", "VARCHAR"), ("target_status_code_list", "VARCHAR"), ("classification", "VARCHAR"),
    ("classification_reason", "VARCHAR"), ("conn_trace_id", "VARCHAR"),
]

# AWS Athena user guide, "Create the table for ALB access logs" (input.regex).
HEAD = (r'([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*)[:-]([0-9]*) ([-.0-9]*) ([-.0-9]*) ([-.0-9]*) (|[-0-9]*) '
        r'(-|[-0-9]*) ([-0-9]*) ([-0-9]*) \"([^ ]*) (.*) (- |[^ ]*)\" \"([^\"]*)\" ([A-Z0-9-_]+) ([A-Za-z0-9.-]*) '
        r'([^ ]*) \"([^\"]*)\" \"([^\"]*)\" \"([^\"]*)\" ([-.0-9]*) ([^ ]*) \"([^\"]*)\" \"([^\"]*)\" \"([^ ]*)\"')
TAIL = r' \"([^\s]+?)\" \"([^\s]+)\" \"([^ ]*)\" \"([^ ]*)\" ?([^ ]*)?( .*)?'
AWS = re.compile(HEAD + TAIL)
OLDER = re.compile(HEAD + '(?:' + TAIL + ')?')


def convert(value, sql_type):
    if value is None:
        return None
    if sql_type in ("INTEGER", "BIGINT"):
        return int(value) if re.fullmatch(r"-?[0-9]+", value) else None
    if sql_type == "DOUBLE":
        try:
            return float(value)
        except ValueError:
            return None
    return value


def load_alb(con, paths, scratch):
    rows = []
    day = None
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.rstrip("\r\n")
                if not line.strip():
                    continue
                match = AWS.fullmatch(line) or OLDER.fullmatch(line)
                values = [None] * len(COLUMNS)
                if match:
                    groups = match.groups()[: len(COLUMNS)]
                    values = [convert(g, t) for g, (_, t) in zip(groups, COLUMNS)]
                    values += [None] * (len(COLUMNS) - len(values))
                    if values[1] and re.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", values[1]):
                        day = values[1][:10].replace("-", "/")
                rows.append(values + [day])
    # Through a CSV file: DuckDB inserts row by row from Python very slowly. NULL is an empty
    # unquoted field, every value is quoted (so an empty string stays one), doubles keep repr.
    with open(scratch, "w", encoding="utf-8", newline="") as f:
        for values in rows:
            cells = []
            for v in values:
                if v is None:
                    cells.append("")
                else:
                    text = repr(v) if isinstance(v, float) else str(v)
                    cells.append('"' + text.replace('"', '""') + '"')
            f.write(",".join(cells) + "\n")
    columns = ", ".join(f"'{n}': '{t}'" for n, t in COLUMNS + [("day", "VARCHAR")])
    con.execute(
        f"CREATE TABLE alb_logs AS SELECT * FROM read_csv('{scratch}', header = false, quote = '\"', escape = '\"', "
        f"allow_quoted_nulls = false, columns = {{{columns}}})")


def load_cur(con, path, kind):
    con.execute(f"CREATE TABLE raw AS SELECT * FROM read_csv('{path}', all_varchar = true, header = true)")
    names = [r[0] for r in con.execute("DESCRIBE raw").fetchall()]
    select = []
    for name in names:
        q = f'"{name}"'
        if name.endswith("_date"):
            select.append(f"TRY_CAST(replace(replace({q}, 'T', ' '), 'Z', '') AS TIMESTAMP) AS {q}")
        elif name.endswith(("_cost", "_amount")):
            select.append(f"TRY_CAST({q} AS DOUBLE) AS {q}")
        elif kind == "cur2" and name in ("resource_tags", "product"):
            select.append(f"CAST(CAST(coalesce(nullif({q}, ''), '{{}}') AS JSON) AS MAP(VARCHAR, VARCHAR)) AS {q}")
        else:
            select.append(q)
    con.execute("CREATE TABLE cur AS SELECT " + ", ".join(select) + " FROM raw")


def write_result(con, sql, out):
    cursor = con.execute(sql)
    header = [d[0] for d in cursor.description]
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(",".join('"' + h + '"' for h in header) + "\n")
        for row in cursor.fetchall():
            cells = []
            for value in row:
                if value is None:
                    cells.append("")
                else:
                    text = repr(value) if isinstance(value, float) else str(value)
                    cells.append('"' + text.replace('"', '""') + '"')
            f.write(",".join(cells) + "\n")


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    kind, query, out, inputs = argv[1], argv[2], argv[3], argv[4:]
    if kind != "none" and not inputs:
        sys.stderr.write(__doc__)
        return 2
    con = duckdb.connect()
    if kind == "alb":
        load_alb(con, inputs, out + ".table.csv")
    elif kind in ("cur2", "cur-legacy"):
        load_cur(con, inputs[0], kind)
    elif kind == "none":
        pass
    else:
        sys.stderr.write(f"unknown table kind {kind}\n")
        return 2
    with open(query, encoding="utf-8") as f:
        write_result(con, f.read(), out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
