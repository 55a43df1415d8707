import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CreateEventRequest,
  CreateEventResponse,
  ErrorBody,
  IcsRequest,
  SuggestRequest,
  SuggestResponse,
} from '@steward/shared';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { CalendarError } from '../../scheduling/calendar/port.ts';
import { buildInvite } from '../../scheduling/ics.ts';
import type { MeetingAskInput } from '../../scheduling/meeting-ask.ts';
import { suggestTimes } from '../../scheduling/suggest.ts';
import { HttpError } from '../errors.ts';

const HORIZON_DAYS = 21;

function checkInterval(start: string, end: string, field: string): void {
  const s = Date.parse(start);
  const e = Date.parse(end);
  if (Number.isNaN(s) || Number.isNaN(e))
    throw new HttpError(400, 'invalid_body', `${field} needs ISO 8601 start and end times.`);
  if (e <= s) throw new HttpError(400, 'invalid_body', `${field} ends before it starts.`);
}

export async function schedulingRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/scheduling/suggest',
    {
      schema: {
        tags: ['scheduling'],
        summary: 'Free times that answer a meeting ask',
        description:
          "Reads the ask from `message` (duration, proposed windows, participants, zones) or takes an explicit `request`, and returns slots that are free in the user's working hours — from `busy` supplied by the client plus the calendars Steward can read — with a proposal written in both zones. Times are computed by a deterministic solver, never by a language model.",
        body: SuggestRequest,
        response: { 200: SuggestResponse, 400: ErrorBody },
      },
    },
    async (request) => {
      const body = request.body;
      for (const [i, b] of (body.busy ?? []).entries()) checkInterval(b.start, b.end, `busy[${i}]`);
      for (const [i, w] of (body.request?.windows ?? []).entries())
        checkInterval(w.start, w.end, `request.windows[${i}]`);
      const settings = await request.store.settings();
      let message: MeetingAskInput | undefined;
      if (body.message) {
        const normalised = await app.services.cpu.normalise(body.message);
        message = {
          subject: normalised.subject,
          text: normalised.newText || normalised.text,
          // The header as written keeps the sender's UTC offset, a hint to their zone.
          date: body.message.date ?? normalised.headers.date ?? normalised.date,
          ...(normalised.from ? { from: normalised.from } : {}),
          to: normalised.to,
          cc: normalised.cc,
        };
      }
      const now = new Date();
      const busy = [...(body.busy ?? [])];
      const calendar = await app.services.calendars?.(request.store.scope);
      if (calendar) {
        const range = {
          start: now.toISOString(),
          end: new Date(now.getTime() + HORIZON_DAYS * 86_400_000).toISOString(),
        };
        try {
          busy.push(...(await calendar.getBusy(range, [])));
        } catch (error) {
          if (!(error instanceof CalendarError)) throw error;
          throw new HttpError(
            502,
            'calendar_unavailable',
            `Your calendar could not be read (${error.message}); try again, or send busy times.`,
          );
        }
      }
      const result = suggestTimes({
        ...(message ? { message } : {}),
        ...(body.request ? { request: body.request } : {}),
        busy,
        settings,
        now,
        ...(body.constraints ? { constraints: body.constraints } : {}),
      });
      await request.store.audit('scheduling.suggest', { slots: result.slots.length });
      return result;
    },
  );

  app.post(
    '/scheduling/ics',
    {
      schema: {
        tags: ['scheduling'],
        summary: 'An iCalendar invite for a chosen slot',
        description: 'Returns `text/calendar` (METHOD:REQUEST) for the client to attach or open. Nothing is sent.',
        body: IcsRequest,
        response: { 200: Type.String({ description: 'text/calendar' }), 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkInterval(body.start, body.end, 'the slot');
      const profile = await request.store.profile();
      const organizer =
        body.organizer ??
        (profile?.email
          ? { address: profile.email, ...(profile.display_name ? { name: profile.display_name } : {}) }
          : undefined);
      if (!organizer)
        throw new HttpError(
          400,
          'invalid_body',
          'Say who organises the meeting: body.organizer (your account has no email address).',
        );
      const ics = buildInvite({
        uid: body.uid ?? `${randomUUID()}@steward`,
        start: body.start,
        end: body.end,
        summary: body.summary,
        ...(body.description ? { description: body.description } : {}),
        ...(body.location ? { location: body.location } : {}),
        organizer,
        attendees: body.attendees,
      });
      await request.store.audit('scheduling.ics', {});
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', 'attachment; filename="invite.ics"')
        .send(ics);
    },
  );

  app.post(
    '/scheduling/events',
    {
      schema: {
        tags: ['scheduling'],
        summary: 'Create the event for a slot the user chose',
        description:
          "Only ever called on the user's click. Needs a connected calendar; Steward never accepts invitations on the user's behalf.",
        body: CreateEventRequest,
        response: { 201: CreateEventResponse, 400: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkInterval(body.start, body.end, 'the slot');
      const calendar = await app.services.calendars?.(request.store.scope);
      if (!calendar) {
        throw new HttpError(
          409,
          'calendar_not_connected',
          'Connect a Microsoft 365 or Google calendar first, or download the invite (POST /v1/scheduling/ics).',
        );
      }
      try {
        const created = await calendar.createEvent(body);
        await request.store.audit('scheduling.event_created', { eventId: created.id });
        return reply.status(201).send(created);
      } catch (error) {
        if (!(error instanceof CalendarError)) throw error;
        // Only read-only calendars (ICS feeds) are connected.
        if (error.status === 409)
          throw new HttpError(
            409,
            'calendar_not_connected',
            `Connect a Microsoft 365 or Google calendar first, or download the invite (POST /v1/scheduling/ics): ${error.message}.`,
          );
        throw new HttpError(502, 'calendar_unavailable', `The event could not be created (${error.message}).`);
      }
    },
  );
}
