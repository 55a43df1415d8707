/** A request that could not be authenticated. Always answered 401 with the code, never with token contents. */
export class AuthError extends Error {
  readonly statusCode = 401;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}
