// Loaded on demand: only a server that is not in local mode needs MSAL, so the pane does not pay for it.
import {
  createNestablePublicClientApplication,
  InteractionRequiredAuthError,
  type IPublicClientApplication,
} from '@azure/msal-browser';
import { backendScope, type SignIn } from './auth.ts';

const AUTHORITY = 'https://login.microsoftonline.com/common';

/** Nested app authentication: the Outlook host brokers the token, no popup in the common case. */
export async function createNestedAppSignIn(clientId: string, loginHint?: string): Promise<SignIn> {
  const pca: IPublicClientApplication = await createNestablePublicClientApplication({
    auth: { clientId, authority: AUTHORITY },
  });
  const scopes = [backendScope(clientId)];
  return {
    method: 'nested-app-auth',
    async getToken(options) {
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
    },
  };
}
