import { button, buttons, card, esc, labelled, paragraph, section, textInput } from './ui.ts';

export interface ComposeView {
  messageId: string;
  subject: string;
  from: string;
}

/** While composing: put Steward's draft or free times into the open draft. */
export function composeCard(view: ComposeView | null): GoogleAppsScript.Card_Service.Card {
  const body = section();
  if (!view) {
    body.addWidget(paragraph('Open a message, then reply to it: Steward drafts the answer for that message here.'));
    return card('compose', 'Steward').addSection(body).build();
  }
  const ids = { messageId: view.messageId };
  body
    .addWidget(labelled('Replying to', esc(view.subject || '(no subject)'), esc(view.from)))
    .addWidget(textInput('instruction', 'Instruction (optional)', '', 'shorter, more formal, decline politely…'))
    .addWidget(
      buttons(
        button('Insert draft', 'onInsertDraft', ids, true),
        button('Insert times', 'onInsertTimesInCompose', ids),
      ),
    );
  return card('compose', 'Steward').addSection(body).build();
}
