/** What the app's middleware puts on every request's context. */
import type { Actor } from '../auth/actor.ts';

export interface AppEnv {
  Variables: {
    /** The signed-in user, or null (public requests). */
    actor: Actor | null;
  };
}
