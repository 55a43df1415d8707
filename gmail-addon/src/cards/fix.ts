import type { Choice } from '../core/views.ts';
import { button, buttons, card, choices, paragraph, section } from './ui.ts';

/** "Fix category": the right category and how far the correction should reach. */
export function fixCategoryCard(
  messageId: string,
  categories: Choice[],
  scopes: Choice[],
): GoogleAppsScript.Card_Service.Card {
  const body = section()
    .addWidget(choices('category', 'This message is', CardService.SelectionInputType.DROPDOWN, categories))
    .addWidget(choices('scope', 'Apply to', CardService.SelectionInputType.RADIO_BUTTON, scopes))
    .addWidget(paragraph('Steward remembers corrections and never moves or deletes mail because of them.'))
    .addWidget(buttons(button('Save', 'onFixCategory', { messageId }, true)));
  return card('fix-category', 'Fix category').addSection(body).build();
}
