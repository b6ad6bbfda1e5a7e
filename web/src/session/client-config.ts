/**
 * The server's client settings (GET /api/config), asked once per page load
 * and shared: the header shows the jurisdiction's name from them, and the
 * first-run guard asks for the import status only when they name no
 * jurisdiction. Asked again after an import of the jurisdiction.
 */
import { computed, readonly, ref } from 'vue';
import { fetchClientConfig, type ClientConfig } from '../api/config.ts';

const config = ref<ClientConfig | null>(null);
let pending: Promise<ClientConfig | null> | null = null;

export const clientConfig = readonly(config);

/** The jurisdiction's name as the server knows it; null while unknown (the header falls back to its own text). */
export const jurisdictionName = computed(() => {
  const jurisdiction = config.value?.jurisdiction;
  return jurisdiction ? jurisdiction.fullName || jurisdiction.name : null;
});

/** The settings; null when the server could not say (asked again next time). */
export function loadClientConfig(): Promise<ClientConfig | null> {
  if (config.value) return Promise.resolve(config.value);
  pending ??= fetchClientConfig()
    .then((found) => {
      config.value = found;
      return found;
    })
    .catch((error: unknown) => {
      console.warn(`could not read the client settings: ${String(error)}`);
      return null;
    })
    .finally(() => {
      pending = null;
    });
  return pending;
}

/** Asks again (a jurisdiction was imported: its name changed). */
export function refreshClientConfig(): Promise<ClientConfig | null> {
  config.value = null;
  return loadClientConfig();
}
