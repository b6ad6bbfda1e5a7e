/**
 * The one place that opens a database. Everything else in Minqing talks to the
 * `Database` interface and does not know which engine is behind it:
 *
 * - `postgres`: PostgreSQL + PostGIS through postgres.js, when DATABASE_URL is set;
 * - `embedded`: PGlite (PostgreSQL compiled to WebAssembly) + PostGIS in a data
 *   folder, when it is not — so a first run needs nothing but Node.
 *
 * Both engines return the same JavaScript shapes: int8 and numeric as numbers,
 * json as parsed values, timestamps as Date.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { compile, isFragment, type SqlFragment } from './sql.ts';

export type Engine = 'embedded' | 'postgres';
export type Row = Record<string, unknown>;

export interface QueryOptions {
  /**
   * Keep the statement prepared on each connection of the postgres engine, so
   * its text is parsed and planned once per connection instead of every time
   * (the embedded engine ignores it). For hot statements whose text is fixed —
   * values only as parameters — and whose best plan does not depend on them.
   */
  prepare?: boolean;
}

export interface Queryable {
  /** Runs one statement. Values travel as parameters. */
  query<T = Row>(query: SqlFragment, options?: QueryOptions): Promise<T[]>;
  /** Runs one statement given as text with $n placeholders (for code that builds SQL itself, e.g. pg-boss). */
  queryText<T = Row>(text: string, values?: readonly unknown[]): Promise<T[]>;
  /**
   * Runs a script of one or more statements with no parameters (migrations,
   * pg-boss's own SQL) and returns the rows of the last statement.
   */
  exec<T = Row>(script: string): Promise<T[]>;
}

export interface Database extends Queryable {
  readonly engine: Engine;
  /** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Subscribes to NOTIFY on a channel; resolves to a function that unsubscribes. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// URL. Unset: the embedded engine. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded engine's data. `memory://` keeps it in memory. */
  dataDir?: string;
  /** Pool size of the postgres engine. */
  maxConnections?: number;
  /** Settings for each connection of the postgres engine (strings: postgres.js ignores numeric 0). */
  connectionSettings?: Record<string, string>;
}

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  return openEmbedded(options.dataDir ?? './data');
}

/**
 * Parameters as node-postgres would send them (pg-boss is written against it):
 * undefined as NULL, plain objects as JSON text.
 */
function toParameters(values: readonly unknown[]): unknown[] {
  return values.map((value) => {
    if (value === undefined) return null;
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      !(value instanceof Date) &&
      !(value instanceof Uint8Array)
    ) {
      return JSON.stringify(value);
    }
    return value;
  });
}

function toQuery(query: SqlFragment): { text: string; values: unknown[] } {
  if (!isFragment(query)) throw new TypeError('query() takes a fragment built with the sql`` tag');
  return compile(query);
}

// ---------------------------------------------------------------- postgres.js

async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const numberType = (oid: number) => ({
    to: oid,
    from: [oid],
    serialize: (value: unknown) => String(value),
    parse: (value: string) => Number(value),
  });
  const client = postgres(url, {
    max: options.maxConnections ?? 10,
    onnotice: () => {},
    connection: { application_name: 'minqing', ...options.connectionSettings },
    types: { int8: numberType(20), numeric: numberType(1700) },
  });
  // The pool, a transaction and a reserved connection all answer unsafe().
  type Handle = Pick<typeof client, 'unsafe'>;

  const wrap = (handle: Handle): Queryable => ({
    async query<T>(query: SqlFragment, options?: QueryOptions) {
      const { text, values } = toQuery(query);
      return (await handle.unsafe(text, values as never[], { prepare: options?.prepare ?? false })) as unknown as T[];
    },
    async queryText<T>(text: string, values: readonly unknown[] = []) {
      return (await handle.unsafe(text, toParameters(values) as never[])) as unknown as T[];
    },
    async exec<T>(script: string) {
      const result = (await handle.unsafe(script).simple()) as unknown as T[] | T[][];
      // postgres.js answers a multi-statement script with one result per statement.
      const last = Array.isArray(result[0]) || (result.length > 0 && result.every(Array.isArray)) ? result.at(-1) : result;
      return (last ?? []) as T[];
    },
  });

  // Fail fast with a clear message when the server cannot be reached.
  await client`select 1`;

  return {
    engine: 'postgres',
    ...wrap(client),
    // A script may hold its own BEGIN … COMMIT (pg-boss's do): postgres.js only
    // allows that on a connection reserved for it.
    async exec<T>(script: string) {
      const connection = await client.reserve();
      try {
        return await wrap(connection).exec<T>(script);
      } finally {
        connection.release();
      }
    },
    async transaction(work) {
      return (await client.begin((tx) => work(wrap(tx as unknown as Handle)))) as Awaited<ReturnType<typeof work>>;
    },
    async listen(channel, onMessage) {
      const subscription = await client.listen(channel, onMessage);
      return () => subscription.unlisten();
    },
    async notify(channel, payload) {
      await client`select pg_notify(${channel}, ${payload})`;
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

// ---------------------------------------------------------------- PGlite

async function openEmbedded(dataDir: string): Promise<Database> {
  const { PGlite, types } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  let location: string | undefined;
  if (dataDir !== 'memory://') {
    location = resolve(dataDir);
    mkdirSync(location, { recursive: true });
  }
  const pg = await PGlite.create(location, {
    extensions: { postgis },
    parsers: { [types.INT8]: Number, [types.NUMERIC]: Number },
  });
  type Transaction = Parameters<Parameters<typeof pg.transaction>[0]>[0];
  // Calling into PGlite after close() crashes the process from inside its
  // WebAssembly runtime; late callers (a job poller's timer) get an error instead.
  // Closing while a query waits in PGlite's queue crashes too, so close() first
  // lets the queries already asked for finish.
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();
  const run = <T>(work: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new Error('the embedded database is closed'));
    const promise = work();
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  };

  const wrap = (handle: typeof pg | Transaction): Queryable => ({
    query<T>(query: SqlFragment) {
      const { text, values } = toQuery(query);
      return run(async () => (await handle.query<T>(text, values)).rows);
    },
    queryText<T>(text: string, values: readonly unknown[] = []) {
      return run(async () => (await handle.query<T>(text, toParameters(values))).rows);
    },
    exec<T>(script: string) {
      return run(async () => ((await handle.exec(script)).at(-1)?.rows ?? []) as T[]);
    },
  });

  return {
    engine: 'embedded',
    ...wrap(pg),
    transaction: (work) => run(() => pg.transaction((tx) => work(wrap(tx)))),
    listen: (channel, onMessage) => run(() => pg.listen(channel, onMessage)),
    async notify(channel, payload) {
      await run(() => pg.query('select pg_notify($1, $2)', [channel, payload]));
    },
    async close() {
      if (closed) return;
      closed = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await pg.close();
    },
  };
}
