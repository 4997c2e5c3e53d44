import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { queryRows } from '../src/db/index.js';
import { BUCKET } from '../src/web/admin/report-figures.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;

beforeAll(async () => {
  database = await freshDatabase();
  await database.db.execute(sql`insert into units (id, name) values ('ortala', 'Ortala')`);
  await database.db.execute(sql`insert into cases (id, ticket, sop_id, sop_version, unit_id, status, opened_at, step_seq, path)
values ('c-1', 'SMS-2026-000001', 'siput-sms', 1, 'ortala', 'closed', now(), 3000, '[]'::jsonb)`);
  // 3,000 visits, each with its own working time (0 to 2,999 s): 50 one-minute buckets.
  await database.db.execute(sql`insert into step_instances (id, case_id, seq, step_id, entered_at, due_at, left_at, working_ms)
select 'c-1_' || k, 'c-1', k, '4', now(), now(), now(), k * 1000 from generate_series(0, 2999) k`);
  await database.db.execute(sql`analyze step_instances`);
});

afterAll(async () => {
  await database?.close();
});

describe('the reports’ working-time buckets', () => {
  it('have statistics of their own, so the planner expects a group per bucket rather than per visit', async () => {
    const [plan] = await queryRows<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
      database.db,
      sql`explain (format json) select ${BUCKET} as b, count(*) from step_instances s group by 1`,
    );
    expect(plan?.['QUERY PLAN'][0].Plan['Plan Rows']).toBe(50);
  });
});
