/**
 * The signed-in user, shared by the header, the router guard and the views.
 * The session itself is the httpOnly cookie the server sets; this only
 * remembers who it belongs to (GET /api/auth/me), asked once per page load
 * and again whenever an answer says the session is gone (401).
 */
import { computed, readonly, ref } from 'vue';
import { fetchCurrentUser, signIn, signOut, type SessionUser } from '../api/auth.ts';
import { ApiError } from '../api/client.ts';

const user = ref<SessionUser | null>(null);
const known = ref(false);
let pending: Promise<SessionUser | null> | null = null;

export const currentUser = readonly(user);
export const signedIn = computed(() => user.value !== null);

/** Who is signed in (null: nobody); asks the server the first time only. */
export function loadSession(): Promise<SessionUser | null> {
  if (known.value) return Promise.resolve(user.value);
  pending ??= fetchCurrentUser()
    .then((found) => {
      user.value = found;
      return found;
    })
    .catch((error: unknown) => {
      if (!(error instanceof ApiError) || error.status !== 401) console.warn(`could not read the session: ${String(error)}`);
      user.value = null;
      return null;
    })
    .finally(() => {
      known.value = true;
      pending = null;
    });
  return pending;
}

export async function signInWithPassword(username: string, password: string): Promise<SessionUser> {
  const found = await signIn(username, password);
  user.value = found;
  known.value = true;
  return found;
}

export async function endSession(): Promise<void> {
  try {
    await signOut();
  } finally {
    user.value = null;
    known.value = true;
  }
}

/** An answer said 401: the session expired or was ended elsewhere. */
export function forgetSession(): void {
  user.value = null;
  known.value = true;
}

/** The navigation that sends a user whose session ended to the sign-in page, to come back here afterwards. */
export function signInAgain(currentPath: string) {
  forgetSession();
  return { name: 'signin', query: { redirect: currentPath } } as const;
}
