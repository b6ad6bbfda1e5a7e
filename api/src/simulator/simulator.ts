/**
 * The demo simulator: brings the map wall to life against a running Minqing,
 * through its public API only, as real devices and clerks would.
 *
 * - Grid workers (the demo's gw<grid code> accounts) sign in, patrol plausible
 *   routes inside their own grids (patrol-route.ts) and report their position
 *   every `intervalSeconds`, some phones in GCJ-02 as Chinese map SDKs give it.
 * - A steady trickle of requests in Chinese (case-templates.ts) comes in
 *   through the real intake: patrol reports by the workers themselves, the
 *   rest by the command center's dispatcher as hotline, liaison point,
 *   WeChat … requests, each placed inside a simulated grid.
 * - Handlers of the demo's units move some of their cases on (accept, start,
 *   resolve), so the wall recolours as it would on a working day.
 */
import { fromWgs84 } from '@minqing/shared';
import { draftCase } from './case-templates.ts';
import { PatrolWalk, randomPointInside, seededRandom, type MultiPolygonCoordinates, type Random } from './patrol-route.ts';

export interface SimulatorOptions {
  /** The running server, e.g. http://localhost:8080. */
  url: string;
  /** How many grid workers patrol (taken across the district); 'all' for every one. */
  workers: number | 'all';
  /** Only workers of these grids (e.g. a test's one worker). */
  gridCodes?: readonly string[];
  /** Seconds between a worker's position reports. */
  intervalSeconds: number;
  /** New requests per minute across the district. */
  casesPerMinute: number;
  /** Move cases on as their handlers would. */
  progressCases: boolean;
  password: string;
  seed: number;
  /** Where to tell what happens (console.log by default). */
  log?: (message: string) => void;
}

export const DEFAULT_SIMULATOR_OPTIONS: Omit<SimulatorOptions, 'url'> = {
  workers: 150,
  intervalSeconds: 30,
  casesPerMinute: 2,
  progressCases: true,
  password: 'minqing2026',
  seed: 500101,
};

/** The demo's handler accounts and the actions each takes on its unit's cases. */
const HANDLERS = ['chengguan', 'renshe', 'zhujian', 'fenshui', 'shahe', 'shinian', 'fengxianlu'];

export interface SimulatorStatistics {
  workers: number;
  positions: number;
  positionsFlagged: number;
  cases: number;
  actions: number;
  errors: number;
  lastError: string | null;
}

interface Account {
  username: string;
  cookie: string | null;
}

interface Worker extends Account {
  gridCode: string;
  place: string;
  grid: MultiPolygonCoordinates;
  walk: PatrolWalk;
  gcj02: boolean;
  nextReportAt: number;
  lastReportAt: number;
}

interface Village {
  code: string;
  name: string;
  gridCount: number;
}

export class Simulator {
  readonly statistics: SimulatorStatistics = {
    workers: 0,
    positions: 0,
    positionsFlagged: 0,
    cases: 0,
    actions: 0,
    errors: 0,
    lastError: null,
  };
  private readonly random: Random;
  private readonly workers: Worker[] = [];
  private readonly dispatcher: Account = { username: 'dispatcher', cookie: null };
  private readonly handlers: Account[] = HANDLERS.map((username) => ({ username, cookie: null }));
  private stopped = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly log: (message: string) => void;

  constructor(private readonly options: SimulatorOptions) {
    this.random = seededRandom(options.seed);
    this.log = options.log ?? ((message) => console.log(message));
  }

