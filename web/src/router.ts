import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';

/** The views, one per kind of user; the header's navigation follows this list. */
export const NAVIGATION = [
  { name: 'map', path: '/' },
  { name: 'wall', path: '/wall' },
  { name: 'planner', path: '/planner' },
  { name: 'hotspots', path: '/hotspots' },
  { name: 'desk', path: '/desk' },
  { name: 'mobile', path: '/mobile' },
] as const;
export type ViewName = (typeof NAVIGATION)[number]['name'];

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'map', component: () => import('./views/MapView.vue') },
  { path: '/wall', name: 'wall', component: () => import('./views/WallView.vue') },
  { path: '/planner', name: 'planner', component: () => import('./views/PlannerView.vue') },
  { path: '/hotspots', name: 'hotspots', component: () => import('./views/HotspotsView.vue') },
  { path: '/desk', name: 'desk', component: () => import('./views/DeskView.vue') },
  { path: '/mobile', name: 'mobile', component: () => import('./views/MobileView.vue') },
  { path: '/:unknown(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
];

export function createAppRouter() {
  return createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });
}
