import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AskRequest,
  AskResponse,
  Briefing,
  ErrorBody,
  type Settings,
  ThreadSummary,
  ThreadSummaryRequest,
} from '@steward/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { userKeyOf } from '../../ai/db-usage.ts';
import { mayShareWithModel } from '../../ai/privacy.ts';
import { askQuestion } from '../../ask/answer.ts';
import { buildBriefing } from '../../ask/briefing.ts';
import { summariseThreadLocally } from '../../ask/summary.ts';
import { summariseThreadWithModel } from '../../ask/thread-model.ts';
import { HttpError } from '../errors.ts';

const INDEX_OFF =
  'Ask Steward searches your mail index, which is off. Turn it on in Settings (mailIndex); Steward then indexes the mail it syncs.';

async function indexedSettings(request: FastifyRequest): Promise<Settings> {
  const settings = await request.store.settings();
  if (!settings.mailIndex) throw new HttpError(409, 'mail_index_off', INDEX_OFF);
  return settings;
}

/** Ask Steward (issue 19): questions over the user's own mail, thread summaries, the morning briefing. */
export async function askRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ai, storage } = app.services;

  app.post(
    '/ask',
    {
      schema: {
        tags: ['ask'],
        summary: 'Ask a question about my mail',
        description:
          'Searches the mail index (text, and embeddings when configured) and answers with the passages it found, each cited by message and verbatim quote. Time words ("last week") limit the messages to that window. With a model configured every sentence of its answer is checked against its citation; unsupported ones are dropped. `found` is false when the index holds no answer.',
        body: AskRequest,
        response: { 200: AskResponse, 400: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => {
      const { question } = request.body;
      if (!question.trim()) throw new HttpError(400, 'invalid_body', 'body.question is empty.');
      const settings = await indexedSettings(request);
      const mailboxes = await request.store.mailboxes.list();
      return askQuestion(
        {
          store: request.store.mailIndex,
          settings,
          ...(ai.model ? { model: ai.model } : {}),
          ...(app.services.embedder ? { embedder: app.services.embedder } : {}),
          providers: new Map(mailboxes.map((m) => [m.id, m.provider])),
          userKey: userKeyOf(request.store.scope),
        },
        question,
      );
    },
  );

  app.post(
    '/threads/summary',
    {
      schema: {
        tags: ['ask'],
        summary: 'Summarise an indexed thread',
        description:
          'Who wants what, decisions and open questions, each with the message it came from and a verbatim quote. 404 when the thread is not in your index.',
        body: ThreadSummaryRequest,
        response: { 200: ThreadSummary, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => {
      const { threadId } = request.body;
      const settings = await indexedSettings(request);
      const messages = await request.store.mailIndex.thread(threadId);
      if (messages.length === 0) throw new HttpError(404, 'not_found', 'No indexed thread has this id.');
      const local = summariseThreadLocally(threadId, messages);
      // A message the never-send-to-model lists cover keeps the whole summary local.
      const shareable = messages.every(
        (m) => m.modelAllowed && mayShareWithModel({ from: { address: m.sender } }, settings.neverSendToModel),
      );
      if (!ai.model || !shareable) return local;
      try {
        return (
          (await summariseThreadWithModel(ai.model, threadId, messages, {
            userKey: userKeyOf(request.store.scope),
          })) ?? local
        );
      } catch {
        return local;
      }
    },
  );

  app.get(
    '/briefing',
    {
      schema: {
        tags: ['ask'],
        summary: 'My morning briefing',
        description:
          "What needs a reply (by priority and age), replies you are waiting for past followUpAfterDays, and today's meetings from the connected calendar with the threads that mention them.",
        response: { 200: Briefing },
      },
    },
    async (request) => {
      const settings = await request.store.settings();
      const calendar = app.services.calendars
        ? await app.services.calendars(request.store.scope).catch(() => undefined)
        : undefined;
      return buildBriefing({
        db: storage.db,
        scope: request.store.scope,
        settings,
        store: request.store.mailIndex,
        ...(calendar ? { calendar } : {}),
      });
    },
  );
}
