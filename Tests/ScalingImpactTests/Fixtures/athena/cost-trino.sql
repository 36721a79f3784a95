-- scaling-impact athena-sql cost (Trino / Amazon Athena)
-- Fargate usage and billed cost (line_item_net_unblended_cost; savings_plan_net_savings_plan_effective_cost for Savings Plan covered usage) of the CUR 2.0
-- table cur, per (environment, service, hour, usage kind), for the hours in
-- [2026-10-01T00:00:00Z, 2026-10-08T00:00:00Z). Save the result as CSV and import it:
--   scaling-impact import <result>.csv
WITH items AS (
  SELECT
    CAST(floor(to_unixtime(line_item_usage_start_date)) AS BIGINT) AS start_s,
    CAST(floor(to_unixtime(line_item_usage_end_date)) AS BIGINT) AS end_s,
    line_item_usage_type AS usage_type,
    coalesce(line_item_line_item_type, '') AS line_item_type,
    coalesce(nullif(line_item_product_code, ''), element_at(product, 'servicecode'), '') AS product_code,
    coalesce(line_item_resource_id, '') AS resource_id,
    coalesce(line_item_usage_amount, 0) AS amount,
    coalesce(line_item_net_unblended_cost, 0) AS cost,
    savings_plan_net_savings_plan_effective_cost AS effective_cost,
    coalesce(nullif(element_at(resource_tags, 'aws:ecs:clusterName'), ''), nullif(element_at(resource_tags, 'aws_ecs_cluster_name'), '')) AS tag_ecs_cluster,
    coalesce(nullif(element_at(resource_tags, 'aws:ecs:serviceName'), ''), nullif(element_at(resource_tags, 'aws_ecs_service_name'), '')) AS tag_ecs_service,
    coalesce(nullif(element_at(resource_tags, 'user_team'), ''), nullif(element_at(resource_tags, 'user:team'), ''), nullif(element_at(resource_tags, 'team'), '')) AS tag_1,
    coalesce(nullif(element_at(resource_tags, 'user_service'), ''), nullif(element_at(resource_tags, 'user:service'), ''), nullif(element_at(resource_tags, 'service'), '')) AS tag_2,
    resource_tags
  FROM cur
  WHERE line_item_usage_type LIKE '%Fargate%'
    AND line_item_usage_start_date < TIMESTAMP '2026-10-08 00:00:00'
    AND (line_item_usage_end_date > TIMESTAMP '2026-10-01 00:00:00' OR line_item_usage_start_date >= TIMESTAMP '2026-10-01 00:00:00')
    AND billing_period IN ('2026-10')
),
named AS (
  SELECT *,
    coalesce(tag_ecs_cluster, nullif(regexp_extract(resource_id, '^arn:aws[^:]*:ecs:[^:]*:[^:]*:(task|container-instance)/([^/]*)/[^/]*$', 2), ''), nullif(regexp_extract(resource_id, '^arn:aws[^:]*:ecs:[^:]*:[^:]*:task-set/([^/]*)/[^/]*/[^/]*$', 1), ''), nullif(regexp_extract(resource_id, '^arn:aws[^:]*:ecs:[^:]*:[^:]*:service/([^/]*)/[^/]*$', 1), ''), nullif(regexp_extract(resource_id, '^arn:aws[^:]*:ecs:[^:]*:[^:]*:cluster/([^/]*)$', 1), '')) AS cluster_name,
    coalesce(tag_ecs_service, nullif(regexp_extract(resource_id, '^arn:aws[^:]*:ecs:[^:]*:[^:]*:service/[^/]*/([^/]*)$', 1), ''), nullif(regexp_extract(resource_id, '^arn:aws[^:]*:ecs:[^:]*:[^:]*:service/([^/]*)$', 1), '')) AS service_name,
    start_s - (start_s % 3600) AS hour_s
  FROM items
),
classified AS (
  SELECT *,
    CASE
      WHEN usage_type LIKE '%EphemeralStorage%' THEN 'ephemeral_storage'
      WHEN usage_type LIKE '%vCPU-Hours%' THEN CASE WHEN usage_type LIKE '%-ARM-%' THEN 'arm_vcpu' ELSE 'vcpu' END
      WHEN usage_type LIKE '%GB-Hours%' THEN CASE WHEN usage_type LIKE '%-ARM-%' THEN 'arm_memory' ELSE 'memory' END
    END AS usage_kind,
    CASE
      WHEN line_item_type IN ('', 'Usage', 'DiscountedUsage') THEN 'usage'
      WHEN line_item_type = 'SavingsPlanCoveredUsage' THEN 'covered'
      WHEN line_item_type = 'SavingsPlanNegation' THEN 'negation'
    END AS role,
    CASE WHEN end_s > hour_s + 3600 THEN (end_s - hour_s + 3599) / (3600) ELSE 1 END AS hours,
    CASE
      WHEN cluster_name LIKE 'prod-us%' ESCAPE '\' THEN 'prod-us'
      WHEN cluster_name IN ('prod-eu', 'prod-us') THEN cluster_name
      WHEN service_name IN ('prod-eu', 'prod-us') THEN service_name
      WHEN tag_ecs_cluster IN ('prod-eu', 'prod-us') THEN tag_ecs_cluster
      WHEN tag_ecs_service IN ('prod-eu', 'prod-us') THEN tag_ecs_service
      WHEN tag_1 IN ('prod-eu', 'prod-us') THEN tag_1
      WHEN tag_2 IN ('prod-eu', 'prod-us') THEN tag_2
      WHEN element_at(array_intersect(map_values(resource_tags), ARRAY['prod-eu', 'prod-us']), 1) IN ('prod-eu', 'prod-us') THEN element_at(array_intersect(map_values(resource_tags), ARRAY['prod-eu', 'prod-us']), 1)
    END AS environment,
    CASE
      WHEN tag_1 = 'iso' THEN 'web-iso'
      WHEN service_name IN ('web', 'web-iso') THEN service_name
      WHEN tag_2 IN ('web', 'web-iso') THEN tag_2
    END AS service
  FROM named
),
outcomes AS (
  SELECT *,
    CASE
      WHEN usage_kind IS NULL OR role IS NULL OR product_code NOT IN ('', 'AmazonECS') THEN 'ignored'
      WHEN start_s IS NULL OR hours > 8928 THEN 'rejected'
      WHEN environment IS NULL OR service IS NULL THEN 'unmapped'
      ELSE 'ok'
    END AS outcome,
    CASE WHEN role = 'negation' THEN 0 ELSE amount END AS line_amount,
    CASE
      WHEN role = 'covered' AND effective_cost IS NOT NULL THEN effective_cost
      WHEN role = 'negation' THEN 0
      ELSE cost
    END AS line_cost
  FROM classified
),
hourly AS (
  SELECT o.*, h, hour_s + h * 3600 AS hour_start,
    CASE WHEN o.hours = 1 THEN o.line_amount ELSE o.line_amount * (CAST(1 AS DOUBLE) / o.hours) END AS hour_amount,
    CASE WHEN o.hours = 1 THEN o.line_cost ELSE o.line_cost * (CAST(1 AS DOUBLE) / o.hours) END AS hour_cost
  FROM outcomes o
  CROSS JOIN UNNEST(sequence(0, (CASE WHEN o.outcome = 'ok' THEN o.hours ELSE 1 END) - 1)) AS series(h)
)
SELECT
  outcome,
  CASE WHEN outcome = 'ok' THEN environment END AS environment,
  CASE WHEN outcome = 'ok' THEN service END AS service,
  CASE WHEN outcome = 'ok' THEN date_format(from_unixtime(hour_start), '%Y-%m-%dT%H:%i:%sZ') END AS period_start,
  CASE WHEN outcome = 'ok' THEN usage_kind END AS usage_kind,
  sum(CASE WHEN outcome = 'ok' THEN hour_amount END) AS usage_amount,
  sum(CASE WHEN outcome = 'ok' THEN hour_cost END) AS billed_cost_usd,
  sum(CASE WHEN h = 0 OR hour_start = 1790812800 THEN 1 ELSE 0 END) AS line_items,
  CASE WHEN outcome = 'unmapped' THEN cluster_name END AS cluster,
  CASE WHEN outcome = 'unmapped' THEN service_name END AS ecs_service,
  'line_item_net_unblended_cost; savings_plan_net_savings_plan_effective_cost for Savings Plan covered usage' AS cost_column
FROM hourly
WHERE hour_start >= 1790812800 AND hour_start < 1791417600
GROUP BY 1, 2, 3, 4, 5, 9, 10
ORDER BY 1, 2, 3, 4, 5, 9, 10
