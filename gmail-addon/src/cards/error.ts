import type { BackendError } from '../api/errors.ts';
import { button, buttons, card, esc, labelled, type Params, paragraph, section } from './ui.ts';

/** What went wrong, in the backend's words, and a way to try again. */
export function errorCard(error: BackendError, retry: Params): GoogleAppsScript.Card_Service.Card {
  const detail = error.status ? `${error.code} · HTTP ${error.status}` : error.code;
  const body = section()
    .addWidget(paragraph(esc(error.message)))
    .addWidget(labelled('Details', esc(detail)))
    .addWidget(buttons(button('Try again', 'onRetry', retry, true)));
  if (!error.retryable) body.addWidget(paragraph('This will keep failing until the cause above is fixed.'));
  return card('error', 'Steward couldn’t finish', 'Nothing was changed in your mailbox').addSection(body).build();
}
