import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { withConnection } from '../src/db/client.js';
import { addAdminAccount } from '../src/web/admin/accounts.js';
import { buildWeb } from '../src/web/server.js';
import { postLogin } from '../test/support/console.js';
import { freshDatabase, SHIPPED_SOPS_DIR, startBenchApp } from './harness.js';

export interface ConsoleBenchOptions {
  /** Cases to seed; each gets `stepsPerCase` step instances. Default 100,000 × 10. */
  readonly cases: number;
  readonly stepsPerCase: number;
  /** Requests per measured page (p95 over them). */
  readonly requests: number;
}

export interface Timing {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export interface ConsoleBench {
  readonly cases: number;
  readonly steps: number;
  readonly events: number;
  readonly seedMs: number;
  readonly firstPage: Timing;
  readonly filteredPage: Timing;
  readonly searchPage: Timing;
  readonly deepPage: Timing;
  /** The annual report page: the first request (fills nothing: working_ms is seeded) and warm ones. */
  readonly annualFirstMs: number;
  readonly annual: Timing;
  readonly casePage: Timing;
  readonly csv: {
    rows: number;
    bytes: number;
    ms: number;
    rssBeforeMb: number;
    rssPeakMb: number;
    /** The live JS heap (after a full collection): what the export itself holds. */
    heapBeforeMb: number;
    heapPeakMb: number;
  };
}

const UNITS = ['ortala', 'unit-1', 'unit-2', 'unit-3', 'unit-4'];
const OFFICIALS = 40;
const STAKEHOLDERS = 20_000;
/** SIPUT SMS steps a case passes, in order; the seeded cases walk this list. */
const PATH = ['4', '5b', '6', '7', '8', '9', '10', '11', '4', '5a'];

function timing(values: number[]): Timing {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 };
}

/**
 * Seeds cases and step instances in SQL (generate_series: one statement per table, no round trip
 * per row): a year of cases in 2025, 90 % closed, spread over five units, forty officials and
 * three channels; every step left has its working time, as the service now records it.
 */
