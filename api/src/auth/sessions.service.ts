/**
 * Sign-in with a password (argon2), sessions in the database, and a limit on
 * failed attempts by username and by address, shared by every API process.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { sql, type Database, type Queryable } from '@minqing/db';
import { RateLimitedError, UnauthorizedError } from '../errors.ts';
import { ACTOR_COLUMNS, toActor, type Actor } from './actor.ts';

export const SESSION_COOKIE = 'minqing_session';
export const SESSION_HOURS = 12;
/** Failed sign-ins allowed per username, and per address, in the window. */
export const FAILURE_LIMITS = { perUsername: 5, perAddress: 20, windowMinutes: 15 };

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

// Verifying against a real hash when the username is unknown keeps the answer
// time the same, so it does not tell which usernames exist.
let decoyHash: Promise<string> | null = null;
const decoy = () => (decoyHash ??= hash(randomBytes(16).toString('hex')));

export interface SignInInput {
  username: string;
  password: string;
  address: string;
  userAgent?: string | undefined;
  now: Date;
}

export interface SignedIn {
  token: string;
  expiresAt: Date;
  actor: Actor;
}

async function checkFailures(db: Queryable, username: string, address: string, now: Date): Promise<void> {
  const since = new Date(now.getTime() - FAILURE_LIMITS.windowMinutes * 60_000);
  const [counts] = (await db.query<{ by_username: number; by_address: number; oldest: Date | null }>(sql`
    select count(*) filter (where username = ${username}) as by_username,
           count(*) filter (where address = ${address}) as by_address,
           min(failed_at) as oldest
    from sign_in_failure
    where failed_at > ${since} and (username = ${username} or address = ${address})`)) as [
    { by_username: number; by_address: number; oldest: Date | null },
  ];
  if (counts.by_username >= FAILURE_LIMITS.perUsername || counts.by_address >= FAILURE_LIMITS.perAddress) {
    const retryAfter = counts.oldest
      ? Math.max(1, Math.ceil((counts.oldest.getTime() + FAILURE_LIMITS.windowMinutes * 60_000 - now.getTime()) / 1000))
      : FAILURE_LIMITS.windowMinutes * 60;
    throw new RateLimitedError(`too many failed sign-ins; try again in ${Math.ceil(retryAfter / 60)} minutes`, retryAfter);
  }
}

export async function signIn(db: Database, input: SignInInput): Promise<SignedIn> {
  const username = input.username.trim().toLowerCase();
  await checkFailures(db, username, input.address, input.now);
  const [user] = await db.query<{ password_hash: string; active: boolean; id: number }>(
    sql`select id, password_hash, active from app_user where username = ${username}`,
  );
  const matches = await verify(user?.password_hash ?? (await decoy()), input.password).catch(() => false);
  if (!user || !user.active || !matches) {
    await db.query(
      sql`insert into sign_in_failure (username, address, failed_at) values (${username}, ${input.address}, ${input.now})`,
    );
    throw new UnauthorizedError('wrong username or password', 'sign_in_failed');
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(input.now.getTime() + SESSION_HOURS * 3_600_000);
  const [row] = await db.transaction(async (tx) => {
    await tx.query(sql`delete from sign_in_failure where username = ${username}`);
    await tx.query(sql`
      insert into user_session (token_hash, user_id, created_at, last_seen_at, expires_at, user_agent)
      values (${tokenHash(token)}, ${user.id}, ${input.now}, ${input.now}, ${expiresAt}, ${input.userAgent?.slice(0, 300) ?? null})`);
    return tx.query<Parameters<typeof toActor>[0]>(
      sql`select ${ACTOR_COLUMNS} from app_user u left join unit on unit.id = u.unit_id where u.id = ${user.id}`,
    );
  });
  return { token, expiresAt, actor: toActor(row!) };
}

/** The actor behind a session token, or null when the token is unknown or expired. Slides the expiry. */
export async function sessionActor(db: Queryable, token: string, now: Date): Promise<Actor | null> {
  const [row] = await db.query<Parameters<typeof toActor>[0] & { last_seen_at: Date }>(sql`
    select ${ACTOR_COLUMNS}, s.last_seen_at
    from user_session s join app_user u on u.id = s.user_id left join unit on unit.id = u.unit_id
    where s.token_hash = ${tokenHash(token)} and s.expires_at > ${now} and u.active`);
  if (!row) return null;
  if (now.getTime() - row.last_seen_at.getTime() > 60_000) {
    const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
    await db.query(
      sql`update user_session set last_seen_at = ${now}, expires_at = ${expiresAt} where token_hash = ${tokenHash(token)}`,
    );
  }
  return toActor(row);
}

export async function signOut(db: Queryable, token: string): Promise<void> {
  await db.query(sql`delete from user_session where token_hash = ${tokenHash(token)}`);
}
