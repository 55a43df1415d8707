import { createHash } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  EmailMessage,
  ErrorBody,
  type Settings,
  TRIAGE_MAX_BATCH,
  TriageBatchResponse,
  TriageFeedbackRequest,
  TriageFeedbackResponse,
  TriageParams,
  TriageRequest,
  TriageResult,
} from '@steward/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { userKeyOf } from '../../ai/db-usage.ts';
import { mayShareWithModel } from '../../ai/privacy.ts';
import { indexInputOf, indexMessages } from '../../ask/indexing.ts';
import { domainOf } from '../../mail/addresses.ts';
import type { NormalisedMessage } from '../../mail/types.ts';
import { recordSender } from '../../reach/senders.ts';
import type { StoredTriage } from '../../storage/triage.ts';
import { mergeSettings } from '../../storage/users.ts';
import { withCrmContext } from '../../triage/crm.ts';
import { learnCorrection } from '../../triage/local.ts';
import { correctedTriage } from '../../triage/service.ts';
import { HttpError } from '../errors.ts';

export const MAX_BATCH = TRIAGE_MAX_BATCH;

const checkMessage = Compile(EmailMessage);

/** What a cached result depends on besides the user's settings and rules (changing those clears the cache). */
function contentHash(
  message: EmailMessage,
  me: string[],
  thread: NormalisedMessage[] | undefined,
  engine: string,
): string {
  return createHash('sha256')
    .update(JSON.stringify([message, me, thread?.map((m) => [m.id, m.from?.address, m.date]) ?? [], engine]))
    .digest('base64url');
}

function describeItemError(error: unknown): { code: string; message: string } {
  if (error instanceof HttpError) return { code: error.code, message: error.message };
  return { code: 'unprocessable_message', message: 'This message could not be read.' };
}

