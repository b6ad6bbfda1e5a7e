/**
 * The import API for the wizard: sessions, streamed uploads with progress
 * (XMLHttpRequest reports the bytes sent; fetch cannot), checks, preview,
 * commit. On a new deployment every call carries the setup code.
 */
import type { Geometry } from 'geojson';
import { ApiError, errorMessageOf, getJson, withQuery } from '../api/client.ts';

export type ImportKind = 'jurisdiction' | 'grids' | 'buildings' | 'units';
export type Severity = 'error' | 'warning' | 'repaired';

export interface ImportStatus {
  jurisdiction: boolean;
  users: boolean;
  setupOpen: boolean;
}

export interface FieldSummary {
  name: string;
  filled: number;
  samples: string[];
}

export interface FileSettings {
  include?: boolean;
  level?: 'district' | 'town' | 'village' | null;
  table?: 'units' | 'users';
  fields?: Record<string, string | null>;
}

export interface ImportFile {
  fileNo: number;
  name: string;
  upload: string;
  format: string;
  status: 'reading' | 'read' | 'failed';
  records: number;
  summary: {
    layer: string;
    records: number;
    fields: FieldSummary[];
    geometryTypes: Record<string, number>;
    sourceSystem: string;
    encoding: string;
    bbox: [number, number, number, number] | null;
    notes: string[];
  } | null;
  progress: {
    phase: 'receiving' | 'reading';
    bytesRead: number;
    totalBytes: number | null;
    records: number;
    totalRecords: number | null;
  } | null;
  suggested: FileSettings | null;
}

export interface ImportProblem {
  check: string;
  severity: Severity;
  file: string | null;
  fileNo: number | null;
  position: number | null;
  code: string | null;
  name: string | null;
  message: string;
  location: [number, number] | null;
  areaSquareMetres: number | null;
}

export interface ChangeCounts {
  added: number;
  changed: number;
  unchanged: number;
  kept: number;
  retired: number;
}

export interface ImportReport {
  kind: string;
  checkedAt: string;
  acceptRepairs: boolean;
  errors: number;
  warnings: number;
  repaired: number;
  problems: ImportProblem[];
  omitted: number;
  changes: Record<string, ChangeCounts>;
  notes: string[];
  canCommit: boolean;
}

export interface ImportSession {
  id: number;
  kind: ImportKind;
  status: 'open' | 'committed' | 'discarded';
  setup: boolean;
  setupUsername: string | null;
  settings: { files: Record<string, FileSettings>; acceptRepairs: boolean; createUnits: boolean };
  files: ImportFile[];
  report: ImportReport | null;
  summary: Record<string, unknown> | null;
}

export interface SettingsChange {
  files?: Record<string, FileSettings>;
  acceptRepairs?: boolean;
  createUnits?: boolean;
}

export interface CommitResult {
  session: ImportSession;
  report: ImportReport;
  generatedPasswords: { username: string; password: string }[];
}

export interface PreviewCollection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    geometry: Geometry;
    properties: { fileNo: number; position: number; code: string | null; name: string | null; invalid: boolean };
  }[];
  total: number;
  shown: number;
  bbox: [number, number, number, number] | null;
}

export interface UploadOptions {
  encoding: 'auto' | 'utf-8' | 'gbk';
  coordinateSystem: string;
}

/** The setup code of a new deployment, sent with every import call while it is set. */
let setupCode: string | null = null;

export function useSetupCode(code: string | null): void {
  setupCode = code?.trim() || null;
}

const SETUP_HEADER = 'x-minqing-setup-code';

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return setupCode ? { ...extra, [SETUP_HEADER]: setupCode } : extra;
}

/** The JSON of an answer; its text when it is not JSON (a proxy's error page). */
function parseAnswer(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function call<T>(method: string, path: string, payload?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: headers({ accept: 'application/json', ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }),
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
  } catch (error) {
    throw new ApiError(0, `the server could not be reached (${(error as Error).message})`);
  }
  const body = parseAnswer(await response.text());
  if (!response.ok) throw new ApiError(response.status, errorMessageOf(body, response.status, response.statusText), body);
  return body as T;
}

export const fetchImportStatus = (signal?: AbortSignal) => getJson<ImportStatus>('/api/import/status', { signal });

export function openImportSession(
  kind: ImportKind,
  administrator?: { username: string; displayName: string; password: string },
): Promise<ImportSession> {
  return call('POST', '/api/import/sessions', { kind, ...(administrator ? { administrator } : {}) });
}

export const fetchImportSession = (id: number) => call<ImportSession>('GET', `/api/import/sessions/${id}`);
export const discardImportSession = (id: number) => call<{ discarded: true }>('DELETE', `/api/import/sessions/${id}`);
export const removeImportFile = (id: number, fileNo: number) =>
  call<{ removed: true }>('DELETE', `/api/import/sessions/${id}/files/${fileNo}`);
export const checkImportSession = (id: number, change: SettingsChange) =>
  call<ImportReport>('POST', `/api/import/sessions/${id}/check`, change);
export const commitImportSession = (id: number, change: SettingsChange) =>
  call<CommitResult>('POST', `/api/import/sessions/${id}/commit`, change);
export const fetchImportPreview = (id: number) => call<PreviewCollection>('GET', `/api/import/sessions/${id}/preview`);

/**
 * Streams a file (the body is the file itself); `onProgress` hears the
 * share of bytes sent. Answers the session once the server has read it.
 */
export function uploadImportFile(
  id: number,
  file: File,
  options: UploadOptions,
  onProgress: (sent: number, total: number) => void,
): Promise<ImportSession> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', withQuery(`/api/import/sessions/${id}/files`, { name: file.name, ...options }));
    request.withCredentials = true;
    for (const [key, value] of Object.entries(
      headers({ 'content-type': 'application/octet-stream', accept: 'application/json' }),
    )) {
      request.setRequestHeader(key, value);
    }
    request.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    request.onerror = () => reject(new ApiError(0, 'the server could not be reached while sending the file'));
    request.onload = () => {
      const body = parseAnswer(request.responseText);
      if (request.status >= 200 && request.status < 300) resolve(body as ImportSession);
      else reject(new ApiError(request.status, errorMessageOf(body, request.status, request.statusText), body));
    };
    request.send(file);
  });
}
