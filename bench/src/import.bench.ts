/**
 * `pnpm bench import`: bring your own district at county size — a generated
 * city of 2,000 neighbourhoods in 20 streets (2,021 polygons, one GeoJSON
 * file) and a household register of 100,000 rows (one CSV file), imported
 * through the HTTP API (app.request, no port) as the wizard does it: upload
 * streamed from disk, check, commit; first the jurisdiction, then the
 * register. Target (issue 7): under 60 s for both on this machine.
 *
 * In a database of its own (minqing_bench_import on the bench server,
 * migrated, no demo; dropped afterwards unless BENCH_KEEP=1). Prints the time
 * of each step and the memory of this process (peak resident set and heap,
 * sampled every 50 ms) next to the size of the files: streaming keeps memory
 * well below what loading the files whole would take.
 * BENCH_IMPORT_HOUSEHOLDS and BENCH_IMPORT_ROWS × BENCH_IMPORT_COLUMNS change the sizes.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createApp, createLogger, loadConfig, Readiness } from '@minqing/api';
import { openDatabase, prepareDatabase, sql } from '@minqing/db';
import { cityGeoJson, generateCity, householdRegister } from '../../db/src/import/generated-city.ts';
import { replaceSetupCode } from '../../api/src/import/import-access.ts';
import { benchDatabaseUrl, dropDatabase, ensureDatabaseExists, printable, withDatabaseName } from './support/database.ts';
import { describeMachine, watchMachine } from './support/machine.ts';
import { table, writeResults } from './support/results.ts';

const HOUSEHOLDS = Number(process.env.BENCH_IMPORT_HOUSEHOLDS ?? 100_000);
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 40);
const COLUMNS = Number(process.env.BENCH_IMPORT_COLUMNS ?? 50);
const IMPORT_DATABASE = 'minqing_bench_import';
const TARGET_SECONDS = 60;

/** Peak memory of this process while `work` runs, sampled every 50 ms. */
async function measured<T>(
  work: () => Promise<T>,
): Promise<{ value: T; seconds: number; peakRssMiB: number; peakHeapMiB: number }> {
  let peakRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 50);
  const started = performance.now();
  try {
    const value = await work();
    return {
      value,
      seconds: (performance.now() - started) / 1000,
      peakRssMiB: Math.round(peakRss / 1024 / 1024),
      peakHeapMiB: Math.round(peakHeap / 1024 / 1024),
    };
  } finally {
    clearInterval(sampler);
  }
}

