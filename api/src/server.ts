/**
 * The server: reads the settings, answers on PORT at once (health says 503
 * "starting"), opens the database, then prepares it in the background —
 * migrations, the demo district on an empty database, the job queue — and
 * marks itself ready; on a new deployment (no jurisdiction, no user) it logs
 * the setup code of the import wizard. A failed preparation is logged and shown by health
 * (503 "failed"), and so is a database that cannot be opened; the process
 * keeps answering. SIGINT/SIGTERM stop it
 * gracefully: no new connections, the job queue stopped, the database closed.
 */
import { serve, type ServerType } from '@hono/node-server';
import { openDatabase, prepareDatabase, startJobQueue, type Database, type Engine, type PgBoss } from '@minqing/db';
import { createApp } from './app.ts';
import { systemClock } from './cases/clock.ts';
import { registerJobs } from './jobs/index.ts';
import { registerPositionJobs } from './positions/position-retention.job.ts';
import { closeLiveEvents } from './stream/live-events-registry.ts';
import { ConfigError, describeConfig, loadConfig, readEnvironment, type Config } from './config.ts';
import { openingApp } from './http/opening-app.ts';
import { issueSetupCode, setupCodeLogLine } from './import/import-access.ts';
import { createLogger, type Logger } from './logger.ts';
import { Readiness } from './readiness.ts';

function readConfig(): Config {
  let environment: ReturnType<typeof readEnvironment>;
  try {
    environment = readEnvironment();
  } catch (error) {
    console.error(`Minqing cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
  try {
    return loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Minqing cannot start: ${error.message}\nSee .env.example for every setting and what it accepts.`);
      process.exit(2);
    }
    throw error;
  }
}

/** On a new deployment, the setup code of the import wizard goes to the log (a failure here stops nothing). */
async function announceSetupCode(db: Database, logger: Logger): Promise<void> {
  try {
    await issueSetupCode(db, (code) => logger.warn({ setupCode: code }, setupCodeLogLine(code)));
  } catch (error) {
    logger.warn({ err: error }, 'could not issue a setup code for the import wizard (`npm run import -- setup-code` prints one)');
  }
}

async function prepare(db: Database, config: Config, readiness: Readiness, logger: Logger): Promise<PgBoss | null> {
  try {
    readiness.progress('applying migrations');
    const result = await prepareDatabase(db, {
      demo: config.demo,
      demoOptions: { seed: config.demoSeed, scale: config.demoScale },
      log: (message, details) => {
        readiness.progress(message);
        logger.info(details ?? {}, message);
      },
    });
    readiness.progress('starting the job queue');
    const boss = await startJobQueue(db, { onError: (error) => logger.error({ err: error }, 'job queue error') });
    await registerJobs(boss, db, systemClock, logger);
    await registerPositionJobs(boss, db, logger);
    await announceSetupCode(db, logger);
    readiness.markReady({
      migrations: result.migrations.applied.length + result.migrations.alreadyApplied,
      demo: result.demo,
    });
    if (result.demo?.status === 'skipped') logger.info({ reason: result.demo.reason }, 'demo district not generated');
    return boss;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.error({ err: error }, 'database preparation failed');
    readiness.markFailed(reason);
    return null;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  logger.info({ config: describeConfig(config) }, 'starting');
  const engine: Engine = config.databaseUrl ? 'postgres' : 'embedded';
  const described = describeConfig(config);
  console.error(
    `Minqing: database ${engine === 'postgres' ? `PostgreSQL at ${String(described.databaseUrl)}` : `embedded (PGlite) in ${config.dataDir}`}; ` +
      `serving http://localhost:${config.port}/ once the database is ready (the first start with DEMO=on generates the demo district)`,
  );
  const readiness = new Readiness();

  // Answer at once; the real app takes over when the database is open.
  readiness.progress('opening the database');
  let handle: (request: Request) => Response | Promise<Response> = openingApp(engine, readiness).fetch;
  const server: ServerType = serve({ fetch: (request) => handle(request), port: config.port }, (info) => {
    logger.info({ port: info.port, database: engine }, 'listening; opening the database');
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    logger.fatal({ err: error }, 'cannot listen');
    console.error(
      `Minqing cannot listen on port ${config.port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}`,
    );
    process.exit(1);
  });

  let db: Database | null = null;
  let boss: PgBoss | null = null;
  let stopping = false;
  void openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    // JIT and its planning cost add ~250 ms to small tile queries and rarely pay here (ENVIRONMENT.md in ../shared/, beside the repository).
    connectionSettings: { jit: 'off' },
  }).then(
    async (opened) => {
      db = opened;
      if (stopping) return;
      const app = createApp({ db: opened, logger, state: readiness, config });
      handle = (request) => app.fetch(request);
      boss = await prepare(opened, config, readiness, logger);
      if (!stopping && readiness.isReady) console.log(`Minqing: http://localhost:${config.port}`);
    },
    (error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      logger.error({ err: error }, 'cannot open the database');
      console.error(`Minqing cannot open the database: ${reason}`);
      readiness.markFailed(`cannot open the database: ${reason}`);
    },
  );

  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // A preparation still running is cut short: its transaction rolls back and the next start redoes it
    // (the database client lets the query in flight finish before it closes).
    await boss
      ?.stop({ graceful: true, wait: true, timeout: 10_000 })
      .catch((error: unknown) => logger.warn({ err: error }, 'job queue did not stop cleanly'));
    if (db) await closeLiveEvents(db);
    await db?.close().catch((error: unknown) => logger.warn({ err: error }, 'database did not close cleanly'));
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
