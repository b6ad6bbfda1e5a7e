import type {
  CardColour,
  CaseAction,
  CaseActionInput,
  CaseEventKind,
  CaseIntake,
  CaseState,
  PublicCaseIntake,
  UnitKind,
  Urgency,
} from '@minqing/shared';
import { getJson, sendJson } from './client.ts';

/** Instants come as ISO 8601 strings. */
type Instant = string;

/** A row of a queue (GET /api/cases). */
export interface CaseSummary {
  id: number;
  trackingCode: string;
  title: string;
  channel: string;
  category: { code: string; name: string };
  urgency: Urgency;
  state: CaseState;
  owner: { id: number; name: string; kind: UnitKind; ladderLevel: number };
  location: { lon: number; lat: number } | null;
  address: string | null;
  gridCode: string | null;
  village: { code: string; name: string } | null;
  town: { code: string; name: string } | null;
  nearBoundary: boolean;
  createdAt: Instant;
  receivedAt: Instant;
  signDeadlineAt: Instant | null;
  answerDeadlineAt: Instant | null;
  overdue: boolean;
  card: CardColour | null;
  raisedCount: number;
  redoCount: number;
  copiedToLeader: boolean;
  takenOver: boolean;
  version: number;
}

export interface CaseEvent {
  id: number;
  kind: CaseEventKind;
  at: Instant;
  actor: string | null;
  actorUnit: string | null;
  fromState: CaseState | null;
  toState: CaseState | null;
  fromUnit: string | null;
  toUnit: string | null;
  note: string | null;
  data: Record<string, unknown>;
}

/** One case (GET /api/cases/{id}): the summary, the trace and what the reader may do. */
export interface CaseDetail extends CaseSummary {
  /** Where dispatching without naming a unit sends it; null when the reader cannot dispatch. */
  suggestedUnit?: { id: number; name: string } | null;
  description: string;
  reporterName: string | null;
  reporterPhone: string | null;
  personalDataMasked: boolean;
  resolution: string | null;
  satisfaction: string | null;
  closureReason: string | null;
  duplicateOfId: number | null;
  photos: { id: number; contentType: string; fileName: string | null }[];
  cards: { colour: CardColour; unit: string; thresholdAt: Instant }[];
  timeline: CaseEvent[];
  allowedActions: CaseAction[];
}

export interface DuplicateCandidate {
  id: number;
  trackingCode: string;
  title: string;
  state: CaseState;
  createdAt: Instant;
  metres: number | null;
  samePhone: boolean;
  similarity: number;
  raisedCount: number;
}

export interface IntakeResult {
  case: CaseDetail;
  likelyDuplicates: DuplicateCandidate[];
}

/** What a resident sees with a tracking code: no personal data. */
export interface PublicCase {
  trackingCode: string;
  title: string;
  category: string;
  state: CaseState;
  createdAt: Instant;
  handledBy: string;
  resolution: string | null;
  steps: { kind: CaseEventKind; at: Instant; unit: string | null }[];
}

export interface CategoryEntry {
  code: string;
  name: string;
  nameEn: string;
  routing: 'village' | 'town' | 'department' | null;
  departmentUnitId: number | null;
  answerWorkingDays: number | null;
  active: boolean;
  keywords?: string[];
}

export interface CategoryGroup extends CategoryEntry {
  children: CategoryEntry[];
}

export interface UnitEntry {
  id: number;
  code: string;
  name: string;
  kind: UnitKind;
  ladderLevel: number;
  regionCode: string;
}

export type QueueView = 'mine' | 'scope';

export async function registerCase(intake: CaseIntake): Promise<IntakeResult> {
  return sendJson<IntakeResult>('POST', '/api/cases', intake);
}

export async function fetchQueue(
  view: QueueView,
  options: { limit?: number; offset?: number; signal?: AbortSignal } = {},
): Promise<{ cases: CaseSummary[]; total: number }> {
  return getJson('/api/cases', { query: { view, limit: options.limit ?? 100, offset: options.offset }, signal: options.signal });
}

export async function fetchCase(id: number, signal?: AbortSignal): Promise<CaseDetail> {
  return getJson<CaseDetail>(`/api/cases/${id}`, { signal });
}

export async function actOnCase(id: number, action: CaseActionInput): Promise<CaseDetail> {
  return sendJson<CaseDetail>('POST', `/api/cases/${id}/actions`, action);
}

export function casePhotoUrl(caseId: number, photoId: number): string {
  return `/api/cases/${caseId}/photos/${photoId}`;
}

export async function fetchCategories(signal?: AbortSignal): Promise<CategoryGroup[]> {
  return (await getJson<{ categories: CategoryGroup[] }>('/api/categories', { signal })).categories;
}

export async function fetchUnits(
  query: { q?: string; kind?: UnitKind; region?: string; limit?: number },
  signal?: AbortSignal,
): Promise<UnitEntry[]> {
  return (await getJson<{ units: UnitEntry[] }>('/api/units', { query: { ...query }, signal })).units;
}

export async function trackCase(code: string, signal?: AbortSignal): Promise<PublicCase> {
  return getJson<PublicCase>(`/api/public/cases/${encodeURIComponent(code.trim())}`, { signal });
}

export async function submitPublicRequest(request: PublicCaseIntake): Promise<PublicCase> {
  return sendJson<PublicCase>('POST', '/api/public/cases', request);
}
