/**
 * Every function Apps Script can call by name: triggers named in appsscript.json and card callbacks. Each
 * card's callbacks live beside it (cards/<card>.actions.ts). scripts/build.ts bundles this module as the
 * global `Steward` and adds a top-level stub for each export; `Callback` (cards/ui.ts) lets a card name only
 * these.
 */
export {
  onBack,
  onConfirmDisconnectCrm,
  onConfirmRemoveAlertChannel,
  onConnectCrm,
  onConnectCrmToken,
  onDisconnectCrm,
  onOpenAlertChannel,
  onRemoveAlertChannel,
  onSaveAlertChannel,
  onTestAlert,
} from './cards/alerts.actions.ts';
export { onAsk, onBriefingDraft, onEnableMailIndex, onSummariseThread } from './cards/ask.actions.ts';
export { onGmailCompose, onInsertDraft, onInsertTimesInCompose } from './cards/compose.actions.ts';
export { onRetry } from './cards/error.actions.ts';
export { onFixCategory, onOpenFixCategory } from './cards/fix.actions.ts';
export {
  onConnectGmail,
  onHomepage,
  onReconnectMailbox,
  onRefreshHome,
  onUnsubscribe,
} from './cards/home.actions.ts';
export { onCreateDraft, onGmailMessage } from './cards/message.actions.ts';
export {
  onOpenSettings,
  onSaveSettings,
  onSetBriefingHour,
  onShowSettings,
  onToggleMailIndex,
} from './cards/settings.actions.ts';
export { onInsertTimes, onSuggestTimes } from './cards/times.actions.ts';
