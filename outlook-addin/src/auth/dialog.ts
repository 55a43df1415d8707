import type { OfficeApi } from '../mailbox/office-api.ts';
import { backendScope, type SignIn } from './auth.ts';

/** What auth-dialog.html posts back to the pane with Office.context.ui.messageParent. */
export type DialogMessage = { token: string; expiresOn: number } | { error: string };

/**
 * Fallback sign-in for hosts without nested app authentication: the Office dialog opens auth-dialog.html,
 * which signs in with MSAL redirects and messages the token back.
 */
export function createDialogSignIn(office: OfficeApi, dialogUrl: string, clientId: string): SignIn {
  let cached: { token: string; expiresOn: number } | null = null;
  return {
    method: 'office-dialog',
    async getToken(options) {
      // Refresh a minute early so a request never leaves with a token about to expire.
      if (cached && !options?.forceRefresh && cached.expiresOn - 60_000 > Date.now()) return cached.token;
      const url = new URL(dialogUrl);
      url.searchParams.set('clientId', clientId);
      url.searchParams.set('scope', backendScope(clientId));
      const message = await openDialog(office, url.toString());
      if ('error' in message) throw new Error(message.error);
      cached = message;
      return message.token;
    },
  };
}

function openDialog(office: OfficeApi, url: string): Promise<DialogMessage> {
  return new Promise((resolve, reject) => {
    const ui = office.context.ui;
    if (!ui) {
      reject(new Error('This Outlook cannot open a sign-in window.'));
      return;
    }
    ui.displayDialogAsync(url, { height: 60, width: 30, promptBeforeOpen: false }, (opened) => {
      if (opened.status === 'failed' || opened.status === 1) {
        reject(new Error(opened.error?.message ?? 'The sign-in window could not be opened.'));
        return;
      }
      const dialog = opened.value;
      dialog.addEventHandler(office.EventType.DialogMessageReceived, (arg) => {
        dialog.close();
        try {
          resolve(JSON.parse(arg.message ?? '') as DialogMessage);
        } catch {
          reject(new Error('The sign-in window sent an unreadable answer.'));
        }
      });
      dialog.addEventHandler(office.EventType.DialogEventReceived, () => {
        reject(new Error('Sign-in was cancelled.'));
      });
    });
  });
}
