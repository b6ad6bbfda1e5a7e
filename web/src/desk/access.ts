/**
 * Who gets which part of the desk, mirroring the API's scope rules
 * (api/src/cases/scope.ts): planners work on boundaries and wall viewers only
 * watch, so neither gets the desk; leaders read and act but do not register
 * cases. The server enforces all of it; the web only avoids offering what
 * would be refused.
 */
import type { Role } from '@minqing/shared';

export const DESK_ROLES: readonly Role[] = [
  'administrator',
  'dispatcher',
  'leader',
  'department_handler',
  'town_officer',
  'village_cadre',
  'grid_worker',
];

export const REGISTRAR_ROLES: readonly Role[] = [
  'administrator',
  'dispatcher',
  'department_handler',
  'town_officer',
  'village_cadre',
  'grid_worker',
];

export function mayUseDesk(role: Role | null | undefined): boolean {
  return role !== null && role !== undefined && DESK_ROLES.includes(role);
}

export function mayRegisterCases(role: Role | null | undefined): boolean {
  return role !== null && role !== undefined && REGISTRAR_ROLES.includes(role);
}

/** A path inside this app to come back to after signing in; anything else (another site, //host) goes to the desk. */
export function safeRedirect(value: unknown, fallback = '/desk'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/signin'))
    return fallback;
  return value;
}
