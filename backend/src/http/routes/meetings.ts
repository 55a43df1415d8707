import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ErrorBody,
  IdParams,
  MeetingNotesRecord,
  NotesBody,
  NotesList,
  NotesListQuery,
  type TranscriptFormat,
  TranscriptionResponse,
  TranscriptTurns,
} from '@steward/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { Type } from 'typebox';
import { userKeyOf } from '../../ai/db-usage.ts';
import { type Transcriber, TranscriptionError, transcriberFromConfig } from '../../ai/transcription.ts';
import { parseTranscript } from '../../notes/transcript.ts';
import {
  type BlobStore,
  createBlobStore,
  newMeetingBlobKey,
  ownsBlobKey,
  userBlobPrefix,
} from '../../storage/blobs.ts';
import type { StoredNotes } from '../../storage/notes.ts';
import { HttpError } from '../errors.ts';

/**
 * Transcripts are long: a one-hour meeting is 50–100 kB of WebVTT, a full day a few MB. This route takes up
 * to 4 MiB (or BODY_LIMIT_BYTES when that is larger), whatever the app-wide limit; more answers 413.
 */
export const NOTES_BODY_LIMIT = 4 * 1024 * 1024;
/** The largest audio upload, the limit of OpenAI's transcription endpoint. */
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;

/** Transcript errors from the notes engine, by status: the request's fault (400), or content we cannot use (422). */
const ERROR_STATUS: Record<string, number> = {
  invalid_meeting_date: 400,
  invalid_time_zone: 400,
  too_large: 413,
  empty_transcript: 422,
  binary_input: 422,
  not_a_transcript: 422,
};

