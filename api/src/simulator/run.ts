/**
 * `npm run simulate` — the demo simulator against a running Minqing (start it
 * first with `npm start`). Options:
 *
 *   --url http://localhost:8080   the server (or SIMULATOR_URL, else localhost on PORT; both
 *                                 read as the server reads them: the environment over .env)
 *   --workers 150                 grid workers on patrol, or "all" (1,558 in the demo)
 *   --interval 30                 seconds between a worker's position reports
 *   --cases-per-minute 2          new requests per minute
 *   --no-progress                 leave cases where they are (no accept/start/resolve)
 *   --minutes 0                   stop after so many minutes (0: run until Ctrl-C)
 *   --seed 500101                 the same seed walks the same routes
 */
import { parseArgs } from 'node:util';
import { readEnvironment, settingValue } from '@minqing/db/environment';
import { DEFAULT_SIMULATOR_OPTIONS, Simulator } from './simulator.ts';

function fail(message: string): never {
  console.error(
    `simulate: ${message}\nUsage: npm run simulate -- [--url URL] [--workers N|all] [--interval S] [--cases-per-minute N] [--no-progress] [--minutes M] [--seed N]`,
  );
  process.exit(2);
}

function positiveNumber(name: string, text: string | undefined, fallback: number, allowZero = false): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    fail(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number (got ${text})`);
  return value;
}

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    workers: { type: 'string' },
    interval: { type: 'string' },
    'cases-per-minute': { type: 'string' },
    'no-progress': { type: 'boolean' },
    minutes: { type: 'string' },
    seed: { type: 'string' },
  },
  strict: true,
});

const environment = readEnvironment();
const url = (
  values.url ??
  settingValue(environment, 'SIMULATOR_URL') ??
  `http://localhost:${settingValue(environment, 'PORT') ?? 8080}`
).replace(/\/$/, '');
const workers =
  values.workers === 'all'
    ? 'all'
    : Math.round(positiveNumber('workers', values.workers, DEFAULT_SIMULATOR_OPTIONS.workers as number));
const simulator = new Simulator({
  ...DEFAULT_SIMULATOR_OPTIONS,
  url,
  workers,
  intervalSeconds: positiveNumber('interval', values.interval, DEFAULT_SIMULATOR_OPTIONS.intervalSeconds),
  casesPerMinute: positiveNumber('cases-per-minute', values['cases-per-minute'], DEFAULT_SIMULATOR_OPTIONS.casesPerMinute, true),
  progressCases: !values['no-progress'],
  seed: Math.round(positiveNumber('seed', values.seed, DEFAULT_SIMULATOR_OPTIONS.seed)),
});
const minutes = positiveNumber('minutes', values.minutes, 0, true);

try {
  const health = await fetch(`${url}/api/health`);
  if (!health.ok) fail(`${url} is not ready (health answered ${health.status}); start it with npm start and wait for it`);
} catch (error) {
  fail(`cannot reach ${url} (${error instanceof Error ? error.message : String(error)}); start it with npm start first`);
}

console.log(`simulate: ${url}; open ${url}/wall (sign in as wall / minqing2026) to watch. Ctrl-C stops.`);
await simulator.start();
const report = setInterval(() => {
  const { workers: count, positions, positionsFlagged, cases, actions, errors } = simulator.statistics;
  console.log(
    `simulate: ${count} workers · ${positions} positions (${positionsFlagged} flagged) · ${cases} cases · ${actions} actions · ${errors} errors`,
  );
}, 60_000);
const stop = () => {
  simulator.stop();
  clearInterval(report);
  console.log('simulate: stopped');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (minutes > 0) setTimeout(stop, minutes * 60_000);
