/**
 * The real API server as a child process, started the way `npm start` does
 * (tsx api/src/server.ts in api/), on a free port:
 *
 *   const server = await startServer({ databaseUrl: database.url });
 *   await fetch(`${server.url}/api/health`);
 *   await server.stop();
 *
 * Its output is kept (and written to test-results/logs/<label>.log) so that a
 * failure can say what the server said.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV_FILE_VARIABLE, NO_ENV_FILE } from '@minqing/db/environment';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const apiFolder = join(repositoryRoot, 'api');
export const logFolder = join(repositoryRoot, 'test-results', 'logs');

export interface StartServerOptions {
  /** PostgreSQL URL: the postgres engine. Unset: the embedded engine in `dataDir`. */
  databaseUrl?: string;
  /** Folder of the embedded engine (required without `databaseUrl`). */
  dataDir?: string;
  /** Generate the demo district on an empty database (DEMO=on|off); default on. */
  demo?: boolean;
  /** More environment for the server (e.g. DEMO_SCALE). */
  env?: Record<string, string>;
  /** How long to wait for /api/health to answer 200. */
  readyTimeoutMs?: number;
  /** Name of the log file under test-results/logs. */
  label?: string;
}

export interface Health {
  status: string;
  database: string;
  [key: string]: unknown;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Milliseconds from spawn to the first 200 from /api/health. */
  readyInMs: number;
  /** The body of that first 200. */
  health: Health;
  /** Everything the server wrote so far (stdout and stderr interleaved, last 400 kB). */
  output(): string;
  /** SIGTERM, then SIGKILL after 20 s; resolves with the exit code (null when killed by a signal). */
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Environment of the server: ours, less anything that would steer it
 * elsewhere, and no settings file (MINQING_ENV_FILE=none): a developer's
 * `.env` does not reach the servers of the tests.
 */
function serverEnvironment(port: number, options: StartServerOptions): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(environment)) {
    if (key.startsWith('VITEST') || ['DATABASE_URL', 'TEST_DATABASE_URL', 'DATA_DIR', 'DEMO', 'PORT', 'NODE_ENV'].includes(key)) {
      delete environment[key];
    }
  }
  environment[ENV_FILE_VARIABLE] = NO_ENV_FILE;
  environment.PORT = String(port);
  environment.DEMO = options.demo === false ? 'off' : 'on';
  if (options.databaseUrl) environment.DATABASE_URL = options.databaseUrl;
  else if (options.dataDir) environment.DATA_DIR = options.dataDir;
  else throw new Error('startServer needs a databaseUrl or a dataDir');
  return { ...environment, ...options.env };
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const label = options.label ?? `server-${port}`;
  mkdirSync(logFolder, { recursive: true });
  const logFile: WriteStream = createWriteStream(join(logFolder, `${label}.log`), { flags: 'w' });

  const started = performance.now();
  // `node --import tsx` rather than the tsx binary: one process, so signals reach the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: apiFolder,
    env: serverEnvironment(port, options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);

  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-400_000);
    logFile.write(chunk);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      logFile.end();
      resolve(code);
    });
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  const stop = async (): Promise<number | null> => {
    if (exitCode !== undefined) return exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  const tail = () => output.split('\n').slice(-60).join('\n');
  const deadline = started + (options.readyTimeoutMs ?? 180_000);
  let lastAnswer = 'no answer yet';
  while (performance.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`the server exited with code ${exitCode} before it was healthy; its output:\n${tail()}`);
    }
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      const body = await response.text();
      lastAnswer = `${response.status} ${body.slice(0, 300)}`;
      if (response.status === 200) {
        return {
          url,
          port,
          readyInMs: Math.round(performance.now() - started),
          health: JSON.parse(body) as Health,
          output: () => output,
          stop,
        };
      }
    } catch (error) {
      lastAnswer = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(
    `the server was not healthy within ${Math.round((options.readyTimeoutMs ?? 180_000) / 1000)} s ` +
      `(last answer from /api/health: ${lastAnswer}); its output:\n${tail()}`,
  );
}
