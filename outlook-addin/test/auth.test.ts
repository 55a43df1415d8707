import { describe, expect, it } from 'vitest';
import { ApiClient } from '../src/api/client.ts';
import { BackendAuth, type SignIn } from '../src/auth/auth.ts';

const me = (localMode: boolean) => ({
  id: 'u1',
  tenantId: 't1',
  provider: localMode ? 'local' : 'microsoft',
  email: 'alex@northwind.example',
  displayName: 'Alex',
  createdAt: '2025-01-01T00:00:00Z',
  localMode,
});

/** A backend that wants `requiredToken` (or nothing, in local mode), recording the authorization headers. */
function backend(requiredToken: string | null) {
  const seen: (string | null)[] = [];
  const fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    const auth = new Headers(init?.headers).get('authorization');
    seen.push(auth);
    if (requiredToken && auth !== `Bearer ${requiredToken}`) {
      return new Response(JSON.stringify({ error: { code: 'unauthorized', message: 'Sign in first.' } }), {
        status: 401,
      });
    }
    return new Response(JSON.stringify(me(requiredToken === null)), { status: 200 });
  }) as typeof globalThis.fetch;
  return { fetch, seen };
}

function countingSignIn(token: string) {
  let created = 0;
  let tokens = 0;
  const factory = async (): Promise<SignIn> => {
    created++;
    return {
      method: 'nested-app-auth',
      getToken: async () => {
        tokens++;
        return token;
      },
    };
  };
  return { factory, counts: () => ({ created, tokens }) };
}

describe('BackendAuth', () => {
  it('never signs in against a local-mode server', async () => {
    const { fetch, seen } = backend(null);
    const signIn = countingSignIn('t');
    const auth = new BackendAuth(signIn.factory);
    const api = new ApiClient({ baseUrl: 'http://127.0.0.1:1', fetch, tokens: auth });
    expect((await auth.connect(api)).localMode).toBe(true);
    await api.getSettings();
    expect(seen).toEqual([null, null]);
    expect(signIn.counts()).toEqual({ created: 0, tokens: 0 });
    expect(auth.method).toBe('none');
  });

  it('signs in when the server answers 401, then sends the token on every call', async () => {
    const { fetch, seen } = backend('entra-token');
    const signIn = countingSignIn('entra-token');
    const auth = new BackendAuth(signIn.factory);
    const api = new ApiClient({ baseUrl: 'https://steward.example', fetch, tokens: auth });
    expect((await auth.connect(api)).localMode).toBe(false);
    await api.getSettings();
    expect(seen).toEqual([null, 'Bearer entra-token', 'Bearer entra-token']);
    expect(signIn.counts().created).toBe(1);
    expect(auth.method).toBe('nested-app-auth');
  });

  it('says sign-in is not set up when the server needs it and the pane has no client id', async () => {
    const { fetch } = backend('entra-token');
    const auth = new BackendAuth(null);
    const api = new ApiClient({ baseUrl: 'https://steward.example', fetch, tokens: auth });
    await expect(auth.connect(api)).rejects.toMatchObject({
      code: 'unauthorized',
      message: expect.stringContaining('sign-in is not set up'),
    });
  });
});