  /** Signs the workers in, places them in their grids, and starts the clocks. */
  async start(): Promise<void> {
    const codes = this.options.gridCodes?.length ? [...this.options.gridCodes] : await this.chooseGrids();
    const villages = new Map((await this.villages()).map((village) => [village.code, village]));
    // Sign in a few at a time: each sign-in checks a password hash on the server.
    for (let index = 0; index < codes.length && !this.stopped; index += 8) {
      const batch = codes.slice(index, index + 8);
      const joined = await Promise.all(batch.map((code) => this.joinWorker(code, villages.get(code.slice(0, 12))?.name ?? '')));
      for (const worker of joined) if (worker) this.workers.push(worker);
    }
    this.statistics.workers = this.workers.length;
    this.log(`simulator: ${this.workers.length} grid workers on patrol, reporting every ${this.options.intervalSeconds} s`);
    this.every(250, () => void this.reportDue());
    if (this.options.casesPerMinute > 0) this.every(60_000 / this.options.casesPerMinute, () => void this.fileCase());
    if (this.options.progressCases) this.every(20_000, () => void this.progressCases());
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
  }

  /** Where a worker is now (for tests). */
  workerPosition(gridCode: string): [number, number] | null {
    return this.workers.find((worker) => worker.gridCode === gridCode)?.walk.here ?? null;
  }

  private every(milliseconds: number, work: () => void): void {
    const timer = setInterval(() => {
      if (!this.stopped) work();
    }, milliseconds);
    timer.unref?.();
    this.timers.push(timer);
  }

  private failed(what: string, error: unknown): void {
    this.statistics.errors++;
    this.statistics.lastError = `${what}: ${error instanceof Error ? error.message : String(error)}`;
    if (this.statistics.errors <= 5 || this.statistics.errors % 100 === 0) this.log(`simulator: ${this.statistics.lastError}`);
  }

  // ------------------------------------------------------------------ HTTP