export async function importBench(): Promise<void> {
  const machine = watchMachine();
  const serverUrl = benchDatabaseUrl();
  const url = withDatabaseName(serverUrl, IMPORT_DATABASE);
  await dropDatabase(serverUrl, IMPORT_DATABASE);
  await ensureDatabaseExists(url);
  console.log(`database ${printable(url)} (empty, migrated)`);
  const folder = mkdtempSync(join(tmpdir(), 'minqing-bench-import-'));
  const db = await openDatabase({ databaseUrl: url, connectionSettings: { jit: 'off' } });
  try {
    await prepareDatabase(db, { demo: false });
    const city = generateCity({ rows: ROWS, columns: COLUMNS, block: 10, cell: 0.005 });
    const boundariesFile = join(folder, 'city.geojson');
    writeFileSync(boundariesFile, cityGeoJson([city.district, ...city.towns, ...city.villages]));
    const registerFile = join(folder, 'households.csv');
    const out = createWriteStream(registerFile);
    for (const line of householdRegister(city, HOUSEHOLDS, 20)) {
      if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    out.end();
    await finished(out);
    const polygons = 1 + city.towns.length + city.villages.length;
    const sizes = {
      boundariesMiB: statSync(boundariesFile).size / 1024 / 1024,
      registerMiB: statSync(registerFile).size / 1024 / 1024,
    };
    console.log(
      `files: ${polygons.toLocaleString('en')} polygons (${sizes.boundariesMiB.toFixed(1)} MiB GeoJSON), ` +
        `${HOUSEHOLDS.toLocaleString('en')} household rows (${sizes.registerMiB.toFixed(1)} MiB CSV)`,
    );

    const state = new Readiness();
    state.markReady({ migrations: 0, demo: null });
    const app = createApp({ db, logger: createLogger('silent'), state, config: loadConfig({ LOG_LEVEL: 'silent' }) });
    const headers: Record<string, string> = { 'x-minqing-setup-code': await replaceSetupCode(db) };
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await app.request(path, {
        method,
        headers: { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const answer = (await response.json()) as Record<string, unknown>;
      if (response.status >= 300)
        throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer).slice(0, 500)}`);
      return answer;
    };
    const upload = async (sessionId: number, file: string, name: string) => {
      const response = await app.request(`/api/import/sessions/${sessionId}/files?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(statSync(file).size) },
        body: Readable.toWeb(createReadStream(file, { highWaterMark: 256 * 1024 })) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      if (response.status !== 200) throw new Error(`upload ${name}: ${response.status} ${await response.text()}`);
    };

    const steps: { step: string; seconds: number; peakRssMiB: number; peakHeapMiB: number; note: string }[] = [];
    const step = async <T>(name: string, work: () => Promise<T>, note: (value: T) => string) => {
      const result = await measured(work);
      steps.push({
        step: name,
        seconds: result.seconds,
        peakRssMiB: result.peakRssMiB,
        peakHeapMiB: result.peakHeapMiB,
        note: note(result.value),
      });
      console.log(`  ${name}: ${result.seconds.toFixed(2)} s`);
      return result.value;
    };

    const jurisdiction = (await call('POST', '/api/import/sessions', {
      kind: 'jurisdiction',
      administrator: { username: 'admin', password: 'bench-admin-2026' },
    })) as { id: number };
    await step(
      'jurisdiction: upload (stream, parse, stage)',
      () => upload(jurisdiction.id, boundariesFile, 'city.geojson'),
      () => `${polygons} features`,
    );
    const jurisdictionReport = await step(
      'jurisdiction: check',
      () =>
        call('POST', `/api/import/sessions/${jurisdiction.id}/check`, { files: { '1': { fields: { parentCode: 'PARENT' } } } }),
      (report) => `${String(report.errors)} errors, ${String(report.warnings)} warnings`,
    );
    if (jurisdictionReport.errors !== 0)
      throw new Error(`the generated city has errors: ${JSON.stringify(jurisdictionReport.problems).slice(0, 500)}`);
    await step(
      'jurisdiction: commit (checks again, writes)',
      () => call('POST', `/api/import/sessions/${jurisdiction.id}/commit`, {}),
      () => 'regions and units written',
    );

    const signIn = await app.request('/api/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'bench-admin-2026' }),
    });
    delete headers['x-minqing-setup-code'];
    headers.cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const households = (await call('POST', '/api/import/sessions', { kind: 'buildings' })) as { id: number };
    await step(
      'households: upload (stream, parse, stage)',
      () => upload(households.id, registerFile, 'households.csv'),
      () => `${HOUSEHOLDS} rows`,
    );
    const householdReport = await step(
      'households: check',
      () => call('POST', `/api/import/sessions/${households.id}/check`, {}),
      (report) => `${String(report.errors)} errors; ${((report.notes as string[]) ?? [])[0] ?? ''}`,
    );
    if (householdReport.errors !== 0)
      throw new Error(`the register has errors: ${JSON.stringify(householdReport.problems).slice(0, 500)}`);
    await step(
      'households: commit (checks again, writes, recounts)',
      () => call('POST', `/api/import/sessions/${households.id}/commit`, {}),
      () => 'buildings written',
    );

    const [written] = await db.query<{ regions: number; buildings: number; households: number }>(sql`
      select (select count(*) from region) as regions, (select count(*) from building) as buildings,
             (select coalesce(sum(households), 0) from building) as households`);
    const total = steps.reduce((sum, entry) => sum + entry.seconds, 0);
    console.log(
      table(
        ['step', 'seconds', 'peak RSS MiB', 'peak heap MiB', 'what'],
        [
          ...steps.map((entry) => [
            entry.step,
            entry.seconds.toFixed(2),
            String(entry.peakRssMiB),
            String(entry.peakHeapMiB),
            entry.note,
          ]),
          [
            'total',
            total.toFixed(2),
            String(Math.max(...steps.map((entry) => entry.peakRssMiB))),
            String(Math.max(...steps.map((entry) => entry.peakHeapMiB))),
            `target < ${TARGET_SECONDS} s`,
          ],
        ],
      ),
    );
    console.log(
      `written: ${written!.regions} regions, ${written!.buildings.toLocaleString('en')} buildings holding ${written!.households.toLocaleString('en')} households; ` +
        `total ${total.toFixed(1)} s (${total < TARGET_SECONDS ? 'under' : 'OVER'} the ${TARGET_SECONDS} s target)`,
    );
    const state2 = machine();
    console.log(`machine: ${describeMachine(state2)}`);
    console.log(
      `results: ${writeResults('import', { polygons, households: HOUSEHOLDS, sizes, steps, totalSeconds: total, written, machine: state2 })}`,
    );
  } finally {
    await db.close();
    rmSync(folder, { recursive: true, force: true });
    if (process.env.BENCH_KEEP !== '1') await dropDatabase(serverUrl, IMPORT_DATABASE);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await importBench();
