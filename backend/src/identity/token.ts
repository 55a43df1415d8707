import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { AuthError } from './errors.ts';

/** The only signature algorithm Entra and Google use for these tokens; everything else is refused up front. */
export const ALLOWED_ALGORITHMS = ['RS256'];

export interface PeekedToken {
  header: ProtectedHeaderParameters;
  payload: JWTPayload;
}

/** Reads header and claims without trusting them, to pick the verifier and refuse bad algorithms early. */
export function peekToken(token: string): PeekedToken {
  if (token.length > 16_384 || token.split('.').length !== 3) {
    throw new AuthError('token_malformed', 'The bearer token is not a well-formed JWT.');
  }
  let header: ProtectedHeaderParameters;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch {
    throw new AuthError('token_malformed', 'The bearer token is not a well-formed JWT.');
  }
  if (typeof header.alg !== 'string' || !ALLOWED_ALGORITHMS.includes(header.alg)) {
    throw new AuthError(
      'token_algorithm_not_allowed',
      `Tokens signed with "${String(header.alg)}" are not accepted; only RS256 is.`,
    );
  }
  return { header, payload };
}
