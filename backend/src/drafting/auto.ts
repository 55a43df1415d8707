/**
 * Whether Steward writes a draft on its own, in the background, for a message that arrived. Only where a
 * person is waiting for the user's answer: never for a no-reply sender, bulk or automated mail, the
 * categories nobody answers (marketing, notification, comment, meeting_update), or a list message the user
 * is only copied on. The user can still ask for a draft of any message ("Write a reply"); this decides
 * only what happens unasked.
 */
import type { CategoryId } from '@steward/shared';
import type { NormalisedMessage } from '../mail/types.ts';
import { firstNameOf } from './names.ts';

export interface AutoDraftDecision {
  draft: boolean;
  /** Why not (or why), for logs and the audit trail. */
  reason: string;
}

/** Local parts of addresses nobody reads: "no-reply@", "notifications@", "mailer-daemon@". */
const NO_REPLY_LOCAL =
  /^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noreply|no[-_.]?response|notifications?|notify|alerts?|mailer[-_.]?daemon|postmaster|bounces?|automated|auto[-_.]?(?:confirm|reply|mailer)|newsletters?|news|digest|updates?|info|marketing|promo(?:tions)?|offers|deals|billing|invoices?|receipts?|statements?|system|root|admin|support[-_.]?noreply)(?:[-_.+][\w.-]*)?$/i;
/** Addresses of groups rather than people: the user on such a To line is one of many. */
const GROUP_LOCAL =
  /^(?:all|everyone|team|staff|group|list|announce(?:ments)?|dept|department|office|product|engineering|sales|hr|it|ops|operations|employees|members|committee|board)(?:[-_.+][\w.-]*)?$/i;
const UNSUBSCRIBE =
  /\b(?:unsubscribe|opt[- ]?out|manage (?:your )?(?:email )?preferences|to be removed from|remove yourself from|you are receiving this (?:e-?mail|message) because|view (?:this|it) in your browser)\b/i;
const NO_REPLY_TEXT =
  /\b(?:do not reply|don't reply|please do not respond|this (?:is an )?(?:automated|automatic) (?:message|e-?mail|notification)|this mailbox is not monitored)\b/i;

const NOBODY_WAITS: readonly CategoryId[] = ['marketing', 'notification', 'comment', 'meeting_update'];

/** Parts of a local part ("qtopic+admin", "alerts.billing") that only software sends from. */
const SOFTWARE_PART =
  /^(?:noreply|donotreply|notifications?|notify|alerts?|mailer|daemon|bounces?|admin|automated|newsletters?|digest|postmaster)$/i;

function isNoReply(message: NormalisedMessage): boolean {
  const local = message.from?.address.split('@')[0] ?? '';
  const replyLocal = message.replyTo[0]?.address.split('@')[0];
  return (
    message.signals.noReplySender ||
    NO_REPLY_LOCAL.test(local) ||
    local.split(/[+._-]/).some((part) => SOFTWARE_PART.test(part)) ||
    /-?no-?reply/i.test(local) ||
    message.headers['errors-to'] !== undefined ||
    (replyLocal !== undefined && NO_REPLY_LOCAL.test(replyLocal) && /^(?:no|do)/i.test(replyLocal))
  );
}

function isBulk(message: NormalisedMessage): boolean {
  const s = message.signals;
  const auto = s.autoSubmitted && s.autoSubmitted.toLowerCase() !== 'no';
  const precedence = s.precedence && /^(?:bulk|list|junk)$/i.test(s.precedence);
  const tail = message.text.slice(-2000);
  return Boolean(
    auto ||
      precedence ||
      s.bulkMailer ||
      s.listUnsubscribe ||
      UNSUBSCRIBE.test(tail) ||
      NO_REPLY_TEXT.test(message.text.slice(0, 4000)),
  );
}

/** The new text calls the user by their first name ("Alex, can you…"), so a Cc is still a question to them. */
function addressedByName(message: NormalisedMessage, mine: Set<string>): boolean {
  const me = [...message.to, ...message.cc].find((m) => mine.has(m.address.toLowerCase()));
  const name = firstNameOf(me);
  if (!name) return false;
  return new RegExp(`(?:^|[\\n.!?]\\s*)${name}\\b\\s*[,:—-]|@${name}\\b`, 'i').test(message.newText.slice(0, 3000));
}

/**
 * The decision for one message, given its triage category and the user's addresses. Pure: the same input
 * always gives the same answer, so the sync pipeline, the CLI and evaluations agree.
 */
export function shouldAutoDraft(
  message: NormalisedMessage,
  triage: { category: CategoryId },
  me: readonly string[],
): AutoDraftDecision {
  const mine = new Set(me.map((a) => a.trim().toLowerCase()).filter(Boolean));
  if (message.from && mine.has(message.from.address.toLowerCase()))
    return { draft: false, reason: 'the user wrote it' };
  if (isNoReply(message)) return { draft: false, reason: 'the sender does not read replies' };
  if (isBulk(message)) return { draft: false, reason: 'bulk or automated mail' };
  if (NOBODY_WAITS.includes(triage.category))
    return { draft: false, reason: `${triage.category}: nobody waits for an answer` };
  if (triage.category !== 'to_respond') return { draft: false, reason: `${triage.category}: no reply needed` };
  if (mine.size > 0) {
    const inTo = message.to.some((m) => mine.has(m.address.toLowerCase()));
    const inCc = message.cc.some((m) => mine.has(m.address.toLowerCase()));
    // Mail to "undisclosed recipients" is sent to many; an alias of the user's may be on the To line instead.
    const undisclosed =
      message.to.length === 0 ||
      message.to.some((m) => /undisclosed|recipient list/i.test(`${m.name ?? ''} ${m.address}`));
    if (!inTo && !inCc && undisclosed) return { draft: false, reason: 'sent to undisclosed recipients' };
    if (!inTo && !addressedByName(message, mine)) {
      const list =
        message.signals.listId !== undefined ||
        message.to.length > 1 ||
        message.to.some((m) => GROUP_LOCAL.test(m.address.split('@')[0] ?? ''));
      if (list) return { draft: false, reason: 'the user is only copied on a message to a group' };
    }
  }
  return { draft: true, reason: 'someone is waiting for an answer' };
}
