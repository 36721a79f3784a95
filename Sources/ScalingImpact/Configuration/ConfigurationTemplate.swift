extension Configuration {
    /// The commented `impact.toml` that `scaling-impact init` writes: the CPU-scaling rollout.
    ///
    /// It is also the configuration of the demo in `sample-data/`, so its change times match
    /// the sample data; edit them for your own rollout.
    public static let template: String = """
        # scaling-impact configuration: what changed, where and when, what it costs, what "good" means.
        # Times are UTC ("2026-10-13T10:00:00Z"). Windows are half-open [start, end).
        # Every value is checked on load; an error names the key, the value and what is allowed.

        [criteria]
        cost_budget_pct = 10          # a cost increase of 10% or more FAILs (the plan promised < 10%)
        cost_warn_margin_pct = 2      # ... and within 2 points of the budget WARNs
        task_band_pct = [5, 15]       # expected change of the mean running task count, in percent (WARN outside)
        latency_fail_pct = 5          # P95/P99 FAIL when worse by more than 5% (and significantly so)
        flapping_window_minutes = 15  # scale-in then scale-out (or the reverse) within this counts as a flap
        flaps_per_day_warn = 1        # WARN above this many flaps per day
        min_coverage_pct = 80         # a window with less of its time covered by data gives NO DATA
        before_days = 7               # default before window: the 7 days ending at the change
        after_offset_hours = 24       # the transition day after the change is left out
        after_days = 7                # default after window: 7 days starting 24 h after the change
        confidence_pct = 95           # confidence level of the bootstrap intervals and the 5xx Wilson intervals
        significance_confidence_pct = 98  # Mann-Whitney / Hodges-Lehmann classifier of hourly P95/P99 (as Kayenta's judge)
        significance_tolerance = 0.25 # ... High only when the interval's lower bound exceeds 0.25 x |estimate|
        cpu_target_pct = 70           # the scaling policy's CPU target; time above target + 10 points is reported
        cost_model_tolerance_pct = 5  # warn where billed and modelled cost differ by more (wrong prices or task sizes?)
        parallel_trends_tolerance_pct = 5  # control environments: pre-period difference that still counts as parallel
        bootstrap_resamples = 2000    # circular block bootstrap over hours: resamples per interval
        bootstrap_block_hours = 24    # ... and block length (a day keeps the daily cycle inside a block)

        # Environments in rollout order, each with its AWS region and the moment the change went live.
        # Optional explicit windows replace the defaults:
        #   before = ["2026-10-06T00:00:00Z", "2026-10-13T00:00:00Z"]
        #   after  = ["2026-10-14T10:00:00Z", "2026-10-21T10:00:00Z"]
        [[environments]]
        name = "staging"
        region = "us-east-1"
        change_at = "2026-10-13T10:00:00Z"

        [[environments]]
        name = "prod-eu"
        region = "eu-west-1"
        change_at = "2026-10-14T09:00:00Z"

        [[environments]]
        name = "prod-us"
        region = "us-east-1"
        change_at = "2026-10-15T15:00:00Z"

        [[environments]]
        name = "prod-hipaa"
        region = "us-east-2"
        change_at = "2026-10-16T15:00:00Z"

        # ECS services the change applied to: Fargate task size and auto scaling capacity.
        [[services]]
        name = "web"
        vcpu = 1
        memory_gb = 2
        min_capacity = 4
        max_capacity = 40

        [[services]]
        name = "web-ingestion"
        vcpu = 0.5
        memory_gb = 1
        min_capacity = 2
        max_capacity = 30

        [[services]]
        name = "web-iso"
        vcpu = 2
        memory_gb = 4
        min_capacity = 2
        max_capacity = 16

        # Fargate Linux/x86 on-demand prices per region, with the date they were read.
        # Used for the modelled cost (task-hours x task size x price); billed cost comes from CUR/FOCUS.
        [[prices]]
        region = "us-east-1"
        vcpu_hour_usd = 0.04048
        gb_hour_usd = 0.004445
        taken_on = "2026-10-01"
        source = "AWS Fargate pricing page"

        [[prices]]
        region = "eu-west-1"
        vcpu_hour_usd = 0.04048
        gb_hour_usd = 0.004445
        taken_on = "2026-10-01"
        source = "AWS Fargate pricing page"

        [[prices]]
        region = "us-east-2"
        vcpu_hour_usd = 0.04048
        gb_hour_usd = 0.004445
        taken_on = "2026-10-01"
        source = "AWS Fargate pricing page"

        # How names in the exports map to environment and service. Rules are tried in order; the
        # first match for each wins. field: cluster, service, target_group, load_balancer, label
        # or tag:<key>; pattern: a glob (* and ?). Without a matching rule, a name equal to an
        # environment or service above is used. Rows nothing maps are counted as unmapped.
        [[mapping]]
        field = "cluster"
        pattern = "staging*"
        environment = "staging"

        [[mapping]]
        field = "cluster"
        pattern = "prod-eu*"
        environment = "prod-eu"

        [[mapping]]
        field = "cluster"
        pattern = "prod-us*"
        environment = "prod-us"

        [[mapping]]
        field = "cluster"
        pattern = "prod-hipaa*"
        environment = "prod-hipaa"

        [[mapping]]
        field = "label"
        pattern = "web-ingestion *"
        service = "web-ingestion"

        [[mapping]]
        field = "label"
        pattern = "web-iso *"
        service = "web-iso"

        [[mapping]]
        field = "label"
        pattern = "web *"
        service = "web"

        [[mapping]]
        field = "target_group"
        pattern = "*-web-ingestion"
        service = "web-ingestion"

        [[mapping]]
        field = "target_group"
        pattern = "*-web-iso"
        service = "web-iso"

        [[mapping]]
        field = "target_group"
        pattern = "*-web"
        service = "web"

        """
}
