import { ApiError } from '../api/client.ts';

/** A sentence for the user, whatever failed. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}

export function isOffline(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'offline';
}
