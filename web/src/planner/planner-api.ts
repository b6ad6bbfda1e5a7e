/** The planner's calls to the API (api/src/routes/planner.routes.ts). */
import type { CheckReport, HouseholdBand, PlannerBuilding, PlannerGrid, PlannerVillage, Position } from '@minqing/shared';
import { getJson, sendJson } from '../api/client.ts';

export interface WorkspaceGrid extends PlannerGrid {
  households: number;
  population: number;
  flag: string | null;
  workers: { userId: number; username: string; displayName: string; duty: 'grid_worker' | 'information_staff' }[];
}

export interface DraftView {
  regionCode: string;
  revision: number;
  grids: PlannerGrid[];
  updatedAt: string;
  updatedBy: string | null;
}

export interface Workspace {
  region: { code: string; name: string; level: 'village' | 'town' };
  villages: PlannerVillage[];
  grids: WorkspaceGrid[];
  buildings: (PlannerBuilding & { name: string | null; address: string })[];
  roads: Position[][];
  band: HouseholdBand;
  draft: DraftView | null;
  overlappingDrafts: { regionCode: string; revision: number; updatedAt: string }[];
}

export interface PublicationSummary {
  publicationId: number | null;
  validFrom: string;
  grids: {
    kept: string[];
    changed: { code: string; version: number }[];
    added: { key: string; code: string; name: string }[];
    retired: string[];
  };
  codes: Record<string, string>;
  buildingsChanged: number;
  cases: { caseId: number; trackingCode: string; title: string; from: string | null; to: string | null }[];
  workers: { userId: number; displayName: string; duty: string; from: string; to: string | null }[];
  gridsWithoutWorker: string[];
}

export interface Proposal {
  grids: (PlannerGrid & { households: number; flag: string | null })[];
  summary: {
    villages: number;
    grids: number;
    inBand: number;
    flagged: { key: string; name: string; flag: string; households: number }[];
  };
}

export interface ImportResult {
  draft: DraftView;
  report: { imported: number; notes: string[]; checks: { errors: number; warnings: number } | null };
}

export interface StaffMember {
  userId: number;
  username: string;
  displayName: string;
  role: string;
  grids: { code: string; duty: string }[];
}

export interface PublicationEntry {
  id: number;
  regionCode: string;
  validFrom: string;
  publishedAt: string;
  publishedBy: string | null;
  summary: {
    grids?: { added?: { code: string }[]; retired?: string[]; changed?: unknown[] };
    buildingsChanged?: number;
    cases?: number;
    workers?: number;
  };
}

const base = (code: string) => `/api/planner/regions/${code}`;

export const plannerApi = {
  workspace: (code: string, signal?: AbortSignal) => getJson<Workspace>(base(code), { signal }),
  save: (code: string, revision: number, grids: PlannerGrid[]) =>
    sendJson<DraftView>('PUT', `${base(code)}/draft`, { revision, grids }),
  discard: (code: string, revision: number) =>
    sendJson<{ discarded: boolean }>('DELETE', `${base(code)}/draft?revision=${revision}`, {}),
  check: (code: string, grids: PlannerGrid[]) => sendJson<CheckReport>('POST', `${base(code)}/check`, { grids }),
  propose: (code: string) => sendJson<Proposal>('POST', `${base(code)}/proposal`, {}),
  preview: (code: string, revision: number, validFrom: string) =>
    sendJson<PublicationSummary>('POST', `${base(code)}/preview`, { revision, validFrom }),
  publish: (code: string, revision: number, validFrom: string, confirm: { reassignedCases: number; reassignedWorkers: number }) =>
    sendJson<PublicationSummary>('POST', `${base(code)}/publish`, { revision, validFrom, confirm }),
  importFile: (code: string, revision: number, format: 'geojson' | 'shapefile', fileName: string, dataBase64: string) =>
    sendJson<ImportResult>('POST', `${base(code)}/import`, { revision, format, fileName, dataBase64 }),
  staff: (code: string) => getJson<{ staff: StaffMember[] }>(`${base(code)}/staff`),
  assign: (gridCode: string, gridWorkers: number[], informationStaff: number[]) =>
    sendJson<{ code: string; workers: WorkspaceGrid['workers'] }>('PUT', `/api/planner/grids/${gridCode}/assignments`, {
      gridWorkers,
      informationStaff,
    }),
  publications: (code: string) => getJson<{ publications: PublicationEntry[] }>(`${base(code)}/publications`),
  exportUrl: (code: string, format: 'geojson' | 'csv') => `${base(code)}/export?format=${format}`,
};
