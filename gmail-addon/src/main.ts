/**
 * Every function Apps Script can call by name: triggers named in appsscript.json and card callbacks.
 * scripts/build.ts bundles this module as the global `Steward` and adds a top-level stub for each export.
 */
export {
  onAsk,
  onBriefingDraft,
  onConnectGmail,
  onCreateDraft,
  onEnableMailIndex,
  onFixCategory,
  onGmailCompose,
  onGmailMessage,
  onHomepage,
  onInsertDraft,
  onInsertTimes,
  onInsertTimesInCompose,
  onOpenFixCategory,
  onOpenSettings,
  onReconnectMailbox,
  onRefreshHome,
  onRetry,
  onSaveSettings,
  onSetBriefingHour,
  onShowSettings,
  onSuggestTimes,
  onSummariseThread,
  onToggleMailIndex,
  onUnsubscribe,
} from './actions.ts';
