/**
 * The intake form's state and how it becomes the API's CaseIntake: empty
 * fields are left out, a picked or typed point becomes `location` (with its
 * coordinate system), and the result is checked with the very schema the
 * server uses (`CaseIntakeSchema`) before anything is sent.
 */
import {
  CaseIntakeSchema,
  MAX_PHOTO_BYTES,
  MAX_PHOTOS,
  PHOTO_CONTENT_TYPES,
  PublicCaseIntakeSchema,
  type CaseIntake,
  type Channel,
  type CoordinateSystem,
  type PublicCaseIntake,
  type Role,
  type Urgency,
} from '@minqing/shared';

export interface PickedPoint {
  lon: number;
  lat: number;
  coordinateSystem: CoordinateSystem;
}

export interface PhotoAttachment {
  contentType: (typeof PHOTO_CONTENT_TYPES)[number];
  fileName: string;
  dataBase64: string;
  /** Decoded size, for the list shown under the form. */
  bytes: number;
}

export interface IntakeFormState {
  channel: Channel;
  categoryCode: string;
  urgency: Urgency;
  description: string;
  reporterName: string;
  reporterPhone: string;
  address: string;
  point: PickedPoint | null;
  photos: PhotoAttachment[];
  dispatch: boolean;
}

/** The channel a clerk of each role usually takes requests from. */
export function defaultChannel(role: Role | null | undefined): Channel {
  switch (role) {
    case 'village_cadre':
    case 'town_officer':
      return 'liaison_point';
    case 'grid_worker':
      return 'patrol';
    default:
      return 'hotline';
  }
}

export function emptyIntakeForm(role: Role | null | undefined): IntakeFormState {
  return {
    channel: defaultChannel(role),
    categoryCode: '',
    urgency: 'normal',
    description: '',
    reporterName: '',
    reporterPhone: '',
    address: '',
    point: null,
    photos: [],
    dispatch: true,
  };
}

const text = (value: string) => {
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
};

/** The body of POST /api/public/cases: what a resident fills in themselves. */
export function toPublicIntake(state: Omit<IntakeFormState, 'channel' | 'dispatch'>): PublicCaseIntake {
  const intake: PublicCaseIntake = {
    categoryCode: state.categoryCode.trim(),
    urgency: state.urgency,
    description: state.description.trim(),
    photos: state.photos.map(({ contentType, fileName, dataBase64 }) => ({ contentType, fileName, dataBase64 })),
  };
  const address = text(state.address);
  if (address) intake.address = address;
  if (state.point) intake.location = { ...state.point };
  const reporterName = text(state.reporterName);
  if (reporterName) intake.reporterName = reporterName;
  const reporterPhone = text(state.reporterPhone);
  if (reporterPhone) intake.reporterPhone = reporterPhone;
  return intake;
}

/** The body of POST /api/cases. */
export function toIntake(state: IntakeFormState): CaseIntake {
  return { channel: state.channel, ...toPublicIntake(state), dispatch: state.dispatch };
}

/** Form fields a message can be attached to. */
export type IntakeField =
  'channel' | 'categoryCode' | 'urgency' | 'description' | 'location' | 'address' | 'reporterName' | 'reporterPhone' | 'photos';

export type FieldErrors = Partial<Record<IntakeField | 'form', string>>;

export type Checked<T> = { valid: true; value: T } | { valid: false; errors: FieldErrors };

function check<T>(
  result:
    | { success: true; data: unknown }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } },
  value: T,
): Checked<T> {
  if (result.success) return { valid: true, value };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = (String(issue.path[0] ?? 'form') as IntakeField | 'form') || 'form';
    errors[field] ??= issue.message;
  }
  return { valid: false, errors };
}

/** Checks the form with the server's own schema; the value to send when it passes. */
export function checkIntake(state: IntakeFormState): Checked<CaseIntake> {
  const intake = toIntake(state);
  return check(CaseIntakeSchema.safeParse(intake), intake);
}

export function checkPublicIntake(state: Omit<IntakeFormState, 'channel' | 'dispatch'>): Checked<PublicCaseIntake> {
  const intake = toPublicIntake(state);
  return check(PublicCaseIntakeSchema.safeParse(intake), intake);
}

/**
 * Coordinates typed by a clerk, "108.3901, 30.8123" (longitude first, as
 * Amap's picker copies them); latitude first is recognised too, since in
 * China a longitude (73–135) can never pass for a latitude (18–54).
 */
export function parseCoordinates(input: string): { lon: number; lat: number } | null {
  const parts = input
    .trim()
    .split(/[\s,，;；]+/)
    .filter(Boolean);
  if (parts.length !== 2 || !parts.every((part) => /^-?[0-9]+(\.[0-9]+)?$/.test(part))) return null;
  const [first, second] = parts.map(Number) as [number, number];
  const isLongitude = (value: number) => value >= 73 && value <= 136;
  const isLatitude = (value: number) => value >= 3 && value <= 54;
  if (isLongitude(first) && isLatitude(second)) return { lon: first, lat: second };
  if (isLatitude(first) && isLongitude(second)) return { lon: second, lat: first };
  if (Math.abs(first) <= 180 && Math.abs(second) <= 90) return { lon: first, lat: second };
  return null;
}

export type PhotoRefusal = 'type' | 'size' | 'count' | 'empty';

/** Why a chosen file cannot be attached (null: it can). */
export function photoRefusal(file: { type: string; size: number }, alreadyAttached: number): PhotoRefusal | null {
  if (alreadyAttached >= MAX_PHOTOS) return 'count';
  if (!(PHOTO_CONTENT_TYPES as readonly string[]).includes(file.type)) return 'type';
  if (file.size === 0) return 'empty';
  if (file.size > MAX_PHOTO_BYTES) return 'size';
  return null;
}

/** The base64 part of a data: URL as FileReader.readAsDataURL gives it. */
export function base64OfDataUrl(dataUrl: string): string {
  const comma = dataUrl.indexOf(',');
  return comma === -1 ? '' : dataUrl.slice(comma + 1);
}

/** 1.2 MB, 350 KB */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
