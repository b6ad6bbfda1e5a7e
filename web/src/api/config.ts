import { getJson } from './client.ts';

/** Settings the web app reads from GET /api/config. */
export interface ClientConfig {
  /** A MapLibre style to use as the basemap (BASEMAP_STYLE_URL); null: our own basemap tiles. */
  basemapStyleUrl: string | null;
  tiles: { url: string; layers: string[]; maxZoom: number };
  database: 'embedded' | 'postgres';
}

export async function fetchClientConfig(signal?: AbortSignal): Promise<ClientConfig> {
  return getJson<ClientConfig>('/api/config', { signal });
}
