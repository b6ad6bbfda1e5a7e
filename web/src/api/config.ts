import { getJson } from './client.ts';

/** Settings the web app reads from GET /api/config. */
export interface ClientConfig {
  /** A MapLibre style to use as the basemap (BASEMAP_STYLE_URL); null: our own basemap tiles. */
  basemapStyleUrl: string | null;
  tiles: { url: string; layers: string[]; maxZoom: number };
  database: 'embedded' | 'postgres';
  /** The deployment's district; null while the database is prepared or before a jurisdiction is imported. */
  jurisdiction: { code: string; name: string; fullName: string } | null;
}

export async function fetchClientConfig(signal?: AbortSignal): Promise<ClientConfig> {
  return getJson<ClientConfig>('/api/config', { signal });
}