export async function triageRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { triage } = app.services;

  function meOf(request: FastifyRequest, me: string[] | undefined): string[] {
    const identityEmail = request.user?.identity.email;
    return me ?? (identityEmail ? [identityEmail] : []);
  }

  /** Ask Steward's index of what the client sends, from the copy it sent (no second download). */
  async function indexForAsk(
    request: FastifyRequest,
    normalised: NormalisedMessage,
    settings: Settings,
    me: string[],
    labels: string[] | undefined,
  ): Promise<void> {
    await indexMessages(
      request.store.mailIndex,
      [
        indexInputOf(normalised, {
          fromMe: normalised.from ? me.includes(normalised.from.address) : false,
          modelAllowed: mayShareWithModel(normalised, settings.neverSendToModel, labels),
        }),
      ],
      app.services.embedder,
    );
  }

  /**
   * One message: one query for the user's context and any cached result, the engine, one write for the
   * result and its audit entry.
   */
  async function triageOne(
    request: FastifyRequest,
    message: EmailMessage,
    thread: NormalisedMessage[] | undefined,
    me: string[],
  ): Promise<TriageResult> {
    const hash = contentHash(message, me, thread, triage.provider);
    const ctx = await request.store.triage.context(message.id, hash);
    const cached = ctx.cached;
    if (cached) {
      // A message triaged before Ask Steward was turned on is indexed the next time a client sends it
      // (one lookup by id while the index is on; nothing when it is already indexed).
      const settings = mergeSettings(ctx.settings);
      if (settings.mailIndex && (await request.store.mailIndex.get({ messageIds: [message.id] })).length === 0)
        await indexForAsk(request, await app.services.cpu.normalise(message), settings, me, message.labels);
      return withCrm(request, cached.result, cached.sender, me);
    }
    const settings = mergeSettings(ctx.settings);
    const normalised = await app.services.cpu.normalise(message);
    const result = await triage.triage(
      {
        settings,
        rules: ctx.rules,
        personal: ctx.personal,
        userKey: userKeyOf(request.store.scope),
      },
      normalised,
      { me, ...(thread ? { thread } : {}), ...(message.labels ? { labels: message.labels } : {}) },
    );
    // Messages the client sends are indexed too when the user opted in (Ask Steward).
    if (settings.mailIndex) await indexForAsk(request, normalised, settings, me, message.labels);
    const stored: StoredTriage = { result, sender: normalised.from?.address };
    await request.store.triage.saveResultAudited(message.id, hash, stored, triage.provider, {
      action: 'triage',
      detail: { messageId: message.id, engine: triage.provider },
    });
    // Bulk senders seen from the add-ins are listed for unsubscribe like those seen by mailbox sync.
    const from = normalised.from?.address;
    if (from && !me.includes(from)) {
      await recordSender(app.services.storage.db, request.store.scope, {
        message: normalised,
        category: result.category,
        receivedAt: normalised.date ?? new Date(),
      });
    }
    return withCrm(request, result, from, me);
  }

  /** CRM context is added on the way out (not cached with the result), so it follows the CRM's own TTL. */
  async function withCrm(
    request: FastifyRequest,
    result: TriageResult,
    sender: string | undefined,
    me: string[],
  ): Promise<TriageResult> {
    if (!sender || me.includes(sender)) return result;
    const context = await app.services.reach.crm.contextFor(request.store.scope.tenantId, sender);
    return withCrmContext(result, context);
  }

  app.post(
    '/triage',
    {
      schema: {
        tags: ['triage'],
        summary: 'Triage one message, or a batch of up to 100',
        description:
          "Send `message` (with optional `thread`, oldest first) for one result, or `messages` for a batch answered item by item: a bad item gets its own `{id, error}` and the rest go on. `me` lists the user's addresses (default: the signed-in address). Results are cached by message id and content.",
        body: TriageRequest,
        response: { 200: Type.Union([TriageResult, TriageBatchResponse]), 400: ErrorBody },
      },
    },
    async (request) => {
      const body = request.body;
      if ((body.message === undefined) === (body.messages === undefined)) {
        throw new HttpError(400, 'invalid_body', 'Send either "message" or "messages", not both and not neither.');
      }
      const me = meOf(request, body.me);
      if (body.message) {
        const thread = body.thread
          ? await Promise.all(body.thread.map((m) => app.services.cpu.normalise(m)))
          : undefined;
        return triageOne(request, body.message, thread, me);
      }
      const results = [];
      for (const [index, item] of (body.messages ?? []).entries()) {
        const id =
          typeof (item as { id?: unknown })?.id === 'string' ? String((item as { id: string }).id) : String(index);
        if (!checkMessage.Check(item)) {
          const first = checkMessage.Errors(item)[0];
          results.push({
            id,
            error: {
              code: 'invalid_message',
              message: `messages[${index}]${first?.instancePath ?? ''} ${first?.message ?? 'is not a valid message'}`,
            },
          });
          continue;
        }
        try {
          results.push(await triageOne(request, item as EmailMessage, undefined, me));
        } catch (error) {
          request.log.warn({ err: { message: (error as Error).message }, index }, 'batch item failed');
          results.push({ id, error: describeItemError(error) });
        }
      }
      return { results };
    },
  );

  app.get(
    '/triage/:messageId',
    {
      schema: {
        tags: ['triage'],
        summary: 'The stored result for a message triaged before',
        params: TriageParams,
        response: { 200: TriageResult, 404: ErrorBody },
      },
    },
    async (request) => {
      const { messageId } = request.params;
      const cached = await request.store.triage.result(messageId);
      if (!cached)
        throw new HttpError(404, 'not_found', 'No triage result for this message; POST it to /v1/triage first.');
      return cached.result;
    },
  );

  app.post(
    '/triage/feedback',
    {
      schema: {
        tags: ['triage'],
        summary: 'Correct a category ("fix category")',
        description:
          'Stores the correction. Later results follow it: a sender or domain rule, and the personal model learns from the message when it is sent along. Nothing is moved or deleted in the mailbox.',
        body: TriageFeedbackRequest,
        response: { 201: TriageFeedbackResponse, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.message && body.message.id !== body.messageId) {
        throw new HttpError(400, 'invalid_body', 'message.id must equal messageId.');
      }
      const store = request.store.triage;
      const cached = await store.result(body.messageId);
      const normalised = body.message ? await app.services.cpu.normalise(body.message) : undefined;
      const sender = normalised?.from?.address ?? cached?.sender;
      const scope = body.scope ?? (sender ? 'sender' : 'message');
      if (scope !== 'message' && !sender) {
        throw new HttpError(
          400,
          'sender_unknown',
          `A ${scope} rule needs the sender: send the message along, or triage it first.`,
        );
      }

      let rule: { kind: 'sender' | 'domain'; value: string } | null = null;
      if (scope === 'sender' && sender) rule = { kind: 'sender', value: sender };
      if (scope === 'domain' && sender) rule = { kind: 'domain', value: domainOf(sender) };
      if (rule) await store.upsertRule({ ...rule, category: body.category });
      if (normalised) {
        const personal = await store.personalModel();
        await store.savePersonalModel(learnCorrection(personal, normalised, body.category));
      }
      const saved = await store.recordFeedback({
        messageId: body.messageId,
        category: body.category,
        previousCategory: cached?.result.category,
        scope,
        sender,
      });
      // Earlier results may now be wrong; they are recomputed on next use. This message keeps the user's choice.
      await store.forgetResults();
      let corrected: TriageResult | null = null;
      if (cached) {
        const label = (await request.store.settings()).categories[body.category].displayName;
        corrected = correctedTriage(cached.result, body.category, label);
        await store.saveResult(body.messageId, 'user-correction', { result: corrected, sender }, 'user');
      }
      await request.store.audit('triage.feedback', { messageId: body.messageId, category: body.category, scope });
      return reply.status(201).send({
        id: saved.id,
        messageId: body.messageId,
        category: body.category,
        previousCategory: cached?.result.category ?? null,
        scope,
        rule,
        createdAt: saved.createdAt.toISOString(),
        triage: corrected,
      });
    },
  );
}