export async function seedConsoleData(
  url: string,
  n: number,
  steps: number,
  sopVersion: number,
): Promise<{ events: number }> {
  return withConnection(url, async (sql) => {
    await sql.query(`
insert into units (id, name) select u, 'Unit ' || u from unnest(array[${UNITS.map((u) => `'${u}'`).join(',')}]) u
  on conflict do nothing;
insert into officials (id, nip, name, role_id, unit_id)
  select 'off-' || g, 'nip-bench-' || g, 'Pejabat ' || g,
    (array['staf-pelaksana','kasubag-tl','kabag-ortala','karo-pok'])[1 + g % 4],
    (array[${UNITS.map((u) => `'${u}'`).join(',')}])[1 + g % ${UNITS.length}]
  from generate_series(1, ${OFFICIALS}) g;
insert into stakeholders (id, name, email, consent_version, consent_at)
  select 'st-' || g, 'Pelapor ' || g, 'p' || g || '@contoh.go.id', 'pdp-2026-1', now()
  from generate_series(1, ${STAKEHOLDERS}) g;`);
    const opened = `timestamptz '2025-01-01 01:00+00' + (g * (interval '364 days' / ${n}))`;
    await sql.query(`
insert into cases (id, ticket, sop_id, sop_version, unit_id, stakeholder_id, category, subject, body, channel,
  status, outcome, opened_at, closed_at, step_seq, path, holders, open_instance_id, status_secret)
select 'c-' || g, 'SMS-2025-' || lpad(g::text, 6, '0'), 'siput-sms', ${sopVersion},
  (array[${UNITS.map((u) => `'${u}'`).join(',')}])[1 + (g / 3) % ${UNITS.length}],
  'st-' || (1 + g % ${STAKEHOLDERS}),
  (array['keluhan','saran','masukan'])[1 + g % 3],
  case when g % 4 = 0 then 'Dokumen SOP nomor ' || g end,
  'Isi keluhan nomor ' || g || ' tentang layanan publik yang perlu diperbaiki segera.',
  (array['web','telegram','whatsapp'])[1 + g % 3],
  case when g % 10 = 0 then 'open' else 'closed' end,
  case when g % 10 = 0 then null else 'selesai' end,
  ${opened},
  case when g % 10 = 0 then null else ${opened} + interval '${steps} days' end,
  ${steps}, '["4"]'::jsonb, '{}'::jsonb,
  case when g % 10 = 0 then 'c-' || g || '_${steps}' end, md5(g::text)
from generate_series(1, ${n}) g;`);
    // Step k of case g: entered k-1 days after filing, left up to three days later (working time
    // seeded up to 24 working hours), due two days after entering. Open cases have their last step open.
    await sql.query(`
insert into step_instances (id, case_id, seq, step_id, assignee_id, entered_at, due_at, left_at, outcome, actor_id, working_ms)
select 'c-' || g || '_' || k, 'c-' || g, k, (array[${PATH.map((p) => `'${p}'`).join(',')}])[1 + (k - 1) % ${PATH.length}],
  'off-' || (1 + (g + k) % ${OFFICIALS}),
  ${opened} + (k - 1) * interval '1 day',
  ${opened} + (k - 1) * interval '1 day' + case when g % 10 = 0 and k = ${steps} and g % 20 = 0
    then interval '800 days' else interval '2 days' end,
  case when g % 10 = 0 and k = ${steps} then null
    else ${opened} + (k - 1) * interval '1 day' + ((g * k) % 72) * interval '1 hour' end,
  case when g % 10 = 0 and k = ${steps} then null else 'teruskan' end,
  case when g % 10 = 0 and k = ${steps} then null else 'off-' || (1 + (g + k) % ${OFFICIALS}) end,
  case when g % 10 = 0 and k = ${steps} then null else ((g::bigint * k * 7919) % (24 * 3600000)) end
from generate_series(1, ${n}) g cross join generate_series(1, ${steps}) k;`);
    // The engine's trail: one event a step, and a return on every seventh case.
    await sql.query(`
insert into case_events (case_id, at, kind, actor, instance_id, step_id, target)
select 'c-' || g, ${opened} + (k - 1) * interval '1 day',
  case when k = 3 and g % 7 = 0 then 'returned' else 'entered' end, 'system',
  'c-' || g || '_' || k, (array[${PATH.map((p) => `'${p}'`).join(',')}])[1 + (k - 1) % ${PATH.length}],
  'off-' || (1 + (g + k) % ${OFFICIALS})
from generate_series(1, ${n}) g cross join generate_series(1, ${steps}) k;`);
    // Settle the tables as a running service's would be: statistics, and visibility maps for
    // index-only scans, so autovacuum does not run on the two CPUs while the bench measures.
    for (const table of ['cases', 'step_instances', 'case_events', 'stakeholders', 'officials']) {
      await sql.query(`vacuum (analyze) ${table}`);
    }
    const { rows } = await sql.query<{ n: number }>('select count(*)::int as n from case_events');
    return { events: rows[0]?.n ?? 0 };
  });
}

/**
 * The console at scale: the tracking table's first page, a filtered page, a search and a deep page
 * (p95 over `requests` each, through fastify.inject with a signed-in session), the annual report,
 * a case page, and the CSV export of every case streamed over a real socket while the process's
 * RSS is sampled.
 */
