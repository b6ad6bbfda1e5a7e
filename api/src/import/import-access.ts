/**
 * Who may import. An administrator, signed in. And on a new deployment —
 * no jurisdiction and no user yet, so no administrator to sign in as —
 * whoever holds the setup code: a random code the server writes to its log
 * when it starts (and `npm run import -- setup-code` prints anew), stored
 * only as a hash, good until the first jurisdiction is committed. That first import creates
 * the administrator the person chose in the wizard.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Queryable } from '@minqing/db';
import type { Actor } from '../auth/actor.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';

export const SETUP_CODE_HEADER = 'x-minqing-setup-code';
const SETUP_STATE_KEY = 'import.setup_code';

/** An administrator on the web, the setup code on a new deployment, or the command line (whoever can reach the database). */
export type ImportAccess = { kind: 'administrator'; actor: Actor } | { kind: 'setup' } | { kind: 'command_line' };

export interface DeploymentStatus {
  /** The database holds a jurisdiction (at least a district). */
  jurisdiction: boolean;
  /** Users exist. */
  users: boolean;
  /** A new deployment: the first administrator comes with the first jurisdiction, by the setup code. */
  setupOpen: boolean;
}

export async function deploymentStatus(db: Queryable): Promise<DeploymentStatus> {
  const [row] = (await db.query<{ jurisdiction: boolean; users: boolean }>(sql`
    select exists (select 1 from region) as jurisdiction, exists (select 1 from app_user) as users`)) as [
    { jurisdiction: boolean; users: boolean },
  ];
  return { jurisdiction: row.jurisdiction, users: row.users, setupOpen: !row.jurisdiction && !row.users };
}

const hashOf = (code: string) => createHash('sha256').update(code.trim().toUpperCase()).digest('hex');

function newCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(12);
  const characters = [...bytes].map((byte) => alphabet[byte % alphabet.length]!);
  return [characters.slice(0, 4), characters.slice(4, 8), characters.slice(8, 12)].map((part) => part.join('')).join('-');
}

/** Writes a fresh setup code (its hash) and returns it: for the command line and the first request of a new deployment. */
export async function replaceSetupCode(db: Queryable): Promise<string> {
  const code = newCode();
  await db.query(sql`
    insert into deployment_state (key, value, updated_at) values (${SETUP_STATE_KEY}, ${JSON.stringify({ hash: hashOf(code) })}::text::jsonb, now())
    on conflict (key) do update set value = excluded.value, updated_at = now()`);
  return code;
}

/** The line the server logs with a setup code (the wizard, the README and the tests look for it). */
export function setupCodeLogLine(code: string): string {
  return `new deployment: no jurisdiction and no user yet. Setup code for the import wizard (/import): ${code}`;
}

/**
 * At the server's start, on a new deployment: a fresh setup code for the log.
 * Only its hash is kept, so a code of an earlier start cannot be shown again;
 * the code in the latest start's log is the one that works.
 */
export async function issueSetupCode(db: Queryable, announce: (code: string) => void): Promise<DeploymentStatus> {
  const status = await deploymentStatus(db);
  if (status.setupOpen) announce(await replaceSetupCode(db));
  return status;
}

/**
 * On a new deployment, makes sure a setup code exists; when it makes one, it
 * hands it to `announce` (the server's log). Returns whether setup is open.
 */
export async function ensureSetupCode(db: Queryable, announce: (code: string) => void): Promise<DeploymentStatus> {
  const status = await deploymentStatus(db);
  if (!status.setupOpen) return status;
  const [existing] = await db.query(sql`select 1 from deployment_state where key = ${SETUP_STATE_KEY}`);
  if (!existing) announce(await replaceSetupCode(db));
  return status;
}

export async function setupCodeMatches(db: Queryable, code: string): Promise<boolean> {
  const [row] = await db.query<{ value: { hash?: string } }>(
    sql`select value from deployment_state where key = ${SETUP_STATE_KEY}`,
  );
  const stored = row?.value.hash;
  if (!stored) return false;
  const given = Buffer.from(hashOf(code), 'hex');
  const expected = Buffer.from(stored, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The setup code is spent once a jurisdiction is in place. */
export async function forgetSetupCode(db: Queryable): Promise<void> {
  await db.query(sql`delete from deployment_state where key = ${SETUP_STATE_KEY}`);
}

/** Decides a request's access: an administrator, or the setup code on a new deployment. */
export async function resolveImportAccess(
  db: Queryable,
  actor: Actor | null,
  setupCode: string | undefined,
): Promise<ImportAccess> {
  if (actor) {
    if (actor.role !== 'administrator') {
      throw new ForbiddenError('only an administrator imports a jurisdiction, grids, buildings or units', 'administrator_only');
    }
    return { kind: 'administrator', actor };
  }
  if (setupCode) {
    const status = await deploymentStatus(db);
    if (!status.setupOpen) {
      throw new UnauthorizedError('this deployment is set up already: sign in as an administrator to import', 'setup_closed');
    }
    if (!(await setupCodeMatches(db, setupCode))) {
      throw new UnauthorizedError(
        'the setup code is wrong: it is in the server log (or run `npm run import -- setup-code` for a new one)',
        'setup_code_wrong',
      );
    }
    return { kind: 'setup' };
  }
  throw new UnauthorizedError(
    'sign in as an administrator to import (on a new deployment: enter the setup code from the server log)',
    'unauthorized',
  );
}
