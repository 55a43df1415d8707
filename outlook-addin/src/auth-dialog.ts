// The page inside the Office sign-in dialog (fallback when nested app authentication is unsupported).
import { PublicClientApplication } from '@azure/msal-browser';
import type { DialogMessage } from './auth/dialog.ts';
import { officeGlobal } from './mailbox/office-api.ts';

const Office = officeGlobal();

async function run(): Promise<void> {
  if (!Office) throw new Error('office.js did not load.');
  await Office.onReady();
  const params = new URLSearchParams(location.search);
  const clientId = params.get('clientId') ?? sessionStorage.getItem('steward.clientId');
  const scope = params.get('scope') ?? sessionStorage.getItem('steward.scope');
  if (!clientId || !scope) return reply({ error: 'The sign-in page was opened without a client id.' });
  // The redirect back from Entra loses the query string; keep what we need.
  sessionStorage.setItem('steward.clientId', clientId);
  sessionStorage.setItem('steward.scope', scope);
  const pca = new PublicClientApplication({
    auth: {
      clientId,
      authority: 'https://login.microsoftonline.com/common',
      redirectUri: `${location.origin}${location.pathname}`,
    },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await pca.initialize();
  const result = await pca.handleRedirectPromise();
  if (result)
    return reply({ token: result.accessToken, expiresOn: result.expiresOn?.getTime() ?? Date.now() + 3_000_000 });
  await pca.acquireTokenRedirect({ scopes: [scope] });
}

function reply(message: DialogMessage): void {
  Office?.context.ui?.messageParent(JSON.stringify(message));
}

run().catch((error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }));