  private async signIn(account: Account): Promise<string> {
    const response = await fetch(`${this.options.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: account.username, password: this.options.password }),
    });
    if (!response.ok) throw new Error(`sign-in as ${account.username}: ${response.status} ${await response.text()}`);
    const cookie = response.headers.get('set-cookie')?.split(';')[0];
    if (!cookie) throw new Error(`sign-in as ${account.username}: no session cookie`);
    account.cookie = cookie;
    return cookie;
  }

  /** A call as the account; signs in (again) when the session is missing or expired. */
  private async call<T>(account: Account, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const cookie = account.cookie ?? (await this.signIn(account));
      const response = await fetch(`${this.options.url}${path}`, {
        method,
        headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status === 401 && attempt === 0) {
        account.cookie = null;
        continue;
      }
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : null) as T;
    }
    throw new Error(`${method} ${path}: still not signed in`);
  }

  private async villages(): Promise<Village[]> {
    const response = await fetch(`${this.options.url}/api/regions?level=village`);
    if (!response.ok) throw new Error(`GET /api/regions: ${response.status}`);
    return (await response.json()) as Village[];
  }

  /** Grid codes of the demo district (village code + 001…n), a sample of them when not all are wanted. */
  private async chooseGrids(): Promise<string[]> {
    const codes = (await this.villages()).flatMap((village) =>
      Array.from({ length: village.gridCount }, (_, index) => `${village.code}${String(index + 1).padStart(3, '0')}`),
    );
    if (this.options.workers === 'all' || this.options.workers >= codes.length) return codes;
    for (let index = codes.length - 1; index > 0; index--) {
      const other = Math.floor(this.random() * (index + 1));
      [codes[index], codes[other]] = [codes[other]!, codes[index]!];
    }
    return codes.slice(0, this.options.workers);
  }

  private async joinWorker(gridCode: string, villageName: string): Promise<Worker | null> {
    const account: Account = { username: `gw${gridCode}`, cookie: null };
    try {
      const grid = await this.call<{ name: string; boundary: { coordinates: MultiPolygonCoordinates } }>(
        account,
        'GET',
        `/api/grids/${gridCode}?geometry=true`,
      );
      const walk = new PatrolWalk(grid.boundary.coordinates, this.random);
      const now = Date.now();
      return {
        ...account,
        gridCode,
        place: villageName || grid.name,
        grid: grid.boundary.coordinates,
        walk,
        gcj02: this.random() < 0.6,
        // Spread the first reports over one interval.
        nextReportAt: now + this.random() * this.options.intervalSeconds * 1000,
        lastReportAt: now,
      };
    } catch (error) {
      this.failed(`worker of grid ${gridCode}`, error);
      return null;
    }
  }

  // ------------------------------------------------------------- positions

  private async reportDue(): Promise<void> {
    const now = Date.now();
    const due = this.workers.filter((worker) => worker.nextReportAt <= now);
    await Promise.all(due.map((worker) => this.report(worker, now)));
  }

  private async report(worker: Worker, now: number): Promise<void> {
    worker.nextReportAt = now + this.options.intervalSeconds * 1000;
    worker.walk.advance((now - worker.lastReportAt) / 1000);
    worker.lastReportAt = now;
    const { position, accuracy } = worker.walk.fix();
    const [lon, lat] = worker.gcj02 ? fromWgs84(position[0], position[1], 'GCJ02') : position;
    try {
      const result = await this.call<{ status: string }>(worker, 'POST', '/api/positions', {
        lon,
        lat,
        coordinateSystem: worker.gcj02 ? 'GCJ02' : 'WGS84',
        accuracy,
        recordedAt: new Date(now).toISOString(),
      });
      this.statistics.positions++;
      if (result.status !== 'accepted') this.statistics.positionsFlagged++;
    } catch (error) {
      this.failed(`position of ${worker.username}`, error);
    }
  }

  // ----------------------------------------------------------------- cases

  private async fileCase(): Promise<void> {
    if (this.workers.length === 0) return;
    const worker = this.workers[Math.floor(this.random() * this.workers.length)]!;
    const patrol = this.random() < 0.4;
    const draft = draftCase(this.random, worker.place, patrol);
    const [lon, lat] = patrol ? worker.walk.here : randomPointInside(worker.grid, this.random);
    const body = {
      ...draft,
      location: { lon, lat, coordinateSystem: 'WGS84' },
      ...(patrol ? {} : { reporterName: this.residentName(), reporterPhone: this.residentPhone() }),
    };
    try {
      await this.call(patrol ? worker : this.dispatcher, 'POST', '/api/cases', body);
      this.statistics.cases++;
    } catch (error) {
      this.failed('filing a case', error);
    }
  }

  private residentName(): string {
    const surnames = '王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林';
    const given = '建国秀英明华丽娟志强玉兰德明桂芳海燕小红永福春梅';
    const pick = (text: string) => text[Math.floor(this.random() * text.length)]!;
    return `${pick(surnames)}${pick(given)}${this.random() < 0.6 ? pick(given) : ''}`;
  }

  private residentPhone(): string {
    const prefixes = ['138', '139', '150', '151', '177', '182', '187', '199'];
    const digits = Array.from({ length: 8 }, () => Math.floor(this.random() * 10)).join('');
    return `${prefixes[Math.floor(this.random() * prefixes.length)]}${digits}`;
  }

  /** Each handler moves one of its unit's open cases a step on. */
  private async progressCases(): Promise<void> {
    for (const handler of this.handlers) {
      try {
        const { cases } = await this.call<{ cases: { id: number; state: string; version: number }[] }>(
          handler,
          'GET',
          '/api/cases?view=mine&state=dispatched,accepted,in_progress&limit=5',
        );
        const item = cases[Math.floor(this.random() * cases.length)];
        if (!item) continue;
        const action =
          item.state === 'dispatched'
            ? { action: 'accept' }
            : item.state === 'accepted'
              ? { action: 'start' }
              : { action: 'resolve', resolution: '已安排人员现场处理完毕，并向群众反馈。' };
        await this.call(handler, 'POST', `/api/cases/${item.id}/actions`, { ...action, expectedVersion: item.version });
        this.statistics.actions++;
      } catch (error) {
        this.failed(`${handler.username} acting on a case`, error);
      }
    }
  }
}
