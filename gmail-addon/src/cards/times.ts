import type { TimesSuggestion } from '../api/client.ts';
import { slotText } from '../core/format.ts';
import { buttons, card, esc, labelled, paragraph, replyButton, section } from './ui.ts';

/** Free slots from the backend's solver, shown in the user's zone, ready to go into a reply. */
export function timesCard(
  messageId: string,
  suggestion: TimesSuggestion,
  timeZone: string,
): GoogleAppsScript.Card_Service.Card {
  const list = section(`Your free times (${timeZone})`);
  if (suggestion.slots.length === 0) {
    list.addWidget(paragraph('No free time fits the request within your working hours.'));
  }
  suggestion.slots.slice(0, 8).forEach((slot, i) => {
    list.addWidget(labelled(`Option ${i + 1}`, esc(slotText(slot, timeZone))));
  });
  const understood = understoodText(suggestion.understood);
  if (understood) list.addWidget(labelled('Understood', esc(understood)));
  if (suggestion.understood?.theirTimesUnavailable) {
    list.addWidget(paragraph('None of the times they proposed is free for you; these are the nearest.'));
  }

  const builder = card('times', 'Suggested times').addSection(list);
  if (suggestion.proposal || suggestion.slots.length) {
    builder.addSection(
      section().addWidget(buttons(replyButton('Insert into reply', 'onInsertTimes', { messageId }, true))),
    );
  }
  return builder.build();
}

/** What the solver read from the ask: "30 min · Tue afternoon, Wed afternoon · their zone America/New_York". */
export function understoodText(understood: TimesSuggestion['understood'] | undefined): string {
  if (!understood) return '';
  const parts: string[] = [`${understood.durationMinutes} min`];
  const windows = understood.windows.map((w) => w.text).filter(Boolean);
  if (windows.length) parts.push(windows.join(', '));
  if (understood.mode === 'in_person')
    parts.push(understood.location ? `in person, ${understood.location}` : 'in person');
  if (understood.requesterZone) parts.push(`their zone ${understood.requesterZone}`);
  return parts.join(' · ');
}
