import { createRoot } from 'react-dom/client';
import { ApiClient } from './api/client.ts';
import { BackendAuth, type SignIn } from './auth/auth.ts';
import { createDialogSignIn } from './auth/dialog.ts';
import type { NestedAppClient } from './auth/entra.ts';
import { readPaneConfig } from './config.ts';
import { OfficeMailbox } from './mailbox/office.ts';
import { officeGlobal } from './mailbox/office-api.ts';
import { App } from './ui/App.tsx';

performance.mark('steward:pane-start');

const Office = officeGlobal();
if (!Office) throw new Error('office.js did not load: open Steward from Outlook, or /preview in a browser.');

void Office.onReady(() => {
  const config = readPaneConfig(window.location);
  // One MSAL client, created on first use: the backend's token, and Graph's for "Learn from my sent mail".
  let nestedApp: Promise<NestedAppClient> | null = null;
  const nestedAppClient = (clientId: string): Promise<NestedAppClient> => {
    nestedApp ??= import('./auth/entra.ts').then(({ createNestedAppClient }) =>
      createNestedAppClient(clientId, mailbox.myAddresses()[0]),
    );
    return nestedApp;
  };
  const clientId = config.clientId;
  const mailbox: OfficeMailbox = new OfficeMailbox(Office, {
    graphToken: clientId
      ? async (): Promise<string> => {
          const { GRAPH_MAIL_SCOPES } = await import('./mailbox/graph.ts');
          return (await nestedAppClient(clientId)).tokenFor(GRAPH_MAIL_SCOPES);
        }
      : null,
  });
  const capabilities = mailbox.capabilities();
  mailbox.rememberApiBaseUrl(config.apiBaseUrl);

  const chooseSignIn = async (): Promise<SignIn | null> => {
    if (!config.clientId) return null;
    if (capabilities.nestedAppAuth) return (await nestedAppClient(config.clientId)).backend;
    if (capabilities.dialogApi) {
      return createDialogSignIn(Office, new URL('auth-dialog.html', window.location.href).toString(), config.clientId);
    }
    return null;
  };

  const auth = new BackendAuth(chooseSignIn);
  const api = new ApiClient({ baseUrl: config.apiBaseUrl, tokens: auth });
  const container = document.getElementById('root');
  if (!container) throw new Error('taskpane.html has no #root');
  createRoot(container).render(<App api={api} auth={auth} mailbox={mailbox} />);
});
