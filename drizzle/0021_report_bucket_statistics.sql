-- The reports group a period's step visits by working-time bucket (BUCKET in
-- src/web/admin/report-figures.ts, which this expression must equal). Without statistics on it
-- Postgres guesses a group per row, a million groups for a year, and aggregates in one process;
-- knowing there are a few hundred buckets it aggregates in parallel workers.
CREATE STATISTICS "step_instances_working_bucket" ON (
  case when working_ms < 7200000 then working_ms / 60000
  when working_ms < 86400000 then 120 + (working_ms - 7200000) / 600000
  else 252 + (working_ms - 86400000) / 3600000 end
) FROM "step_instances";
