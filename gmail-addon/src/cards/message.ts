import type { MessageView } from '../core/views.ts';
import { button, buttons, card, esc, labelled, paragraph, replyButton, section, textInput } from './ui.ts';

export const MESSAGE_CARD = 'message';

/** The card for the open message: what it is and why, then what the user can do about it. */
export function messageCard(view: MessageView): GoogleAppsScript.Card_Service.Card {
  const ids = { messageId: view.messageId };
  const verdict = section().addWidget(
    labelled(
      view.corrected ? 'Category (your correction)' : 'Category',
      `<b>${esc(view.categoryLabel)}</b>`,
      [view.confidence, view.priority].filter(Boolean).join(' · '),
    ),
  );
  if (view.reasons.length) verdict.addWidget(paragraph(view.reasons.map((r) => `• ${esc(r)}`).join('<br>')));
  if (view.summary) verdict.addWidget(labelled('Summary', esc(view.summary)));

  const reply = section('Reply')
    .addWidget(textInput('instruction', 'Instruction (optional)', '', 'shorter, more formal, decline politely…'))
    .addWidget(
      buttons(
        replyButton('Create draft reply', 'onCreateDraft', ids, view.replyIsPrimary),
        button('Suggest times', 'onSuggestTimes', ids, view.timesIsPrimary && !view.replyIsPrimary),
      ),
    );

  const more = section().addWidget(
    buttons(
      ...(view.threadId ? [button('Summarise thread', 'onSummariseThread', { threadId: view.threadId })] : []),
      button('Fix category', 'onOpenFixCategory', { ...ids, category: view.category, fromAddress: view.fromAddress }),
      button('Settings', 'onOpenSettings'),
    ),
  );

  return card(MESSAGE_CARD, view.categoryLabel, view.subject || view.from)
    .addSection(verdict)
    .addSection(reply)
    .addSection(more)
    .build();
}
