/**
 * Inbound message webhooks, one per channel: POST /api/intake/sms,
 * /api/intake/wechat, /api/intake/email. A gateway (SMS platform, WeChat
 * official account server, mail relay) posts each message as JSON with the
 * shared secret in X-Minqing-Webhook-Token; the message becomes a case (see
 * cases/message-intake.service.ts). Payloads are documented in
 * docs/api/webhooks.md. While INTAKE_WEBHOOK_TOKEN is unset the webhooks
 * answer 503 and say so.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { COORDINATE_SYSTEMS } from '@minqing/shared';
import type { MiddlewareHandler } from 'hono';
import { registerMessage, type InboundMessage, type MessageIntakeResult } from '../cases/message-intake.service.ts';
import { InvalidInputError, UnauthorizedError, UnavailableError } from '../errors.ts';
import { createRouter } from '../http/router.ts';
import { errorResponses } from '../schemas/common.schema.ts';
import type { RouteDependencies } from './dependencies.ts';

export const WEBHOOK_TOKEN_HEADER = 'X-Minqing-Webhook-Token';

const PHONE_PATTERN = /^\+?[0-9][0-9\s()-]{4,19}$/;
/** A mainland mobile number in free text (联系电话13812345678). */
const MOBILE_IN_TEXT = /(?<![0-9])1[3-9][0-9]{9}(?![0-9])/;

const messageId = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .optional()
  .openapi({ description: 'The channel’s id of the message. The same id again answers with the case it made (no second case).' });
const text = z.string({ message: 'is required' }).trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters');
const receivedAt = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-23T09:30:00+08:00' })
  .optional()
  .openapi({ description: 'When the gateway received the message' });
const phone = z.string({ message: 'is required' }).trim().regex(PHONE_PATTERN, 'must be a phone number');

const SmsSchema = z
  .object({
    messageId,
    from: phone.openapi({ description: 'The sender’s phone number', example: '13812345678' }),
    text: text.openapi({ example: '石碾村3组12号门口下水道堵了，污水漫到路上' }),
    receivedAt,
  })
  .strict()
  .openapi('SmsMessage');

const WechatSchema = z
  .object({
    messageId,
    openId: z
      .string({ message: 'is required' })
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a WeChat openId (letters, digits, - and _)'),
    nickname: z.string().trim().max(50, 'must be at most 50 characters').optional(),
    phone: phone.optional().openapi({ description: 'A phone number the resident gave (else one found in the text)' }),
    text,
    location: z
      .object({
        lon: z.number({ message: 'must be a number' }).min(-180, 'must be at least -180').max(180, 'must be at most 180'),
        lat: z.number({ message: 'must be a number' }).min(-90, 'must be at least -90').max(90, 'must be at most 90'),
        coordinateSystem: z
          .enum(COORDINATE_SYSTEMS, { message: `must be one of ${COORDINATE_SYSTEMS.join(', ')}` })
          .default('GCJ02'),
      })
      .strict()
      .optional()
      .openapi({ description: 'A location the resident shared; WeChat sends GCJ-02 (the default)' }),
    address: z.string().trim().max(200, 'must be at most 200 characters').optional(),
    receivedAt,
  })
  .strict()
  .openapi('WechatMessage');

const EmailSchema = z
  .object({
    messageId,
    from: z
      .string({ message: 'is required' })
      .trim()
      .max(320, 'must be at most 320 characters')
      .openapi({ example: '黄昌术 <huang@example.com>' }),
    subject: z.string().trim().max(200, 'must be at most 200 characters').optional(),
    text,
    receivedAt,
  })
  .strict()
  .openapi('EmailMessage');

const WebhookResultSchema = z
  .object({
    caseId: z.number().int(),
    trackingCode: z.string().openapi({ example: '261123-7K4P9M-Q' }),
    state: z.string(),
    categoryCode: z.string(),
    categoryGuessed: z.boolean(),
    located: z.boolean(),
    placeSource: z.enum(['message_location', 'message_address', 'text']).nullable(),
    repeated: z.boolean(),
    trackUrl: z.string(),
  })
  .openapi('WebhookResult');

