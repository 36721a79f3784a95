-- scaling-impact athena-sql latency (Trino / Amazon Athena)
-- ALB access logs of table alb_logs (columns as AWS documents them) with `time` in
-- [2026-10-01T00:00:00Z, 2026-10-08T00:00:00Z), reduced per hour to the latency
-- histograms the local importer stores. Save the result as CSV and import it:
--   scaling-impact import <result>.csv
WITH lines AS (
  SELECT
    "time", elb, target_group_arn, elb_status_code, target_status_code,
    CASE WHEN abs(request_processing_time) < 1000000000000 THEN CAST(round(request_processing_time * 1000000) AS BIGINT) END AS request_us,
    CASE WHEN abs(target_processing_time) < 1000000000000 THEN CAST(round(target_processing_time * 1000000) AS BIGINT) END AS target_us,
    CASE WHEN abs(response_processing_time) < 1000000000000 THEN CAST(round(response_processing_time * 1000000) AS BIGINT) END AS response_us
  FROM alb_logs
  WHERE (("time" >= '2026-10-01T00:00:00' AND "time" < '2026-10-08T00:00:00') OR "time" IS NULL)
    AND "day" BETWEEN '2026/09/30' AND '2026/10/08'
),
named AS (
  SELECT *,
    CASE WHEN strpos(elb, '/') > 0 AND length(elb) - strpos(reverse(elb), '/') + 1 > strpos(elb, '/')
         THEN substr(elb, strpos(elb, '/') + 1, length(elb) - strpos(reverse(elb), '/') + 1 - strpos(elb, '/') - 1)
         ELSE elb END AS load_balancer,
    CASE WHEN target_group_arn <> '-'
         THEN regexp_extract(target_group_arn, '^arn:(.*:)?targetgroup/([^/:]*)(/[^:]*)?$', 2) END AS target_group
  FROM lines
),
mapped AS (
  SELECT *,
    CASE
      WHEN load_balancer LIKE 'prod-eu-%' ESCAPE '\' THEN 'prod-eu'
      WHEN load_balancer IN ('prod-eu', 'prod-us') THEN load_balancer
      WHEN target_group IN ('prod-eu', 'prod-us') THEN target_group
    END AS environment,
    CASE
      WHEN target_group LIKE '%-web' ESCAPE '\' THEN 'web'
      WHEN target_group LIKE 'o''brien\_50\%_' ESCAPE '\' THEN 'web-iso'
    END AS service
  FROM named
),
classified AS (
  SELECT *,
    CASE
      WHEN "time" IS NULL THEN 'unparsed'
      WHEN NOT regexp_like("time", '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?Z$')
        OR request_us IS NULL OR (request_us < 0 AND request_us <> -1000000) OR target_us IS NULL OR (target_us < 0 AND target_us <> -1000000) OR response_us IS NULL OR (response_us < 0 AND response_us <> -1000000)
        OR (elb_status_code IS NOT NULL AND (elb_status_code < 100 OR elb_status_code > 999))
        OR target_status_code IS NULL
        OR (target_status_code <> '-' AND NOT regexp_like(target_status_code, '^[1-9][0-9][0-9]$'))
        OR target_group_arn IS NULL OR (target_group_arn <> '-' AND target_group IS NULL)
        THEN 'rejected'
      WHEN environment IS NULL OR service IS NULL THEN 'unmapped'
      ELSE 'ok'
    END AS outcome
  FROM mapped
),
measured AS (
  SELECT outcome, environment, service, "time", load_balancer, target_group,
    CASE WHEN outcome = 'ok' AND request_us <> -1000000 AND target_us <> -1000000
              AND response_us <> -1000000
         THEN request_us + target_us + response_us END AS latency_us,
    CASE WHEN outcome = 'ok' AND (
           ((request_us = -1000000 OR target_us = -1000000 OR response_us = -1000000)
             AND NOT coalesce(elb_status_code < 400, FALSE))
           OR coalesce(elb_status_code >= 500, FALSE)
           OR (target_status_code <> '-' AND target_status_code >= '500'))
         THEN 1 ELSE 0 END AS is_error
  FROM classified
)
SELECT
  outcome,
  CASE WHEN outcome = 'ok' THEN environment END AS environment,
  CASE WHEN outcome = 'ok' THEN service END AS service,
  CASE WHEN outcome = 'ok' THEN substr("time", 1, 13) || ':00:00Z' END AS period_start,
  3600 AS period_s,
  CASE WHEN latency_us IS NOT NULL THEN
    CASE WHEN CAST(latency_us AS DOUBLE) / 1000 <= CAST('0.001' AS DOUBLE) THEN -1000000
       ELSE CAST(ceil(ln(CAST(latency_us AS DOUBLE) / 1000) / CAST('0.010000083334583179' AS DOUBLE)) AS BIGINT) END
  END AS bucket,
  count(*) AS requests,
  sum(is_error) AS errors_5xx,
  sum(latency_us) AS latency_sum_us,
  min(latency_us) AS latency_min_us,
  max(latency_us) AS latency_max_us,
  CASE WHEN outcome = 'unmapped' THEN load_balancer END AS load_balancer,
  CASE WHEN outcome = 'unmapped' THEN target_group END AS target_group
FROM measured
GROUP BY 1, 2, 3, 4, 6, 12, 13
ORDER BY 1, 2, 3, 4, 6 NULLS FIRST, 12, 13
