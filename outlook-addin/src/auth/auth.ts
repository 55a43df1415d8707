import type { Me } from '@steward/shared';
import { type ApiClient, ApiError, type TokenSource } from '../api/client.ts';

/** A way to get an Entra access token for the backend's `access_as_user` scope. */
export interface SignIn {
  readonly method: 'nested-app-auth' | 'office-dialog';
  getToken(options?: { forceRefresh?: boolean }): Promise<string>;
}

export function backendScope(clientId: string): string {
  return `api://${clientId}/access_as_user`;
}

/**
 * Decides whether the backend needs a token at all. A local-mode server answers GET /v1/me without one
 * (and says `localMode: true`): then the pane never signs in. Otherwise it signs in with `signIn`.
 */
export class BackendAuth implements TokenSource {
  private mode: 'probe' | 'none' | 'signed-in' = 'probe';

  constructor(private readonly signIn: (() => Promise<SignIn | null>) | null) {}

  private chosen: Promise<SignIn | null> | null = null;

  get method(): 'none' | SignIn['method'] | 'unknown' {
    return this.mode === 'none' ? 'none' : this.mode === 'probe' ? 'unknown' : (this.resolvedMethod ?? 'unknown');
  }

  private resolvedMethod: SignIn['method'] | null = null;

  async getToken(options?: { forceRefresh?: boolean }): Promise<string | null> {
    if (this.mode !== 'signed-in') return null;
    const signIn = await this.pickSignIn();
    if (!signIn)
      throw new ApiError('unauthorized', 'This Steward server needs sign-in, and sign-in is not set up.', 401);
    return signIn.getToken(options);
  }

  /** Finds out who the user is, signing in only when the server asks for it. */
  async connect(api: ApiClient): Promise<Me> {
    if (this.mode === 'probe') {
      try {
        const me = await api.me();
        this.mode = 'none';
        return me;
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) throw error;
        this.mode = 'signed-in';
      }
    }
    return api.me();
  }

  private pickSignIn(): Promise<SignIn | null> {
    this.chosen ??= (this.signIn ? this.signIn() : Promise.resolve(null)).then((signIn) => {
      this.resolvedMethod = signIn?.method ?? null;
      return signIn;
    });
    return this.chosen;
  }
}
