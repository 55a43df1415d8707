/**
 * The local drafting planner: intents and entities from `analyse.ts`, sentences from templates, the frame
 * (greeting, sign-off, name) from the voice profile. It never states a fact the thread or the profile does
 * not hold: what it cannot know becomes a visible `[confirm: …]` placeholder, and meeting times come from
 * the scheduling solver.
 */

import type { CrmContext, Draft, ProposedTime, Settings, VoiceProfile } from '@steward/shared';
import { DateTime } from 'luxon';
import { allowedSourcesFor, type PreparedEmail, prepareNormalised, sanitiseModelOutput } from '../ai/safety.ts';
import type { NormalisedMessage } from '../mail/types.ts';
import { suggestTimes } from '../scheduling/suggest.ts';
import { parseTimeExpressions } from '../scheduling/times.ts';
import { analyseMessage, type MessageAnalysis, meetingAskText, swapPerson } from './analyse.ts';
import {
  assemble,
  frameFor,
  PLACEHOLDER,
  placeholdersIn,
  proposedTimesFrom,
  replyLanguage,
  replySubject,
  textToHtml,
} from './compose.ts';
import { firstNameFromDisplayName, firstNameOf } from './names.ts';
import {
  answerAsk,
  applyContractions,
  c,
  closer,
  declineSentence,
  placeholder,
  type ReadInstruction,
  type Register,
  readInstruction,
  thanksOpener,
  tidyPunctuation,
  weave,
} from './replies.ts';

export { type ReadInstruction, readInstruction } from './replies.ts';

export interface BusyInterval {
  start: string;
  end: string;
}

export interface LocalDraftInput {
  message: NormalisedMessage;
  /** Earlier messages, oldest first. */
  thread?: NormalisedMessage[];
  voice: VoiceProfile;
  instruction?: string;
  settings: Settings;
  busy?: BusyInterval[];
  now: Date;
  /** The user's own addresses, to tell a follow-up (the user wrote last) from a reply. */
  me?: string[];
  /** The user's name as their account knows it ("Alex Morgan"), for the signature when the profile has none. */
  myName?: string;
  /** What the tenant's CRM says about the sender (reach/crm.ts). */
  crm?: CrmContext;
}

/** Words that say nothing about which deal a message is about. */
const DEAL_NOISE = new Set(['deal', 'deals', 'opportunity', 'account', 'contract', 'the', 'and', 'for', 'with']);

/**
 * The sender's open deal this message is about: one whose name shares a word (of four letters or more, not
 * the company's own name) with the subject or the new text ("ACME renewal" for "Where are we on the renewal?").
 */
export function dealFor(
  crm: CrmContext | undefined,
  message: NormalisedMessage,
): CrmContext['deals'][number] | undefined {
  if (!crm?.deals.length) return undefined;
  const words = (text: string) => new Set(text.toLowerCase().match(/\p{L}{4,}/gu) ?? []);
  const company = words(crm.company ?? '');
  const said = words(`${message.subject} ${message.newText}`);
  return crm.deals.find((deal) =>
    [...words(deal.name)].some((w) => !company.has(w) && !DEAL_NOISE.has(w) && said.has(w)),
  );
}

/**
 * CRM facts in a local draft: the contact's first name when the sender's address carries none, and the deal
 * the message is about named inside the first placeholder, where the user fills in the answer. The reply's
 * own sentences never carry CRM facts (stages and owners are the organisation's, not the customer's).
 */
function withDealHint(text: string, deal: CrmContext['deals'][number] | undefined): string {
  if (!deal) return text;
  const hint = clipWords(`open deal '${deal.name}', stage ${deal.stage}`, 90);
  let done = false;
  return text.replace(PLACEHOLDER, (found) => {
    if (done) return found;
    done = true;
    const inner = found.slice('[confirm: '.length, -1);
    return `[confirm: ${clipWords(inner, 200 - hint.length - 3)} (${hint})]`;
  });
}

