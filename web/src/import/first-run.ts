/**
 * A deployment without a jurisdiction (DEMO=off, nothing imported yet) has
 * nothing to show: every page sends the visitor to the import wizard, where
 * the setup code opens the first import. Asked once per page load.
 */
import type { RouteLocationNormalized } from 'vue-router';
import { fetchImportStatus } from './import-api.ts';

let inPlace: Promise<boolean> | null = null;

/** Whether the deployment holds a jurisdiction; when the server cannot say, assume it does (never trap a user). */
export function jurisdictionInPlace(): Promise<boolean> {
  inPlace ??= fetchImportStatus()
    .then((status) => status.jurisdiction)
    .catch(() => {
      inPlace = null;
      return true;
    });
  return inPlace;
}

/** The first import was committed: pages work from now on. */
export function markJurisdictionInPlace(): void {
  inPlace = Promise.resolve(true);
}

/** Pages that work without a jurisdiction. */
const OPEN_WITHOUT_JURISDICTION = new Set(['import', 'signin', 'not-found']);

export async function firstRunGuard(to: RouteLocationNormalized) {
  if (OPEN_WITHOUT_JURISDICTION.has(String(to.name))) return true;
  return (await jurisdictionInPlace()) ? true : { name: 'import' };
}