const CONTENT_TYPE: Record<TranscriptFormat, string> = {
  vtt: 'text/vtt; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

const AUDIO_EXTENSION = /\.(?:mp3|mp4|mpeg|mpga|m4a|wav|webm|ogg|oga|opus|flac|aac|mkv|mov)$/i;
const AUDIO_TYPE = /^(?:audio\/[\w.+-]+|video\/(?:mp4|webm|mpeg|quicktime|x-matroska|ogg))$/i;

const transcriptKeyOf = (folder: string) => `${folder}/transcript`;
const audioKeyOf = (folder: string) => `${folder}/audio`;

function toRecord(stored: StoredNotes) {
  return {
    id: stored.id,
    title: stored.title,
    meetingDate: stored.meetingDate,
    createdAt: stored.createdAt,
    ...stored.notes,
  };
}

export interface MeetingRoutesOptions {
  /** Where transcripts and audio go (default: from the configuration, DATA_DIR/blobs or S3). */
  blobs?: BlobStore;
  /** Speech to text (default: from the configuration; null turns it off). */
  transcriber?: Transcriber | null;
}

export async function meetingRoutes(fastify: FastifyInstance, options: MeetingRoutesOptions = {}): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { config, notes: notesService } = app.services;
  const blobs = options.blobs ?? (await createBlobStore(config));
  const transcriber = options.transcriber === null ? undefined : (options.transcriber ?? transcriberFromConfig(config));
  // Delete-my-data also removes every transcript and recording, including uploads never turned into notes.
  app.services.userDeletion.push((scope) => blobs.deletePrefix(userBlobPrefix(scope)));

  // Only these routes parse multipart bodies (the plugin is encapsulated here).
  await app.register(multipart, {
    limits: { fileSize: MAX_AUDIO_BYTES, files: 1, fields: 10, fieldSize: 1000, parts: 20 },
  });

  app.post(
    '/meetings/notes',
    {
      bodyLimit: Math.max(NOTES_BODY_LIMIT, config.bodyLimitBytes),
      schema: {
        tags: ['meetings'],
        summary: 'Meeting notes from a transcript, kept for the user',
        description:
          'Send a WebVTT (Teams, Zoom, Meet), SRT, plain "Speaker: text" or JSON transcript; get a summary, decisions, action items with owners and due dates, open questions and a follow-up email in your voice. Every item cites the transcript turns it came from. The notes and the transcript are kept until you delete them. Bodies up to 4 MiB.',
        body: NotesBody,
        response: { 201: MeetingNotesRecord, 400: ErrorBody, 404: ErrorBody, 413: ErrorBody, 422: ErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { transcriptionId, ...notesRequest } = body;
      const scope = request.store.scope;
      const folder = transcriptionId
        ? `${scope.tenantId}/${scope.userId}/${transcriptionId}`
        : newMeetingBlobKey(scope);
      if (transcriptionId && !(await blobs.get(transcriptKeyOf(folder)))) {
        throw new HttpError(
          404,
          'transcription_not_found',
          'No transcription with this id; transcribe the audio again.',
        );
      }

      const [voice, settings] = await Promise.all([request.store.voice.get(), request.store.settings()]);
      const outcome = await notesService.notes(
        { userKey: userKeyOf(scope), settings, ...(voice ? { learnedVoice: voice.profile } : {}) },
        notesRequest,
      );
      if (!outcome.ok) {
        await request.store.audit('meetings.notes', { op: 'create', error: outcome.error.code });
        throw new HttpError(ERROR_STATUS[outcome.error.code] ?? 422, outcome.error.code, outcome.error.message);
      }

      // The notes matter more than the copy of the transcript: if the blob store is down, keep them anyway.
      let notes = outcome.notes;
      let transcriptKey: string | undefined;
      try {
        await blobs.put(
          transcriptKeyOf(folder),
          Buffer.from(notesRequest.transcript, 'utf8'),
          CONTENT_TYPE[notesRequest.format ?? 'txt'],
        );
        transcriptKey = folder;
      } catch (error) {
        request.log.warn({ err: { message: (error as Error).message } }, 'transcript not stored');
        notes = {
          ...notes,
          warnings: [
            ...(notes.warnings ?? []),
            'The transcript could not be kept; the notes are saved without it.',
          ].slice(0, 20),
        };
      }

      let stored: StoredNotes;
      try {
        stored = await request.store.notes.create({
          ...(notesRequest.title ? { title: notesRequest.title } : {}),
          ...(notesRequest.meetingDate
            ? {
                meetingDate: DateTime.fromISO(notesRequest.meetingDate, {
                  zone: notesRequest.timeZone ?? 'utc',
                }).toJSDate(),
              }
            : {}),
          notes,
          ...(transcriptKey ? { transcriptKey } : {}),
        });
      } catch (error) {
        if (transcriptKey && !transcriptionId) await blobs.delete(transcriptKeyOf(folder)).catch(() => undefined);
        throw error;
      }
      await request.store.audit('meetings.notes', {
        op: 'create',
        notesId: stored.id,
        engine: outcome.engine ?? 'local',
        turns: outcome.turns.length,
        ...(transcriptionId ? { transcriptionId } : {}),
      });
      return reply.status(201).send(toRecord(stored));
    },
  );

  app.get(
    '/meetings/notes',
    {
      schema: {
        tags: ['meetings'],
        summary: "The user's meeting notes, newest first",
        querystring: NotesListQuery,
        response: { 200: NotesList, 400: ErrorBody },
      },
    },
    async (request) => {
      const { limit: rawLimit } = request.query;
      const limit = rawLimit === undefined ? 50 : Number(rawLimit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        throw new HttpError(400, 'invalid_querystring', 'limit must be a whole number from 1 to 100.');
      }
      const items = await request.store.notes.list(limit);
      await request.store.audit('meetings.notes', { op: 'list', count: items.length });
      return { items: items.map(toRecord) };
    },
  );

  app.get(
    '/meetings/notes/:id',
    {
      schema: {
        tags: ['meetings'],
        summary: 'One set of meeting notes',
        params: IdParams,
        response: { 200: MeetingNotesRecord, 404: ErrorBody },
      },
    },
    async (request) => {
      const { id } = request.params;
      const stored = await request.store.notes.get(id);
      if (!stored) throw new HttpError(404, 'not_found', 'No meeting notes with this id.');
      await request.store.audit('meetings.notes', { op: 'read', notesId: id });
      return toRecord(stored);
    },
  );

  app.get(
    '/meetings/notes/:id/transcript',
    {
      schema: {
        tags: ['meetings'],
        summary: 'The speaker turns the notes cite',
        description:
          'The transcript as the numbered speaker turns that `sourceTurns` in the notes point at, so a client can show where an item came from.',
        params: IdParams,
        response: { 200: TranscriptTurns, 404: ErrorBody },
      },
    },
    async (request) => {
      const { id } = request.params;
      const stored = await request.store.notes.get(id);
      if (!stored) throw new HttpError(404, 'not_found', 'No meeting notes with this id.');
      const bytes = stored.transcriptKey ? await blobs.get(transcriptKeyOf(stored.transcriptKey)) : undefined;
      if (!bytes) throw new HttpError(404, 'transcript_not_stored', 'The transcript of these notes was not kept.');
      const parsed = parseTranscript(bytes.toString('utf8'));
      if (!parsed.ok) throw new HttpError(404, 'transcript_not_stored', 'The stored transcript can no longer be read.');
      await request.store.audit('meetings.notes', { op: 'read_transcript', notesId: id });
      return { turns: parsed.turns.map((turn, index) => ({ index, ...turn })) };
    },
  );

  app.delete(
    '/meetings/notes/:id',
    {
      schema: {
        tags: ['meetings'],
        summary: 'Delete meeting notes, with their transcript and audio',
        params: IdParams,
        response: { 204: Type.Null(), 404: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const stored = await request.store.notes.get(id);
      if (!stored) throw new HttpError(404, 'not_found', 'No meeting notes with this id.');
      // Blobs first: if the store fails, the notes stay and the user can try again; nothing is left orphaned.
      if (stored.transcriptKey && ownsBlobKey(request.store.scope, stored.transcriptKey)) {
        try {
          await blobs.delete(transcriptKeyOf(stored.transcriptKey));
          await blobs.delete(audioKeyOf(stored.transcriptKey));
        } catch (error) {
          request.log.error({ err: { message: (error as Error).message } }, 'blob delete failed');
          throw new HttpError(
            503,
            'storage_unavailable',
            'The transcript could not be deleted just now; the notes are kept. Try again later.',
          );
        }
      }
      await request.store.notes.delete(id);
      await request.store.audit('meetings.notes', { op: 'delete', notesId: id });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/meetings/transcribe',
    {
      schema: {
        tags: ['meetings'],
        summary: 'A transcript from meeting audio',
        description: `multipart/form-data with one audio file (mp3, m4a, wav, webm, ogg, flac; up to ${MAX_AUDIO_BYTES / 1024 / 1024} MiB) and optionally a "language" field (ISO 639-1) before it. The audio goes to the OpenAI-compatible transcription endpoint the server is configured with; without one the answer is 501 transcription_unavailable. The audio is kept until the notes made from it are deleted.`,
        consumes: ['multipart/form-data'],
        response: {
          201: TranscriptionResponse,
          400: ErrorBody,
          413: ErrorBody,
          415: ErrorBody,
          422: ErrorBody,
          501: ErrorBody,
          503: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      if (!transcriber) {
        throw new HttpError(
          501,
          'transcription_unavailable',
          'Audio transcription is not configured on this server (set TRANSCRIBE_BASE_URL or TRANSCRIBE_API_KEY). Send a transcript to POST /v1/meetings/notes instead.',
        );
      }
      if (!request.isMultipart()) {
        throw new HttpError(415, 'unsupported_media_type', 'Send the audio as multipart/form-data with one file part.');
      }
      const audio = await readAudioUpload(request);
      const scope = request.store.scope;
      const folder = newMeetingBlobKey(scope);
      let kept = false;
      try {
        await blobs.put(audioKeyOf(folder), audio.bytes, audio.contentType);
        kept = true;
      } catch (error) {
        request.log.warn({ err: { message: (error as Error).message } }, 'audio not stored');
      }
      const forget = async () => {
        if (kept) await blobs.delete(audioKeyOf(folder)).catch(() => undefined);
      };

      let result: Awaited<ReturnType<Transcriber['transcribe']>>;
      try {
        result = await transcriber.transcribe(audio, audio.language ? { language: audio.language } : {});
      } catch (error) {
        await forget();
        await request.store.audit('meetings.transcribe', {
          error: error instanceof TranscriptionError ? error.kind : 'failed',
        });
        if (error instanceof TranscriptionError && error.kind === 'rejected') {
          throw new HttpError(
            422,
            'audio_rejected',
            `The ${error.message}; send mp3, m4a, wav, webm, ogg or flac audio.`,
          );
        }
        request.log.warn({ err: { message: (error as Error).message } }, 'transcription failed');
        throw new HttpError(
          503,
          'transcription_failed',
          `Transcription failed: ${error instanceof TranscriptionError ? error.message : 'the service did not answer'}. Try again later.`,
        );
      }
      if (!result.transcript.trim()) {
        await forget();
        throw new HttpError(422, 'no_speech', 'No speech was recognised in this audio.');
      }
      if (kept) {
        try {
          await blobs.put(transcriptKeyOf(folder), Buffer.from(result.transcript, 'utf8'), CONTENT_TYPE[result.format]);
        } catch (error) {
          request.log.warn({ err: { message: (error as Error).message } }, 'transcript not stored');
          await forget();
          kept = false;
        }
      }
      const transcriptionId = folder.split('/').at(-1) as string;
      await request.store.audit('meetings.transcribe', {
        ...(kept ? { transcriptionId } : {}),
        bytes: audio.bytes.length,
        model: transcriber.model,
      });
      return reply.status(201).send({
        ...(kept ? { transcriptionId } : {}),
        transcript: result.transcript,
        format: result.format,
        ...(result.language ? { language: result.language } : {}),
        ...(result.durationSeconds !== undefined ? { durationSeconds: result.durationSeconds } : {}),
      });
    },
  );
}

interface AudioUpload {
  bytes: Buffer;
  filename: string;
  contentType: string;
  language?: string;
}

/** The one audio file of a multipart upload, with the optional language field; limits become clear errors. */
async function readAudioUpload(request: FastifyRequest): Promise<AudioUpload> {
  let upload: AudioUpload | undefined;
  let language: string | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === 'language') language = String(part.value).trim().toLowerCase();
        continue;
      }
      if (upload) {
        await part.toBuffer();
        throw new HttpError(400, 'too_many_files', 'Send one audio file per request.');
      }
      const filename = (part.filename || 'audio').replace(/[^\w.-]/g, '_').slice(-100);
      const contentType = part.mimetype || 'application/octet-stream';
      const bytes = await part.toBuffer();
      if (!AUDIO_TYPE.test(contentType) && !AUDIO_EXTENSION.test(filename)) {
        throw new HttpError(
          415,
          'unsupported_audio',
          `"${contentType}" is not audio; send mp3, m4a, wav, webm, ogg or flac.`,
        );
      }
      upload = {
        bytes,
        filename,
        contentType: AUDIO_TYPE.test(contentType) ? contentType : 'application/octet-stream',
      };
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new HttpError(
        413,
        'audio_too_large',
        `The audio is larger than ${MAX_AUDIO_BYTES / 1024 / 1024} MiB; split the recording or compress it.`,
      );
    }
    if (code === 'FST_FILES_LIMIT') throw new HttpError(400, 'too_many_files', 'Send one audio file per request.');
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PROTO_VIOLATION') {
      throw new HttpError(
        400,
        'invalid_multipart',
        'The form holds too many or forbidden fields; send one audio file and at most a "language" field.',
      );
    }
    throw new HttpError(400, 'invalid_multipart', 'The multipart body could not be read.');
  }
  if (!upload)
    throw new HttpError(400, 'missing_audio', 'The form holds no audio file; send it as a file part named "file".');
  if (upload.bytes.length === 0) throw new HttpError(400, 'empty_audio', 'The audio file is empty.');
  if (language !== undefined && !/^[a-z]{2,3}$/.test(language)) {
    throw new HttpError(400, 'invalid_language', 'language must be an ISO 639-1 code such as "en" or "de".');
  }
  return { ...upload, ...(language ? { language } : {}) };
}