/** "黄昌术 <huang@example.com>" or "huang@example.com" → name and address. */
export function parseMailbox(value: string): { name: string | null; address: string } | null {
  const named = /^\s*"?([^"<>]*?)"?\s*<([^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)>\s*$/.exec(value);
  if (named) return { name: named[1]!.trim() || null, address: named[2]!.toLowerCase() };
  const bare = /^\s*([^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)\s*$/.exec(value);
  return bare ? { name: null, address: bare[1]!.toLowerCase() } : null;
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function requireWebhookToken(expected: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (expected === undefined) {
      throw new UnavailableError(
        'the message webhooks are off: set INTAKE_WEBHOOK_TOKEN on the server and send it in the X-Minqing-Webhook-Token header',
        'webhooks_off',
      );
    }
    const given = c.req.header(WEBHOOK_TOKEN_HEADER);
    if (!given)
      throw new UnauthorizedError(`send the webhook token in the ${WEBHOOK_TOKEN_HEADER} header`, 'webhook_token_missing');
    if (!sameSecret(given, expected)) throw new UnauthorizedError('the webhook token is wrong', 'webhook_token_wrong');
    await next();
  };
}

const responses = {
  200: {
    description: 'This message id was delivered before: the case it made then (repeated: true)',
    content: { 'application/json': { schema: WebhookResultSchema } },
  },
  201: {
    description: 'A case was registered (located: false → held in triage at the command center)',
    content: { 'application/json': { schema: WebhookResultSchema } },
  },
  400: errorResponses[400],
  401: { description: `Missing or wrong ${WEBHOOK_TOKEN_HEADER}`, content: errorResponses[400].content },
  503: {
    description: 'The webhooks are off (INTAKE_WEBHOOK_TOKEN unset), or the database is not ready',
    content: errorResponses[400].content,
  },
};

const webhookRoute = <T extends z.ZodType>(channel: string, schema: T, summary: string) =>
  createRoute({
    method: 'post',
    path: `/api/intake/${channel}`,
    tags: ['intake'],
    summary,
    description: `Authenticated by the shared secret in the ${WEBHOOK_TOKEN_HEADER} header (setting INTAKE_WEBHOOK_TOKEN). See docs/api/webhooks.md.`,
    request: { body: { content: { 'application/json': { schema } }, required: true } },
    responses,
  });

const smsRoute = webhookRoute('sms', SmsSchema, 'An SMS from a resident becomes a case (reporter phone: the sender)');
const wechatRoute = webhookRoute('wechat', WechatSchema, 'A WeChat message becomes a case (its location is GCJ-02)');
const emailRoute = webhookRoute('email', EmailSchema, 'An e-mail becomes a case (title: the subject)');

export function intakeWebhookRoutes({ db, clock, config }: RouteDependencies) {
  const router = createRouter();
  router.use('/api/intake/*', requireWebhookToken(config.intakeWebhookToken));

  const take = async (message: InboundMessage): Promise<[MessageIntakeResult & { trackUrl: string }, 200 | 201]> => {
    const result = await registerMessage({ db, clock }, message);
    return [{ ...result, trackUrl: `/api/public/cases/${result.trackingCode}` }, result.repeated ? 200 : 201];
  };
  const sentAt = (value: string | undefined) => (value === undefined ? undefined : new Date(value));
  const phoneIn = (value: string) => MOBILE_IN_TEXT.exec(value)?.[0];

  return router
    .openapi(smsRoute, async (c) => {
      const body = c.req.valid('json');
      const [result, status] = await take({
        channel: 'sms',
        messageId: body.messageId,
        sender: body.from,
        reporterPhone: body.from,
        text: body.text,
        sentAt: sentAt(body.receivedAt),
      });
      return c.json(result, status);
    })
    .openapi(wechatRoute, async (c) => {
      const body = c.req.valid('json');
      const [result, status] = await take({
        channel: 'wechat',
        messageId: body.messageId,
        sender: body.openId,
        reporterName: body.nickname,
        reporterPhone: body.phone ?? phoneIn(body.text),
        text: body.text,
        location: body.location,
        address: body.address,
        sentAt: sentAt(body.receivedAt),
      });
      return c.json(result, status);
    })
    .openapi(emailRoute, async (c) => {
      const body = c.req.valid('json');
      const mailbox = parseMailbox(body.from);
      if (!mailbox) {
        throw new InvalidInputError(
          'body field from: must be an e-mail address, e.g. huang@example.com or 黄昌术 <huang@example.com>',
          'invalid_request',
        );
      }
      const subject = body.subject && body.subject.length > 0 ? body.subject : undefined;
      const [result, status] = await take({
        channel: 'email',
        messageId: body.messageId,
        sender: mailbox.address,
        reporterName: mailbox.name?.slice(0, 50),
        reporterPhone: phoneIn(`${subject ?? ''} ${body.text}`),
        title: subject?.slice(0, 100),
        text: body.text,
        sentAt: sentAt(body.receivedAt),
      });
      return c.json(result, status);
    });
}
