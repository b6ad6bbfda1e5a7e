/**
 * The one place that reads the environment. Every setting is validated with
 * zod; a bad value stops the start with a message naming the setting, what it
 * accepts and what it got. `.env.example` at the repository root lists them all.
 *
 * The values come from the environment over `.env` at the repository root
 * (`readEnvironment` of @minqing/db/environment, the one reader every entry point uses;
 * MINQING_ENV_FILE names another file, or `none`). Relative paths (DATA_DIR,
 * WEB_DIST_DIR) are resolved from the repository root, so the app finds the
 * same folders whichever directory it starts in.
 */
import { isAbsolute, resolve } from 'node:path';
import { DATABASE_URL_PATTERN, databaseSettings, readEnvironment, repositoryRoot } from '@minqing/db/environment';
import { z } from 'zod';

export { readEnvironment, repositoryRoot };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  /** postgres:// URL; undefined: the embedded engine (PGlite) in dataDir. */
  databaseUrl: string | undefined;
  /** Absolute folder of the embedded engine, or `memory://`. */
  dataDir: string;
  /** Generate the demo district on an empty database. */
  demo: boolean;
  demoSeed: number | undefined;
  demoScale: number | undefined;
  logLevel: LogLevel;
  /** Absolute folder of the built web app. */
  webDistDir: string;
  /** A MapLibre style URL the web map uses instead of the built-in basemap (e.g. Tianditu). */
  basemapStyleUrl: string | undefined;
  /** Memory for cached vector tiles, in MiB; 0 turns the cache off. */
  tileCacheMegabytes: number;
  /** Open311 clients must send this api_key to POST a request; undefined: POST is open to all. */
  open311ApiKey: string | undefined;
  /** Shared secret of the SMS / WeChat / e-mail webhooks (X-Minqing-Webhook-Token); undefined: webhooks are off (503). */
  intakeWebhookToken: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid settings:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Empty strings count as unset: `DATABASE_URL=` in a .env file means "no database URL". */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const SWITCH_VALUES: Record<string, boolean> = {
  on: true,
  true: true,
  '1': true,
  yes: true,
  off: false,
  false: false,
  '0': false,
  no: false,
};

const switchSetting = (fallback: boolean) =>
  optionalText.pipe(
    z
      .string()
      .optional()
      .refine((value) => value === undefined || value.toLowerCase() in SWITCH_VALUES, {
        message: 'must be on or off (also accepted: true/false, 1/0, yes/no)',
      })
      .transform((value) => (value === undefined ? fallback : SWITCH_VALUES[value.toLowerCase()]!)),
  );

const integerSetting = (minimum: number, maximum: number) =>
  optionalText.pipe(
    z
      .string()
      .optional()
      .refine(
        (value) => value === undefined || (/^-?[0-9]+$/.test(value) && Number(value) >= minimum && Number(value) <= maximum),
        {
          message: `must be a whole number from ${minimum} to ${maximum}`,
        },
      )
      .transform((value) => (value === undefined ? undefined : Number(value))),
  );

const numberSetting = (minimum: number, maximum: number) =>
  optionalText.pipe(
    z
      .string()
      .optional()
      .refine(
        (value) =>
          value === undefined || (/^[0-9]*\.?[0-9]+$/.test(value) && Number(value) > minimum && Number(value) <= maximum),
        {
          message: `must be a number above ${minimum} and at most ${maximum}`,
        },
      )
      .transform((value) => (value === undefined ? undefined : Number(value))),
  );

const environmentSchema = z.object({
  PORT: integerSetting(1, 65_535),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .optional()
      .refine((value) => value === undefined || DATABASE_URL_PATTERN.test(value), {
        message: 'must be a postgres:// or postgresql:// URL (leave it unset for the embedded database)',
      }),
  ),
  DATA_DIR: optionalText,
  DEMO: switchSetting(true),
  DEMO_SEED: integerSetting(0, 2 ** 31 - 1),
  DEMO_SCALE: numberSetting(0, 10),
  LOG_LEVEL: optionalText.pipe(
    z
      .string()
      .optional()
      .refine((value) => value === undefined || (LOG_LEVELS as readonly string[]).includes(value.toLowerCase()), {
        message: `must be one of ${LOG_LEVELS.join(', ')}`,
      })
      .transform((value) => (value?.toLowerCase() ?? 'info') as LogLevel),
  ),
  WEB_DIST_DIR: optionalText,
  BASEMAP_STYLE_URL: optionalText.pipe(
    z
      .string()
      .optional()
      .refine((value) => value === undefined || /^https?:\/\/[^\s]+$/.test(value) || /^\/[^\s]*$/.test(value), {
        message: 'must be an http(s) URL or a path on this server starting with /',
      }),
  ),
  TILE_CACHE_MB: integerSetting(0, 16_384),
  OPEN311_API_KEY: optionalText.pipe(
    z
      .string()
      .optional()
      .refine((value) => value === undefined || /^[\x21-\x7e]{8,200}$/.test(value), {
        message: 'must be 8 to 200 printable characters without spaces (leave it unset to let any Open311 client post)',
      }),
  ),
  INTAKE_WEBHOOK_TOKEN: optionalText.pipe(
    z
      .string()
      .optional()
      .refine((value) => value === undefined || /^[\x21-\x7e]{16,200}$/.test(value), {
        message: 'must be 16 to 200 printable characters without spaces (leave it unset to turn the webhooks off)',
      }),
  ),
});

function resolveFromRoot(path: string): string {
  return isAbsolute(path) ? path : resolve(repositoryRoot, path);
}

/** Reads and validates the settings. Throws ConfigError listing every bad value. */
export function loadConfig(environment: Record<string, string | undefined> = readEnvironment()): Config {
  const result = environmentSchema.safeParse(environment);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const given = environment[name];
      return `${name} ${issue.message}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`;
    });
    throw new ConfigError(problems);
  }
  const settings = result.data;
  const { databaseUrl, dataDir } = databaseSettings(environment, repositoryRoot);
  return {
    port: settings.PORT ?? 8080,
    databaseUrl,
    dataDir,
    demo: settings.DEMO,
    demoSeed: settings.DEMO_SEED,
    demoScale: settings.DEMO_SCALE,
    logLevel: settings.LOG_LEVEL,
    webDistDir: resolveFromRoot(settings.WEB_DIST_DIR ?? 'web/dist'),
    basemapStyleUrl: settings.BASEMAP_STYLE_URL,
    tileCacheMegabytes: settings.TILE_CACHE_MB ?? 64,
    open311ApiKey: settings.OPEN311_API_KEY,
    intakeWebhookToken: settings.INTAKE_WEBHOOK_TOKEN,
  };
}

/** The settings as they may be logged: the database password is hidden. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    databaseUrl: config.databaseUrl?.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@'),
    open311ApiKey: config.open311ApiKey === undefined ? undefined : '***',
    intakeWebhookToken: config.intakeWebhookToken === undefined ? undefined : '***',
  };
}
