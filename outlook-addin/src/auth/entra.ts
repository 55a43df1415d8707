// Loaded on demand: only a server that is not in local mode needs MSAL, so the pane does not pay for it.
import {
  createNestablePublicClientApplication,
  InteractionRequiredAuthError,
  type IPublicClientApplication,
} from '@azure/msal-browser';
import { backendScope, type SignIn } from './auth.ts';

const AUTHORITY = 'https://login.microsoftonline.com/common';

/** One nested-app-auth client for the pane: the backend's token and, on request, Microsoft Graph's. */
export interface NestedAppClient {
  /** `api://<client-id>/access_as_user` for the backend. */
  backend: SignIn;
  /** A token for other scopes (Graph's Mail.Read for voice learning), with a popup if consent is needed. */
  tokenFor(scopes: string[], options?: { forceRefresh?: boolean }): Promise<string>;
}

export async function createNestedAppClient(clientId: string, loginHint?: string): Promise<NestedAppClient> {
  const pca: IPublicClientApplication = await createNestablePublicClientApplication({
    auth: { clientId, authority: AUTHORITY },
  });
  const tokenFor = async (scopes: string[], options?: { forceRefresh?: boolean }) => {
    const account = pca.getActiveAccount() ?? pca.getAllAccounts()[0];
    const request = { scopes, forceRefresh: options?.forceRefresh ?? false, ...(loginHint ? { loginHint } : {}) };
    try {
      const result = await pca.acquireTokenSilent(account ? { ...request, account } : request);
      return result.accessToken;
    } catch (error) {
      if (!(error instanceof InteractionRequiredAuthError)) throw error;
      const result = await pca.acquireTokenPopup(request);
      pca.setActiveAccount(result.account);
      return result.accessToken;
    }
  };
  const scopes = [backendScope(clientId)];
  return {
    backend: { method: 'nested-app-auth', getToken: (options) => tokenFor(scopes, options) },
    tokenFor,
  };
}

/** Nested app authentication: the Outlook host brokers the token, no popup in the common case. */
export async function createNestedAppSignIn(clientId: string, loginHint?: string): Promise<SignIn> {
  return (await createNestedAppClient(clientId, loginHint)).backend;
}
