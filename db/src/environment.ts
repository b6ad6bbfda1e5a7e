/**
 * Where every entry point reads its settings — the server (`npm start`,
 * `npm run dev`), `npm run migrate`, `npm run demo`, `npm run import` and the
 * simulator: the process environment over the file `.env` at the repository
 * root. A variable set in the environment wins (even set empty, which means
 * unset); a default applies only when neither sets it.
 *
 * `MINQING_ENV_FILE` (in the environment) names another file instead, or
 * `none` for no file at all: the servers the tests start use `none`, so that
 * a developer's `.env` never steers them.
 *
 * The database settings are resolved here too, once for every entry point:
 * `DATABASE_URL` (postgres:// or postgresql://; unset or empty: the embedded
 * engine) and `DATA_DIR` (default `./data`, relative paths from the
 * repository root, `memory://` keeps nothing).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

export type Environment = Record<string, string | undefined>;

export const repositoryRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The variable that names the settings file, or `none`. */
export const ENV_FILE_VARIABLE = 'MINQING_ENV_FILE';
export const NO_ENV_FILE = 'none';

export interface ReadEnvironmentOptions {
  /** The process environment (default `process.env`). */
  environment?: Environment;
  /** Where `.env` and relative `MINQING_ENV_FILE` paths are looked for (default: the repository root). */
  root?: string;
}

/** The settings file that applies: `.env` at the root, the file MINQING_ENV_FILE names, or null for `none`. */
export function settingsFile(environment: Environment = process.env, root = repositoryRoot): string | null {
  const named = environment[ENV_FILE_VARIABLE]?.trim();
  if (!named) return resolve(root, '.env');
  if (named.toLowerCase() === NO_ENV_FILE) return null;
  return isAbsolute(named) ? named : resolve(root, named);
}

/**
 * The environment over the settings file. Throws when MINQING_ENV_FILE names
 * a file that does not exist (a missing `.env` is simply no file).
 */
export function readEnvironment(options: ReadEnvironmentOptions = {}): Environment {
  const environment = options.environment ?? process.env;
  const file = settingsFile(environment, options.root);
  if (file === null) return { ...environment };
  if (!existsSync(file)) {
    if (environment[ENV_FILE_VARIABLE]?.trim()) {
      throw new Error(`${ENV_FILE_VARIABLE} names ${file}, which does not exist (use ${NO_ENV_FILE} for no settings file)`);
    }
    return { ...environment };
  }
  return { ...parseEnv(readFileSync(file, 'utf8')), ...environment };
}

export const DATABASE_URL_PATTERN = /^postgres(ql)?:\/\//;
export const DEFAULT_DATA_DIR = './data';

export interface DatabaseSettings {
  /** postgres:// URL; undefined: the embedded engine (PGlite) in dataDir. */
  databaseUrl: string | undefined;
  /** Absolute folder of the embedded engine, or `memory://`. */
  dataDir: string;
}

/** Empty or blank counts as unset: `DATABASE_URL=` in a .env file means "no database URL". */
export function settingValue(environment: Environment, name: string): string | undefined {
  const value = environment[name]?.trim();
  return value ? value : undefined;
}

/** DATABASE_URL and DATA_DIR as every entry point uses them. Throws naming DATABASE_URL when it is not a postgres URL. */
export function databaseSettings(environment: Environment, root = repositoryRoot): DatabaseSettings {
  const databaseUrl = settingValue(environment, 'DATABASE_URL');
  if (databaseUrl !== undefined && !DATABASE_URL_PATTERN.test(databaseUrl)) {
    throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for the embedded database)');
  }
  const dataDir = settingValue(environment, 'DATA_DIR') ?? DEFAULT_DATA_DIR;
  return {
    databaseUrl,
    dataDir: dataDir === 'memory://' || isAbsolute(dataDir) ? dataDir : resolve(root, dataDir),
  };
}
