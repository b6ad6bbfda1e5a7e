import { createRouter, createWebHistory, type Router, type RouteRecordRaw } from 'vue-router';
import type { Role } from '@minqing/shared';
import { DESK_ROLES } from './desk/access.ts';
import { firstRunGuard } from './import/first-run.ts';
import { loadSession } from './session/session.ts';

/** Who may import (the API's check: an administrator; a new deployment's setup code is asked on the page itself). */
export const IMPORT_ROLES: readonly Role[] = ['administrator'];

export interface NavigationEntry {
  name: string;
  path: string;
  /** Shown only to a signed-in user of these roles; without: shown to everyone. */
  roles?: readonly Role[];
}

/** The views, one per kind of user; the header's navigation follows this list. */
export const NAVIGATION = [
  { name: 'map', path: '/' },
  { name: 'wall', path: '/wall' },
  { name: 'planner', path: '/planner' },
  { name: 'hotspots', path: '/hotspots' },
  { name: 'assessment', path: '/assessment' },
  { name: 'desk', path: '/desk' },
  { name: 'mobile', path: '/mobile' },
  { name: 'track', path: '/track' },
  { name: 'import', path: '/import', roles: IMPORT_ROLES },
] as const satisfies readonly NavigationEntry[];
export type ViewName = (typeof NAVIGATION)[number]['name'];

/** The navigation entries a user (null: nobody signed in) sees. */
export function navigationFor(role: Role | null): NavigationEntry[] {
  return NAVIGATION.filter((entry: NavigationEntry) => !entry.roles || (role !== null && entry.roles.includes(role)));
}

declare module 'vue-router' {
  interface RouteMeta {
    /** Only for a signed-in user: others go to the sign-in page and come back. */
    requiresUser?: boolean;
    /** Only for these roles: others see why not (the no-access page). */
    roles?: readonly Role[];
    /** The navigation entry the route belongs to. */
    view?: ViewName;
  }
}

const desk = { requiresUser: true, roles: DESK_ROLES, view: 'desk' } as const;
/** The leaders' view: leaders, the command center and administrators. */
const ANALYTICS_ROLES: readonly Role[] = ['administrator', 'dispatcher', 'leader'];

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'map', component: () => import('./views/MapView.vue') },
  { path: '/wall', name: 'wall', component: () => import('./views/WallView.vue') },
  {
    path: '/planner',
    name: 'planner',
    component: () => import('./views/PlannerView.vue'),
    meta: { requiresUser: true, roles: ['planner', 'administrator'], view: 'planner' },
  },
  {
    path: '/hotspots',
    name: 'hotspots',
    component: () => import('./views/HotspotsView.vue'),
    meta: { requiresUser: true, roles: ANALYTICS_ROLES, view: 'hotspots' },
  },
  {
    path: '/assessment',
    name: 'assessment',
    component: () => import('./views/AssessmentView.vue'),
    meta: { requiresUser: true, roles: ANALYTICS_ROLES, view: 'assessment' },
  },
  { path: '/desk', name: 'desk', component: () => import('./views/DeskView.vue'), meta: desk },
  { path: '/desk/cases/:id(\\d+)', name: 'case', component: () => import('./views/CaseView.vue'), meta: desk },
  { path: '/mobile', name: 'mobile', component: () => import('./views/MobileView.vue') },
  { path: '/track/:code?', name: 'track', component: () => import('./views/TrackView.vue'), meta: { view: 'track' } },
  { path: '/import', name: 'import', component: () => import('./views/ImportView.vue'), meta: { view: 'import' } },
  { path: '/signin', name: 'signin', component: () => import('./views/SignInView.vue') },
  { path: '/no-access', name: 'no-access', component: () => import('./views/NoAccessView.vue') },
  { path: '/:unknown(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
];

/** Sends a visitor who is not signed in to the sign-in page (and back), and a role without access to the reason why. */
export function installGuards(router: Router): void {
  router.beforeEach(async (to) => {
    if (!to.meta.requiresUser) return true;
    const user = await loadSession();
    if (!user) return { name: 'signin', query: { redirect: to.fullPath } };
    if (to.meta.roles && !to.meta.roles.includes(user.role)) {
      return { name: 'no-access', query: { view: to.meta.view ?? String(to.name ?? ''), from: to.fullPath } };
    }
    return true;
  });
}

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });
  // A deployment without a jurisdiction sends everyone to the import wizard.
  router.beforeEach(firstRunGuard);
  installGuards(router);
  return router;
}