export async function measureConsole(opts: ConsoleBenchOptions): Promise<ConsoleBench> {
  const database = await freshDatabase();
  try {
    const bench = await startBenchApp(database, { sopsDir: SHIPPED_SOPS_DIR });
    try {
      const { app } = bench;
      const seedStarted = performance.now();
      // On the version the app registered, as every real case is: a version it does not know is
      // looked up in the database for each row shown (0.9 ms a row of the CSV export).
      const sop = await app.sops.active('siput-sms');
      if (!sop) throw new Error('the shipped SOP siput-sms is not registered');
      const { events } = await seedConsoleData(database.url, opts.cases, opts.stepsPerCase, sop.version);
      const seedMs = performance.now() - seedStarted;

      const web = await buildWeb(app);
      await web.listen({ port: 0, host: '127.0.0.1' });
      try {
        await addAdminAccount(app.database.db, {
          username: 'bench',
          name: 'Bench',
          password: 'kata-sandi-bench-123',
          role: 'admin',
        });
        const login = await postLogin(web, { username: 'bench', password: 'kata-sandi-bench-123' });
        const session = login.cookies.find((c) => c.name === 'siput_admin');
        if (!session) throw new Error(`bench sign-in failed: ${login.statusCode}`);
        const cookie = `siput_admin=${session.value}`;

        const measure = async (url: string, times: number, expect = 200): Promise<Timing> => {
          const values: number[] = [];
          for (let i = 0; i < times + 2; i++) {
            const t = performance.now();
            const res = await web.inject({ method: 'GET', url, headers: { cookie } });
            const ms = performance.now() - t;
            if (res.statusCode !== expect) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
            if (i >= 2) values.push(ms); // two warm-up requests
          }
          return timing(values);
        };

        // A case in the middle of the year, still open (every tenth is).
        const middle = `SMS-2025-${String(Math.floor(opts.cases / 20) * 10).padStart(6, '0')}`;
        const firstPage = await measure('/admin/tracking', opts.requests);
        const filteredPage = await measure(
          '/admin/tracking?sop=siput-sms&status=open&unit=unit-1&overdue=1&sort=due&dir=asc',
          opts.requests,
        );
        const searchPage = await measure(`/admin/tracking?q=${middle}`, opts.requests);
        const deepPage = await measure(`/admin/tracking?page=${Math.floor(opts.cases / 100)}&size=50`, opts.requests);
        const casePage = await measure(`/admin/cases/${middle}`, opts.requests);

        // One request alone: measure() sends two warm-up requests first, which timed two reports here.
        let t = performance.now();
        const first = await web.inject({
          method: 'GET',
          url: '/admin/reports?period=year&year=2025',
          headers: { cookie },
        });
        const annualFirstMs = performance.now() - t;
        if (first.statusCode !== 200) throw new Error(`annual report: ${first.statusCode}`);
        const annual = await measure('/admin/reports?period=year&year=2025', 3);

        // The export over a socket, read and dropped as it comes, so only the server's memory counts.
        // The live heap is read right after a full collection (every 250 ms), so garbage V8 has not
        // yet collected does not count: what remains is what the export holds.
        v8.setFlagsFromString('--expose-gc');
        const gc = runInNewContext('gc') as () => void;
        gc();
        const before = process.memoryUsage();
        let rssPeak = before.rss;
        let heapPeak = before.heapUsed;
        let ticks = 0;
        const sampler = setInterval(() => {
          ticks += 1;
          if (ticks % 12 === 0) {
            gc();
            heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
          }
          rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        }, 20);
        t = performance.now();
        const { bytes, rows } = await new Promise<{ bytes: number; rows: number }>((resolve, reject) => {
          const port = (web.server.address() as AddressInfo).port;
          get({ host: '127.0.0.1', port, path: '/admin/tracking/export.csv', headers: { cookie } }, (res) => {
            if (res.statusCode !== 200) reject(new Error(`CSV export: ${res.statusCode}`));
            let total = 0;
            let lines = 0;
            res.on('data', (chunk: Buffer) => {
              total += chunk.length;
              for (const byte of chunk) if (byte === 10) lines++;
            });
            res.on('end', () => resolve({ bytes: total, rows: lines - 1 }));
            res.on('error', reject);
          }).on('error', reject);
        });
        const csvMs = performance.now() - t;
        clearInterval(sampler);
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);

        return {
          cases: opts.cases,
          steps: opts.cases * opts.stepsPerCase,
          events,
          seedMs,
          firstPage,
          filteredPage,
          searchPage,
          deepPage,
          annualFirstMs,
          annual,
          casePage,
          csv: {
            rows,
            bytes,
            ms: csvMs,
            rssBeforeMb: before.rss / 1024 / 1024,
            rssPeakMb: rssPeak / 1024 / 1024,
            heapBeforeMb: before.heapUsed / 1024 / 1024,
            heapPeakMb: heapPeak / 1024 / 1024,
          },
        };
      } finally {
        await web.close();
      }
    } finally {
      await bench.close();
    }
  } finally {
    await database.close();
  }
}
