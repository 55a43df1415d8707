/**
 * Speech to text through any OpenAI-compatible `/audio/transcriptions` endpoint (OpenAI, a faster-whisper
 * or whisper.cpp server, vLLM, LocalAI). The answer becomes a WebVTT transcript with times, and with
 * speakers when the endpoint diarises, ready for the notes engine.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, toFile } from 'openai';
import type { Config } from '../config.ts';

export interface AudioInput {
  bytes: Buffer;
  filename: string;
  contentType: string;
}

export interface Transcription {
  transcript: string;
  format: 'vtt' | 'txt';
  language?: string;
  durationSeconds?: number;
}

export interface Transcriber {
  readonly model: string;
  transcribe(audio: AudioInput, opts?: { language?: string; signal?: AbortSignal }): Promise<Transcription>;
}

/** Why a transcription failed, in terms the route turns into a status: the audio, or the service. */
export class TranscriptionError extends Error {
  override readonly name = 'TranscriptionError';
  constructor(
    message: string,
    readonly kind: 'rejected' | 'unavailable',
    readonly status?: number,
  ) {
    super(message);
  }
}

interface Segment {
  start?: number;
  end?: number;
  text?: string;
  speaker?: string;
}
interface TranscriptionAnswer {
  text?: string;
  language?: string;
  duration?: number;
  segments?: Segment[];
}

function timestamp(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** Timed segments as WebVTT (speakers as voice tags); plain text when the endpoint gave no segments. */
export function transcriptionToTranscript(answer: TranscriptionAnswer): Pick<Transcription, 'transcript' | 'format'> {
  const segments = (answer.segments ?? []).filter(
    (s) => typeof s.text === 'string' && s.text.trim() && typeof s.start === 'number' && typeof s.end === 'number',
  );
  if (segments.length === 0) return { transcript: (answer.text ?? '').trim(), format: 'txt' };
  const cues = segments.map((segment) => {
    const text = (segment.text ?? '')
      .trim()
      .replace(/\n{2,}/g, '\n')
      .replace(/-->/g, '->');
    const speaker = segment.speaker?.trim().replace(/[<>]/g, '');
    const start = segment.start ?? 0;
    const end = Math.max(start, segment.end ?? start);
    return `${timestamp(start)} --> ${timestamp(end)}\n${speaker ? `<v ${speaker}>${text}</v>` : text}`;
  });
  return { transcript: `WEBVTT\n\n${cues.join('\n\n')}\n`, format: 'vtt' };
}

/** The response format a model accepts: diarising models answer with speakers, gpt-4o transcribers only JSON. */
function responseFormatFor(model: string): 'verbose_json' | 'json' | 'diarized_json' {
  if (/diariz/i.test(model)) return 'diarized_json';
  if (/^gpt-4o/i.test(model)) return 'json';
  return 'verbose_json';
}

export function createOpenAiTranscriber(
  cfg: { baseUrl?: string; apiKey?: string; model: string; timeoutMs: number },
  deps: { fetch?: typeof fetch } = {},
): Transcriber {
  const client = new OpenAI({
    ...(cfg.baseUrl ? { baseURL: cfg.baseUrl } : {}),
    // Self-hosted servers need no key, but the SDK insists on one.
    apiKey: cfg.apiKey || 'not-needed',
    timeout: cfg.timeoutMs,
    maxRetries: 2,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });

  const call = async (
    audio: AudioInput,
    format: 'verbose_json' | 'json' | 'diarized_json',
    opts: { language?: string; signal?: AbortSignal },
  ) => {
    const file = await toFile(audio.bytes, audio.filename, { type: audio.contentType });
    const answer = await client.audio.transcriptions.create(
      {
        file,
        model: cfg.model,
        response_format: format,
        ...(format === 'diarized_json' ? { chunking_strategy: 'auto' as const } : {}),
        ...(opts.language ? { language: opts.language } : {}),
      },
      opts.signal ? { signal: opts.signal } : {},
    );
    return answer as TranscriptionAnswer;
  };

  return {
    model: cfg.model,
    async transcribe(audio, opts = {}) {
      const preferred = responseFormatFor(cfg.model);
      let answer: TranscriptionAnswer;
      try {
        try {
          answer = await call(audio, preferred, opts);
        } catch (error) {
          // Some compatible servers know only plain JSON; ask once more without timings.
          if (preferred !== 'json' && error instanceof APIError && error.status === 400)
            answer = await call(audio, 'json', opts);
          else throw error;
        }
      } catch (error) {
        throw describe(error);
      }
      const { transcript, format } = transcriptionToTranscript(answer);
      return {
        transcript,
        format,
        ...(answer.language ? { language: answer.language } : {}),
        ...(typeof answer.duration === 'number' ? { durationSeconds: Math.round(answer.duration * 10) / 10 } : {}),
      };
    },
  };
}

function describe(error: unknown): TranscriptionError {
  if (error instanceof APIConnectionTimeoutError)
    return new TranscriptionError('the transcription service did not answer in time', 'unavailable');
  if (error instanceof APIConnectionError)
    return new TranscriptionError('the transcription service could not be reached', 'unavailable');
  if (error instanceof APIError && error.status !== undefined) {
    if (error.status === 400 || error.status === 413 || error.status === 415 || error.status === 422) {
      return new TranscriptionError('the transcription service could not read this audio', 'rejected', error.status);
    }
    return new TranscriptionError(
      `the transcription service failed (HTTP ${error.status})`,
      'unavailable',
      error.status,
    );
  }
  return new TranscriptionError('the transcription service failed', 'unavailable');
}

/** The configured transcriber, or undefined when neither a base URL nor a key says where to send audio. */
export function transcriberFromConfig(config: Pick<Config, 'transcription'>): Transcriber | undefined {
  const t = config.transcription;
  if (!t.baseUrl && !t.apiKey) return undefined;
  return createOpenAiTranscriber(t);
}
