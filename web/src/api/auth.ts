import type { Role, UnitKind } from '@minqing/shared';
import { getJson, sendJson } from './client.ts';

/** The signed-in user, as GET /api/auth/me and POST /api/auth/sign-in answer. */
export interface SessionUser {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  unitId: number | null;
  unitName: string | null;
  unitKind: UnitKind | null;
  unitLevel: number | null;
  regionCode: string;
  regionLevel: 'district' | 'town' | 'village';
}

export async function signIn(username: string, password: string): Promise<SessionUser> {
  return (await sendJson<{ user: SessionUser }>('POST', '/api/auth/sign-in', { username, password })).user;
}

export async function signOut(): Promise<void> {
  await sendJson<null>('POST', '/api/auth/sign-out');
}

/** The user of this browser's session; throws ApiError 401 when nobody is signed in. */
export async function fetchCurrentUser(signal?: AbortSignal): Promise<SessionUser> {
  return (await getJson<{ user: SessionUser }>('/api/auth/me', { signal })).user;
}
