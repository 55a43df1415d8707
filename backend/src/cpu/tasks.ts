/**
 * The CPU-bound work on untrusted input that runs in the worker threads of the pool (pool.ts): reading a
 * message (MIME, HTML, charsets), the local triage engine, and local meeting notes from a transcript.
 * Each function takes and returns structured-cloneable data.
 */
import type { EmailMessage, TriageResult } from '@steward/shared';
import { normaliseMessage } from '../mail/normalise.ts';
import type { NormalisedMessage } from '../mail/types.ts';
import { notesFromRequest } from '../notes/local.ts';
import { type TriageContext, triageLocal } from '../triage/local.ts';

export async function normalise(message: EmailMessage): Promise<NormalisedMessage> {
  return normaliseMessage(message);
}

export function triage(input: { message: NormalisedMessage; context: TriageContext }): TriageResult {
  return triageLocal(input.message, input.context);
}

export function notes(input: {
  request: Parameters<typeof notesFromRequest>[0];
  voice?: Parameters<typeof notesFromRequest>[1];
}): ReturnType<typeof notesFromRequest> {
  return notesFromRequest(input.request, input.voice);
}

/** For the pool's own tests: burns CPU for `ms` milliseconds, as a pathological input would. */
export function spin(ms: number): number {
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) n++;
  return n;
}
