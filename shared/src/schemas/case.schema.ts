/**
 * The case API contract: what a client sends to register a case and to act
 * on one. The server validates with exactly these schemas; the web app checks
 * its forms with them before sending.
 */
import { z } from 'zod';
import { CASE_ACTIONS, CHANNELS, SATISFACTIONS, URGENCIES } from '../cases/case-terms.ts';
import { COORDINATE_SYSTEMS } from '../geometry/coordinate-systems.ts';

export const PHOTO_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
export const MAX_PHOTOS = 6;

export const LocationInputSchema = z.object({
  lon: z.number({ message: 'must be a number' }).min(-180, 'must be at least -180').max(180, 'must be at most 180'),
  lat: z.number({ message: 'must be a number' }).min(-90, 'must be at least -90').max(90, 'must be at most 90'),
  coordinateSystem: z.enum(COORDINATE_SYSTEMS, { message: `must be one of ${COORDINATE_SYSTEMS.join(', ')}` }).default('WGS84'),
});

export const PhotoInputSchema = z.object({
  contentType: z.enum(PHOTO_CONTENT_TYPES, { message: `must be one of ${PHOTO_CONTENT_TYPES.join(', ')}` }),
  fileName: z.string().max(200, 'must be at most 200 characters').optional(),
  /** The image, base64-encoded; at most 2 MiB once decoded. */
  dataBase64: z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')
    .max(Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 4, 'is larger than 2 MiB'),
});

const CaseIntakeFields = z.object({
  channel: z.enum(CHANNELS, { message: `must be one of ${CHANNELS.join(', ')}` }),
  categoryCode: z.string({ message: 'is required' }).regex(/^[0-9]{4}$/, 'must be a 4-digit subcategory code, e.g. 0401'),
  urgency: z.enum(URGENCIES, { message: 'must be normal or urgent' }).default('normal'),
  title: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
  description: z
    .string({ message: 'is required' })
    .trim()
    .min(1, 'must not be empty')
    .max(4000, 'must be at most 4000 characters'),
  location: LocationInputSchema.optional(),
  address: z.string().trim().max(200, 'must be at most 200 characters').optional(),
  reporterName: z.string().trim().max(50, 'must be at most 50 characters').optional(),
  reporterPhone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9\s()-]{4,19}$/, 'must be a phone number')
    .optional(),
  photos: z.array(PhotoInputSchema).max(MAX_PHOTOS, `at most ${MAX_PHOTOS} photos`).default([]),
  /** Send it at once to the unit that owns the place and category (default), or hold it for triage. */
  dispatch: z.boolean().default(true),
});

const located = (input: { location?: unknown; address?: string | undefined }) =>
  input.location !== undefined || (input.address !== undefined && input.address.length > 0);
const locatedMessage = { message: 'give a location or an address', path: ['location'] };

export const CaseIntakeSchema = CaseIntakeFields.refine(located, locatedMessage);
export type CaseIntake = z.input<typeof CaseIntakeSchema>;

/** A resident's own request (web form): no channel or triage choice to make. */
export const PublicCaseIntakeSchema = CaseIntakeFields.omit({ channel: true, dispatch: true }).refine(located, locatedMessage);
export type PublicCaseIntake = z.input<typeof PublicCaseIntakeSchema>;

const note = z.string().trim().max(2000, 'must be at most 2000 characters');
const base = { expectedVersion: z.number().int().positive().optional(), note: note.optional() };
const unitId = z.number({ message: 'is required: the id of the unit' }).int().positive();

export const CaseActionSchema = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('dispatch'),
      unitId: unitId.optional(),
      assistUnitIds: z.array(unitId).max(10).default([]),
      /** Locates a case held in triage without a place (a message that named none). */
      location: LocationInputSchema.optional(),
      address: z.string().trim().max(200, 'must be at most 200 characters').optional(),
      ...base,
    }),
    z.object({ action: z.literal('accept'), ...base }),
    z.object({ action: z.literal('start'), ...base }),
    z.object({ action: z.literal('resolve'), resolution: note.min(2, 'must say what was done'), ...base }),
    z.object({ action: z.literal('transfer'), unitId, reason: note.min(4, 'must give the reason for the transfer'), ...base }),
    z.object({ action: z.literal('escalate'), reason: note.min(4, 'must give the reason for escalating'), ...base }),
    z.object({ action: z.literal('urge'), ...base }),
    z.object({ action: z.literal('take_over'), ...base }),
    z.object({
      action: z.literal('callback'),
      contacted: z.boolean({ message: 'is required: was the resident reached?' }),
      satisfaction: z.enum(SATISFACTIONS, { message: `must be one of ${SATISFACTIONS.join(', ')}` }).optional(),
      ...base,
    }),
    z.object({
      action: z.literal('close'),
      reason: z.enum(['unreachable', 'invalid'], { message: 'must be unreachable or invalid' }),
      ...base,
    }),
    z.object({ action: z.literal('link_duplicate'), originalCaseId: unitId, ...base }),
  ],
  { message: `action must be one of ${CASE_ACTIONS.join(', ')}` },
);
export type CaseActionInput = z.input<typeof CaseActionSchema>;
