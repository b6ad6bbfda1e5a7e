/**
 * What the PostGIS global setup hands to the test files (vitest provide/inject).
 */
export interface TestDatabaseContext {
  /** Admin URL of the PostGIS server: a role that may create databases. */
  adminUrl: string;
  /**
   * Database names to copy from: the migrated schema alone, and with the demo
   * district (null when the run was started with TEST_DEMO=off, to iterate faster).
   */
  templates: { empty: string; demo: string | null };
  /**
   * How to create a database that holds nothing yet (not even PostGIS):
   * the tail of a CREATE DATABASE statement, e.g. `template template1`.
   */
  blankCreateOptions: string;
  /** The demo district the template holds. */
  demo: { seed: number; scale: number };
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: TestDatabaseContext;
  }
}

export const defaultAdminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Name prefix of every database the tests create, so leftovers can be found and dropped. */
export const testDatabasePrefix = 'minqing_t_';
export const templatePrefix = 'minqing_template_';

/** `postgres://…/<name>` for another database on the same server. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A URL with its password hidden, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/(:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

/** Double-quotes an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
