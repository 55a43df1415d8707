import { createRoot } from 'react-dom/client';
import { ApiClient } from './api/client.ts';
import { BackendAuth, type SignIn } from './auth/auth.ts';
import { createDialogSignIn } from './auth/dialog.ts';
import { readPaneConfig } from './config.ts';
import { OfficeMailbox } from './mailbox/office.ts';
import { officeGlobal } from './mailbox/office-api.ts';
import { App } from './ui/App.tsx';

performance.mark('steward:pane-start');

const Office = officeGlobal();
if (!Office) throw new Error('office.js did not load: open Steward from Outlook, or /preview in a browser.');

void Office.onReady(() => {
  const config = readPaneConfig(window.location);
  const mailbox = new OfficeMailbox(Office);
  const capabilities = mailbox.capabilities();

  const chooseSignIn = async (): Promise<SignIn | null> => {
    if (!config.clientId) return null;
    if (capabilities.nestedAppAuth) {
      const { createNestedAppSignIn } = await import('./auth/entra.ts');
      return createNestedAppSignIn(config.clientId, mailbox.myAddresses()[0]);
    }
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
