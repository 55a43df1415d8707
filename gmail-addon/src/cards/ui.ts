/** Small CardService helpers shared by the cards; every card is built from these. */
import type * as Callbacks from '../main.ts';

export type Params = Record<string, string>;

/** A function Apps Script calls by name: only the exports of main.ts exist in the bundle, so only those. */
export type Callback = keyof typeof Callbacks;

export function action(functionName: Callback, parameters: Params = {}): GoogleAppsScript.Card_Service.Action {
  return CardService.newAction().setFunctionName(functionName).setParameters(parameters);
}

export function button(
  text: string,
  functionName: Callback,
  parameters: Params = {},
  primary = false,
): GoogleAppsScript.Card_Service.TextButton {
  const b = CardService.newTextButton().setText(text).setOnClickAction(action(functionName, parameters));
  return primary ? b.setTextButtonStyle(CardService.TextButtonStyle.FILLED) : b;
}

/**
 * A button whose callback returns the link to open (an ActionResponse with an OpenLink), for URLs that
 * only exist once the user asks, such as an OAuth authorization URL with its one-time state.
 */
export function linkButton(
  text: string,
  functionName: Callback,
  parameters: Params = {},
  primary = false,
): GoogleAppsScript.Card_Service.TextButton {
  const b = CardService.newTextButton().setText(text).setOnClickOpenLinkAction(action(functionName, parameters));
  return primary ? b.setTextButtonStyle(CardService.TextButtonStyle.FILLED) : b;
}

/** A button that makes Gmail open the draft the callback returns (ComposeActionResponse). */
export function replyButton(
  text: string,
  functionName: Callback,
  parameters: Params = {},
  primary = false,
): GoogleAppsScript.Card_Service.TextButton {
  const b = CardService.newTextButton()
    .setText(text)
    .setComposeAction(action(functionName, parameters), CardService.ComposedEmailType.REPLY_AS_DRAFT);
  return primary ? b.setTextButtonStyle(CardService.TextButtonStyle.FILLED) : b;
}

export function buttons(...list: GoogleAppsScript.Card_Service.TextButton[]): GoogleAppsScript.Card_Service.ButtonSet {
  const set = CardService.newButtonSet();
  for (const b of list) set.addButton(b);
  return set;
}

export function paragraph(text: string): GoogleAppsScript.Card_Service.TextParagraph {
  return CardService.newTextParagraph().setText(text);
}

export function labelled(label: string, text: string, bottom = ''): GoogleAppsScript.Card_Service.DecoratedText {
  const w = CardService.newDecoratedText().setTopLabel(label).setText(text).setWrapText(true);
  return bottom ? w.setBottomLabel(bottom) : w;
}

export function section(header = ''): GoogleAppsScript.Card_Service.CardSection {
  const s = CardService.newCardSection();
  return header ? s.setHeader(header) : s;
}

export function card(name: string, title: string, subtitle = ''): GoogleAppsScript.Card_Service.CardBuilder {
  const header = CardService.newCardHeader().setTitle(title);
  if (subtitle) header.setSubtitle(subtitle);
  return CardService.newCardBuilder().setName(name).setHeader(header);
}

/** Card text supports a few HTML tags; anything from an email or the server is escaped first. */
export function esc(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);
}

export function choices(
  fieldName: string,
  title: string,
  type: GoogleAppsScript.Card_Service.SelectionInputType,
  items: { value: string; label: string; selected: boolean }[],
): GoogleAppsScript.Card_Service.SelectionInput {
  const input = CardService.newSelectionInput().setType(type).setFieldName(fieldName).setTitle(title);
  for (const item of items) input.addItem(item.label, item.value, item.selected);
  return input;
}

export function textInput(
  fieldName: string,
  title: string,
  value = '',
  hint = '',
): GoogleAppsScript.Card_Service.TextInput {
  const input = CardService.newTextInput().setFieldName(fieldName).setTitle(title);
  if (value) input.setValue(value);
  if (hint) input.setHint(hint);
  return input;
}
