/**
 * A deployment without a jurisdiction (DEMO=off, nothing imported yet) has
 * nothing to show: every page sends the visitor to the import wizard, where
 * the setup code opens the first import. The client settings (/api/config)
 * name the jurisdiction once the database is ready; only when they name none
 * is the import status asked (once per page load).
 */
import type { RouteLocationNormalized } from 'vue-router';
import { loadClientConfig, refreshClientConfig } from '../session/client-config.ts';
import { fetchImportStatus } from './import-api.ts';

let inPlace: Promise<boolean> | null = null;

/** Whether the deployment holds a jurisdiction; when the server cannot say, assume it does (never trap a user). */
export function jurisdictionInPlace(): Promise<boolean> {
  inPlace ??= loadClientConfig()
    .then(async (config) => {
      // No settings: the server cannot say. A jurisdiction named: nothing to ask.
      if (!config || config.jurisdiction) return true;
      return (await fetchImportStatus()).jurisdiction;
    })
    .catch(() => {
      inPlace = null;
      return true;
    });
  return inPlace;
}

/** A jurisdiction was imported: pages work from now on, and the header shows its name. */
export function markJurisdictionInPlace(): void {
  inPlace = Promise.resolve(true);
  void refreshClientConfig();
}

/** Pages that work without a jurisdiction. */
const OPEN_WITHOUT_JURISDICTION = new Set(['import', 'signin', 'not-found']);

export async function firstRunGuard(to: RouteLocationNormalized) {
  if (OPEN_WITHOUT_JURISDICTION.has(String(to.name))) return true;
  return (await jurisdictionInPlace()) ? true : { name: 'import' };
}