const clipWords = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, Math.max(text.lastIndexOf(' ', max - 1), 1))}…`;

function invitationReply(
  analysis: MessageAnalysis,
  decision: ReadInstruction['decision'],
  r: Register,
  ref: Date,
): string[] {
  // Never "See you on" a time already past, or one the sentence puts in the past.
  const when = analysis.invitation
    ? parseTimeExpressions(analysis.invitation.sentence, { ref }).find(
        (e) => e.direction !== 'past' && Date.parse(e.end) > ref.getTime(),
      )?.text
    : undefined;
  const preposition =
    when && /^(mon|tue|wed|thu|fri|sat|sun|\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i.test(when)
      ? 'on '
      : '';
  if (decision === 'decline') {
    return [
      `Thank you for the invitation. Unfortunately I ${c(r, 'will not', "won't")} be able to join this time.`,
      r.formality === 'casual' ? 'Hope it goes well!' : 'I hope it goes well.',
    ];
  }
  if (decision === 'accept') {
    const lines = [`Thank you for the invitation. ${c(r, 'I would', "I'd")} be glad to join.`];
    if (when) lines.push(`See you ${preposition}${when}.`);
    return lines;
  }
  // Whether the user goes is theirs to say.
  return [
    `Thank you for the invitation. ${placeholder(`whether you can join${when ? ` ${preposition}${when}` : ''}`)}.`,
  ];
}

/** Meeting times from the scheduling solver, labelled in both zones. Both engines use exactly these. */
export function solverTimes(input: Pick<LocalDraftInput, 'message' | 'busy' | 'settings' | 'now'>): {
  proposedTimes: ProposedTime[];
  theirTimesUnavailable: boolean;
} {
  const { message, settings } = input;
  const suggestion = suggestTimes({
    message: {
      subject: message.subject,
      text: meetingAskText(message.newText || message.text),
      // The header string keeps the sender's offset, which tells the solver their zone.
      ...(message.headers.date ? { date: message.headers.date } : message.date ? { date: message.date } : {}),
      ...(message.from ? { from: message.from } : {}),
      to: message.to,
      cc: message.cc,
    },
    busy: input.busy ?? [],
    settings,
    now: input.now,
    limit: 3,
  });
  return {
    proposedTimes: proposedTimesFrom(suggestion.slots, settings.timeZone, suggestion.understood.requesterZone),
    theirTimesUnavailable: suggestion.understood.theirTimesUnavailable,
  };
}

interface Scheduled {
  paragraphs: string[];
  proposedTimes: ProposedTime[];
}

function scheduleReply(
  input: LocalDraftInput,
  analysis: MessageAnalysis,
  read: ReadInstruction,
  r: Register,
): Scheduled {
  if (read.decision === 'decline') {
    return {
      paragraphs: [`Unfortunately ${c(r, 'I am not', "I'm not")} able to meet about this at the moment.`],
      proposedTimes: [],
    };
  }
  const { message } = input;
  const { proposedTimes, theirTimesUnavailable } = solverTimes(input);
  const what = /\bcall\b/i.test(message.newText) ? 'call' : 'meeting';
  if (!proposedTimes.length) {
    return { paragraphs: [`For the ${what}: ${placeholder('times that work for you')}.`], proposedTimes };
  }
  if (read.length === 'shorter') {
    const kept = proposedTimes.slice(0, 2);
    return {
      paragraphs: ['Would one of these work?', kept.map((t) => `- ${t.label}`).join('\n')],
      proposedTimes: kept,
    };
  }
  const intro = theirTimesUnavailable
    ? `The times you suggested ${c(r, 'do not', "don't")} work on my side. Would one of these work instead?`
    : r.formality === 'formal'
      ? `For the ${what}, would one of the following times suit you?`
      : `For the ${what}, would one of these times work for you?`;
  const list = proposedTimes.map((t) => `- ${t.label}`).join('\n');
  const paragraphs = [intro, list];
  if (analysis.asks.length === 0)
    paragraphs.push(
      r.formality === 'formal'
        ? 'If none of them suits you, please suggest a few times that do.'
        : 'If none of them suits you, let me know a few times that do.',
    );
  return { paragraphs, proposedTimes };
}

function acknowledgement(message: NormalisedMessage, analysis: MessageAnalysis, r: Register): string[] {
  const thanks = r.formality === 'formal' ? 'Thank you' : 'Thanks';
  if (analysis.closing)
    return [r.exclaim ? 'Great, thanks for letting me know!' : 'Great, thanks for letting me know.'];
  const files = message.attachments.map((a) => a.filename).filter((f): f is string => !!f && f.length <= 80);
  if (files.length) {
    const listed = files.length === 1 ? files[0] : `${files.slice(0, -1).join(', ')} and ${files[files.length - 1]}`;
    return [`${thanks} for sending ${listed}.`];
  }
  // A subject that is itself a sentence ("Your invoice INV-20431 is available") does not follow "update on".
  const topic = analysis.topic;
  const nameable =
    topic &&
    topic.length <= 60 &&
    !/[?!]$/.test(topic) &&
    !/^(?:your|you|we|this|re)\b|\b(?:is|are|has|have|was|were|will)\b/i.test(topic);
  return [`${thanks} for the update${nameable ? ` on ${topic}` : ''}.`];
}

function followUp(input: LocalDraftInput, analysis: MessageAnalysis, r: Register): string[] {
  const about = analysis.topic ? ` about ${analysis.topic}` : '';
  const sent = input.message.date
    ? ` from ${DateTime.fromJSDate(input.message.date).setZone(input.settings.timeZone).toFormat('ccc d LLL')}`
    : '';
  const asked = analysis.asks.length > 0 || /\?/.test(input.message.newText);
  return [
    r.formality === 'casual'
      ? `Just following up on my note${sent}${about}.`
      : `I wanted to follow up on my message${sent}${about}.`,
    asked ? 'Have you had a chance to look at it?' : 'Is there anything you need from me?',
  ];
}

/**
 * The message as drafting may read it: hidden text already gone, and passages that address an assistant
 * withheld, so an injected request is never echoed back as something the user promises to do.
 */
export function safeView(message: NormalisedMessage): { view: NormalisedMessage; prepared: PreparedEmail } {
  // Drafting reads the opening of a message (analyse.ts); preparing the rest would only cost time.
  const bounded = {
    ...message,
    text: message.text.slice(0, PREPARED_CHARS),
    newText: message.newText.slice(0, PREPARED_CHARS),
  };
  const prepared = prepareNormalised(bounded);
  return { view: { ...message, subject: prepared.subject, text: prepared.text, newText: prepared.newText }, prepared };
}

const PREPARED_CHARS = 20_000;

/** The analysis both engines act on: of the safe view, without asks no person would make of a colleague. */
export function analyseSafely(
  message: NormalisedMessage,
  me: string[],
): { analysis: MessageAnalysis; prepared: PreparedEmail } {
  const { view, prepared } = safeView(message);
  const analysis = analyseMessage(view, me);
  const asks = analysis.asks.filter((a) => !a.sentence.includes('[Steward withheld') && !RISKY_ASK.test(a.sentence));
  return { analysis: { ...analysis, asks }, prepared };
}

/** Requests a draft must never promise, whoever asks: mail redirection, secrets, payments, links to follow. */
const RISKY_ASK =
  /(forward|redirect|auto-?forward|bcc|copy)[^.?!\n]{0,40}(all|every|future|incoming)[^.?!\n]{0,20}(e-?mails?|mail|messages|inbox|correspondence)|(passwords?|passcodes?|credentials|log-?in details|verification codes?|2fa|mfa|one-time codes?|gift cards?|wire (the )?(money|funds|payment)|bank details|iban|routing number|api keys?|tokens?)|https?:\/\/|\bwww\.|\bclick\b/i;

/**
 * The user's first name for the signature: the profile's, else their display name on this message, else
 * their account's name; '' when none is known (the draft then has no sign-off: never one without a name).
 */
export function userFirstName(voice: VoiceProfile, message: NormalisedMessage, me: string[], myName?: string): string {
  if (voice.signatureName.trim()) return voice.signatureName.trim();
  const mine = new Set(me.map((a) => a.toLowerCase()));
  const own = [...message.to, ...message.cc].find((m) => mine.has(m.address.toLowerCase()) && m.name);
  const fromMessage = own ? firstNameOf(own) : undefined;
  if (fromMessage) return fromMessage;
  const account = myName?.trim() ? firstNameFromDisplayName(myName.trim()) : undefined;
  return account ?? '';
}

/** The register to write in: the instruction's, else the profile's, with the user's contraction habit. */
function registerFor(voice: VoiceProfile, read: ReadInstruction): Register {
  const formality = read.formality ?? voice.formality;
  return {
    formality,
    contract: formality === 'casual' || (formality !== 'formal' && voice.contractionsRate >= 0.4),
    exclaim:
      formality === 'casual'
        ? voice.punctuation.exclamationRate >= 0.05
        : formality !== 'formal' && voice.punctuation.exclamationRate >= 0.15,
  };
}

/** The body paragraphs: what the message asks, answered in order; nothing promised the user did not say. */
function bodyOf(
  input: LocalDraftInput,
  analysis: MessageAnalysis,
  read: ReadInstruction,
  r: Register,
): { paragraphs: string[]; proposedTimes: ProposedTime[] } {
  const { message } = input;
  if (analysis.fromMe || read.followUp === true)
    return { paragraphs: [followUp(input, analysis, r).join(' ')], proposedTimes: [] };
  const core: string[] = [];
  let proposedTimes: ProposedTime[] = [];
  if (analysis.missingAttachment) {
    core.push(
      read.length === 'shorter'
        ? `The attachment ${c(r, 'did not', "didn't")} come through. Could you resend it?`
        : 'Your message mentions an attachment, but nothing came through on my side. Could you send it again?',
    );
  }
  if (analysis.invitation) {
    const reply = invitationReply(analysis, read.decision, r, message.date ?? input.now).join(' ');
    core.push(read.length === 'shorter' ? reply.replace(/^Thank you for the invitation\. /, '') : reply);
  }
  const ctx = {
    ...(analysis.senderName ? { senderName: analysis.senderName } : {}),
    ...(read.decision ? { decision: read.decision } : {}),
    short: read.length === 'shorter',
    register: r,
  };
  const answers = analysis.asks.map((ask) => answerAsk(ask, ctx, swapPerson)).filter((a): a is string => !!a);
  const declined = analysis.asks.filter((a) => a.kind === 'request' || a.kind === 'info');
  if (read.decision === 'decline' && !analysis.invitation && !analysis.meetingAsk) {
    const actions = declined.map((a) => swapPerson(a.kind === 'request' ? a.action : `send ${a.thing}`));
    core.push(
      actions.length
        ? declineSentence(actions, r)
        : `Thank you for thinking of me. Unfortunately I ${c(r, 'will not', "won't")} be able to take this up.`,
    );
  }
  let scheduled: string[] = [];
  if (analysis.meetingAsk) {
    const result = scheduleReply(input, analysis, read, r);
    scheduled = result.paragraphs;
    proposedTimes = result.proposedTimes;
  }
  // One line per answer, so each ask can be seen to be answered.
  const answered = answers.length ? [answers.join('\n')] : [];
  if (analysis.meetingFirst) core.push(...scheduled, ...answered);
  else core.push(...answered, ...scheduled);
  if (!core.length && read.decision === 'decline') {
    core.push(
      `Thank you for thinking of me. Unfortunately I ${c(r, 'will not', "won't")} be able to help with this one.`,
    );
  } else if (!core.length) {
    core.push(acknowledgement(message, analysis, r).join(' '));
  }
  return { paragraphs: core, proposedTimes };
}

export function draftReplyLocal(input: LocalDraftInput): Draft {
  const { voice } = input;
  const read = readInstruction(input.instruction);
  const { analysis, prepared } = analyseSafely(input.message, input.me ?? []);
  const message = { ...input.message, subject: prepared.subject };
  const register = registerFor(voice, read);
  const isFollowUp = analysis.fromMe || read.followUp === true;
  const recipient = isFollowUp && analysis.fromMe ? message.to[0] : message.from;
  const crm = input.crm?.contact?.email === message.from?.address.toLowerCase() ? input.crm : undefined;
  const recipientName =
    isFollowUp && analysis.fromMe
      ? firstNameOf(message.to[0])
      : (analysis.senderName ?? crm?.contact?.name?.split(/\s+/)[0]);
  const deal = isFollowUp ? undefined : dealFor(crm, message);

  const body = bodyOf({ ...input, message }, analysis, read, register);
  let paragraphs = withLength(body.paragraphs, analysis, voice, read, register, isFollowUp);
  if (read.say) paragraphs = weave(paragraphs, read.say);
  if (read.unhandled) paragraphs.push(`${placeholder(read.unhandled)}`);
  const language = replyLanguage(voice, analysis.language);
  const frame = frameFor(voice, recipient?.address, recipientName, language, register.formality);
  const name = userFirstName(voice, input.message, input.me ?? [], input.myName);
  // "Shorter" keeps the greeting and the name, and drops the sign-off line above the name.
  if (read.length === 'shorter' && name) frame.signOff = '';
  // Belt and braces: the planner only repeats the thread, but the sanitiser guarantees no link, address or
  // number arrives from a message in which an injection was found.
  const sources = allowedSourcesFor(
    [...(input.thread ?? []).map(prepareNormalised), prepared],
    [
      JSON.stringify(voice),
      input.instruction ?? '',
      ...body.proposedTimes.map((t) => t.label),
      ...(deal ? [`${deal.name} ${deal.stage}`] : []),
    ],
  );
  const written = withDealHint(tidyPunctuation(applyContractions(paragraphs.join('\n\n'), register.contract)), deal);
  const text = assemble({ ...frame, name }, [
    sanitiseModelOutput(written, { allowedSources: sources, draft: true }).text,
  ]);
  return {
    subject: replySubject(message.subject),
    text,
    html: textToHtml(text),
    placeholders: placeholdersIn(text),
    proposedTimes: body.proposedTimes,
  };
}

/** Adds an opening and a closing line when the user's typical message is long enough to carry them. */
function withLength(
  core: string[],
  analysis: MessageAnalysis,
  voice: VoiceProfile,
  read: ReadInstruction,
  r: Register,
  isFollowUp: boolean,
): string[] {
  if (read.length === 'shorter' || isFollowUp) return core;
  const words = core.join(' ').split(/\s+/).length;
  const target = read.length === 'longer' ? Math.max(voice.typicalWords * 2, words + 30) : voice.typicalWords;
  const acknowledged = core.some((p) => /^(Thank|Great|Thanks)/.test(p));
  const opener = acknowledged ? '' : thanksOpener(r);
  const result = [...core];
  let total = words;
  if (opener && (target - total >= 12 || read.length === 'longer')) {
    result.unshift(opener);
    total += opener.split(/\s+/).length;
  }
  // "Longer" says how the reply is laid out; every sentence stays true of the draft itself.
  if (read.length === 'longer') {
    const answers = analysis.asks.length + (analysis.meetingAsk ? 1 : 0);
    result.splice(
      opener ? 1 : 0,
      0,
      answers > 1
        ? `${c(r, 'I have', "I've")} gone through your message and answered each point below.`
        : answers === 1
          ? `${c(r, 'I have', "I've")} gone through your message; my answer is below.`
          : `${r.formality === 'formal' ? 'Thank you' : 'Thanks'} for keeping me in the loop.`,
    );
  }
  if (target - total >= 10 || read.length === 'longer') result.push(closer(r));
  return result;
}
