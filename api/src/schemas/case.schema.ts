/** Response shapes of the case endpoints, for the OpenAPI document and the handlers' types. */
import { z } from '@hono/zod-openapi';
import { CASE_ACTIONS, CASE_EVENT_KINDS, CASE_STATES, CARD_COLOURS, UNIT_KINDS } from '@minqing/shared';

const Instant = z.date().openapi({ type: 'string', format: 'date-time' });

export const CaseSummarySchema = z
  .object({
    id: z.number().int(),
    trackingCode: z.string().openapi({ example: '261125-7K4P9M-Q' }),
    title: z.string(),
    channel: z.string(),
    category: z.object({ code: z.string(), name: z.string() }),
    urgency: z.enum(['normal', 'urgent']),
    state: z.enum(CASE_STATES),
    owner: z.object({ id: z.number().int(), name: z.string(), kind: z.enum(UNIT_KINDS), ladderLevel: z.number().int() }),
    location: z.object({ lon: z.number(), lat: z.number() }).nullable(),
    address: z.string().nullable(),
    gridCode: z.string().nullable(),
    village: z.object({ code: z.string(), name: z.string() }).nullable(),
    town: z.object({ code: z.string(), name: z.string() }).nullable(),
    nearBoundary: z
      .boolean()
      .openapi({ description: 'Within a few metres of a grid or village boundary: the clerk should confirm the place' }),
    createdAt: Instant,
    receivedAt: Instant.openapi({ description: 'When the current owner received it' }),
    signDeadlineAt: Instant.nullable(),
    answerDeadlineAt: Instant.nullable(),
    overdue: z.boolean(),
    card: z.enum(CARD_COLOURS).nullable().openapi({ description: 'The highest card the case holds' }),
    raisedCount: z.number().int().openapi({ description: 'Residents who raised it (1 + linked duplicates)' }),
    redoCount: z.number().int(),
    copiedToLeader: z.boolean(),
    takenOver: z.boolean(),
    version: z.number().int().openapi({ description: 'Send back as expectedVersion to act only on what you saw' }),
  })
  .openapi('CaseSummary');

export const CaseEventSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(CASE_EVENT_KINDS),
    at: Instant,
    actor: z.string().nullable(),
    actorUnit: z.string().nullable(),
    fromState: z.enum(CASE_STATES).nullable(),
    toState: z.enum(CASE_STATES).nullable(),
    fromUnit: z.string().nullable(),
    toUnit: z.string().nullable(),
    note: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('CaseEvent');

export const CaseDetailSchema = CaseSummarySchema.extend({
  description: z.string(),
  reporterName: z.string().nullable(),
  reporterPhone: z.string().nullable(),
  personalDataMasked: z
    .boolean()
    .openapi({ description: 'True when the reader does not handle the case: name and phone are masked' }),
  resolution: z.string().nullable(),
  satisfaction: z.string().nullable(),
  closureReason: z.string().nullable(),
  duplicateOfId: z.number().int().nullable(),
  photos: z.array(z.object({ id: z.number().int(), contentType: z.string(), fileName: z.string().nullable() })),
  cards: z.array(z.object({ colour: z.enum(CARD_COLOURS), unit: z.string(), thresholdAt: Instant })),
  timeline: z.array(CaseEventSchema),
  allowedActions: z
    .array(z.enum(CASE_ACTIONS))
    .openapi({ description: 'What this reader may do now (the same rule the server enforces)' }),
}).openapi('CaseDetail');

export const DuplicateCandidateSchema = z
  .object({
    id: z.number().int(),
    trackingCode: z.string(),
    title: z.string(),
    state: z.enum(CASE_STATES),
    createdAt: Instant,
    metres: z.number().nullable(),
    samePhone: z.boolean(),
    similarity: z.number().openapi({ description: 'Text similarity 0–1' }),
    raisedCount: z.number().int(),
  })
  .openapi('DuplicateCandidate');

export const IntakeResultSchema = z
  .object({
    case: CaseDetailSchema,
    likelyDuplicates: z.array(DuplicateCandidateSchema),
  })
  .openapi('IntakeResult');

export const PublicCaseSchema = z
  .object({
    trackingCode: z.string(),
    title: z.string(),
    category: z.string(),
    state: z.enum(CASE_STATES),
    createdAt: Instant,
    handledBy: z.string(),
    resolution: z.string().nullable(),
    steps: z.array(z.object({ kind: z.enum(CASE_EVENT_KINDS), at: Instant, unit: z.string().nullable() })),
  })
  .openapi('PublicCase');

export const CategorySchema = z
  .object({
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    routing: z.enum(['village', 'town', 'department']).nullable(),
    departmentUnitId: z.number().int().nullable(),
    answerWorkingDays: z.number().int().nullable(),
    active: z.boolean(),
    keywords: z
      .array(z.string())
      .openapi({
        description: 'Words that suggest this category (used for guessing a message’s category and by the desk’s search)',
      }),
    children: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        nameEn: z.string(),
        routing: z.enum(['village', 'town', 'department']).nullable(),
        departmentUnitId: z.number().int().nullable(),
        answerWorkingDays: z.number().int().nullable(),
        active: z.boolean(),
        keywords: z.array(z.string()),
      }),
    ),
  })
  .openapi('Category');

export const UnitSchema = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    kind: z.enum(UNIT_KINDS),
    ladderLevel: z.number().int(),
    regionCode: z.string(),
  })
  .openapi('Unit');

export const ActorSchema = z
  .object({
    userId: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    role: z.string(),
    unitId: z.number().int().nullable(),
    unitName: z.string().nullable(),
    unitKind: z.enum(UNIT_KINDS).nullable(),
    unitLevel: z.number().int().nullable(),
    regionCode: z.string(),
    regionLevel: z.enum(['district', 'town', 'village']),
  })
  .openapi('User');
