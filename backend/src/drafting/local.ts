/**
 * The local drafting planner: intents and entities from `analyse.ts`, sentences from templates, the frame
 * (greeting, sign-off, name) from the voice profile. It never states a fact the thread or the profile does
 * not hold: what it cannot know becomes a visible `[confirm: …]` placeholder, and meeting times come from
 * the scheduling solver.
 */

import type { Draft, Formality, ProposedTime, Settings, VoiceProfile } from '@steward/shared';
import { DateTime } from 'luxon';
import { allowedSourcesFor, type PreparedEmail, prepareNormalised, sanitiseModelOutput } from '../ai/safety.ts';
import type { NormalisedMessage } from '../mail/types.ts';
import { suggestTimes } from '../scheduling/suggest.ts';
import { parseTimeExpressions } from '../scheduling/times.ts';
import { type Ask, analyseMessage, type MessageAnalysis, meetingAskText } from './analyse.ts';
import {
  assemble,
  frameFor,
  placeholdersIn,
  proposedTimesFrom,
  replyLanguage,
  replySubject,
  textToHtml,
} from './compose.ts';
import { firstNameOf } from './names.ts';

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
}

export interface ReadInstruction {
  length?: 'shorter' | 'longer';
  formality?: Formality;
  decision?: 'accept' | 'decline';
  followUp?: boolean;
  /** What the user asked to be said, in their words, when it is not one of the known commands. */
  say?: string;
  /** Free text the planner cannot act on; shown as a placeholder so it is not lost. */
  unhandled?: string;
}

export function readInstruction(instruction: string | undefined): ReadInstruction {
  const text = (instruction ?? '').trim().slice(0, 500);
  if (!text) return {};
  const read: ReadInstruction = {};
  let known = false;
  const mark = (change: Partial<ReadInstruction>) => {
    Object.assign(read, change);
    known = true;
  };
  if (/\b(shorter|brief|briefer|concise|short|terse)\b/i.test(text)) mark({ length: 'shorter' });
  if (/\b(longer|more detail(ed)?|elaborate|expand)\b/i.test(text)) mark({ length: 'longer' });
  if (/\b(less formal|informal|casual|friendlier|more relaxed)\b/i.test(text)) mark({ formality: 'casual' });
  else if (/\b(more formal|formal|professional|polite)\b/i.test(text)) mark({ formality: 'formal' });
  if (/\b(decline|say no|turn (it |this )?down|refuse|reject|can'?t make it|not interested)\b/i.test(text))
    mark({ decision: 'decline' });
  else if (/\b(accept|say yes|agree|confirm)\b/i.test(text)) mark({ decision: 'accept' });
  if (/\b(follow[- ]?up|nudge|chase|remind)\b/i.test(text)) mark({ followUp: true });
  const say =
    /^(?:[Pp]lease\s+)?(?:[Tt]ell|[Ss]ay|[Mm]ention|[Ll]et)\s+(?:(?:him|her|them|\p{Lu}\p{L}+)\s+)?(?:know\s+)?(?:that\s+)?(.+)$/u.exec(
      text,
    );
  if (say?.[1] && !known) {
    read.say = sentence(say[1].replace(/\b(him|her|them)\b/gi, 'you').replace(/\b(his|their)\b/gi, 'your'));
  } else if (!known) {
    read.unhandled = text.replace(/[[\]]/g, '').slice(0, 150);
  }
  return read;
}

/** Writes in the user's register: contractions only when they use them. */
interface Register {
  formality: Formality;
  contract: boolean;
  exclaim: boolean;
}

function c(register: Register, full: string, short: string): string {
  return register.contract ? short : full;
}

function sentence(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  const capitalised = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

function quoteQuestion(question: string): string {
  return question.length > 140 ? `${question.slice(0, 137)}...` : question;
}

function answerAsk(ask: Ask, decision: ReadInstruction['decision'], r: Register): string {
  if (ask.kind === 'request') {
    const info = /^(?:let|tell) you(?: know)?\s+(.*)$/i.exec(ask.action);
    if (info?.[1]) {
      const about = info[1].replace(/^if\b/i, 'whether');
      return `As for ${about.replace(/[.?!]+$/, '')}: [confirm: answer].`;
    }
    if (decision === 'decline')
      return sentence(`Unfortunately I ${c(r, 'will not', "won't")} be able to ${ask.action}`);
    return ask.hasDeadline
      ? sentence(`${c(r, 'I will', "I'll")} ${ask.action}`)
      : sentence(`${c(r, 'I will', "I'll")} ${ask.action} by [confirm: when]`);
  }
  if (ask.kind === 'what_is') {
    return sentence(`${ask.subject} ${ask.verb} [confirm: ${ask.subject.slice(0, 120)}]`);
  }
  return `[confirm: answer to “${quoteQuestion(ask.sentence)}”]`;
}

function invitationReply(
  analysis: MessageAnalysis,
  decision: ReadInstruction['decision'],
  r: Register,
  ref: Date,
): string[] {
  if (decision === 'decline') {
    return [
      `Thank you for the invitation. Unfortunately I ${c(r, 'will not', "won't")} be able to join this time.`,
      r.formality === 'casual' ? 'Hope it goes well!' : 'I hope it goes well.',
    ];
  }
  const lines = [`Thank you for the invitation — ${c(r, 'I would', "I'd")} be glad to join.`];
  const when = analysis.invitation ? parseTimeExpressions(analysis.invitation.sentence, { ref })[0]?.text : undefined;
  if (when) {
    const preposition = /^(mon|tue|wed|thu|fri|sat|sun|\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i.test(when)
      ? 'on '
      : '';
    lines.push(`See you ${preposition}${when}.`);
  }
  return lines;
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
  _analysis: MessageAnalysis,
  read: ReadInstruction,
  r: Register,
): Scheduled {
  if (read.decision === 'decline') {
    return {
      paragraphs: [
        `Thanks for reaching out. Unfortunately ${c(r, 'I am not', "I'm not")} able to meet about this at the moment.`,
      ],
      proposedTimes: [],
    };
  }
  const { message } = input;
  const { proposedTimes, theirTimesUnavailable } = solverTimes(input);
  if (!proposedTimes.length) {
    return {
      paragraphs: [
        `${c(r, 'I would', "I'd")} be glad to ${/\bcall\b/i.test(message.newText) ? 'talk' : 'meet'}. ${c(r, 'I am', "I'm")} free [confirm: times that work for you].`,
      ],
      proposedTimes,
    };
  }
  const intro = theirTimesUnavailable
    ? `Unfortunately the times you suggested ${c(r, 'do not', "don't")} work for me. Would one of these work instead?`
    : r.formality === 'formal'
      ? 'I would be glad to find a time. Would one of the following work for you?'
      : `Happy to find a time. Would one of these work for you?`;
  const list = proposedTimes.map((t) => `- ${t.label}`).join('\n');
  const paragraphs = [intro, list];
  if (read.length !== 'shorter') paragraphs.push('If none of them suits you, let me know a few times that do.');
  return { paragraphs, proposedTimes };
}

function acknowledgement(message: NormalisedMessage, analysis: MessageAnalysis, r: Register): string[] {
  const thanks = r.exclaim ? 'Thanks' : 'Thank you';
  if (analysis.closing)
    return [r.exclaim ? 'Great, thanks for letting me know!' : 'Great, thanks for letting me know.'];
  const files = message.attachments.map((a) => a.filename).filter((f): f is string => !!f && f.length <= 80);
  if (files.length) {
    const listed = files.length === 1 ? files[0] : `${files.slice(0, -1).join(', ')} and ${files[files.length - 1]}`;
    return [`${thanks} for sending ${listed}. ${c(r, 'I will', "I'll")} take a look.`];
  }
  const about = analysis.topic && analysis.topic.length <= 80 ? ` on ${analysis.topic}` : '';
  return [`${thanks} for the update${about}.`, `${c(r, 'I will', "I'll")} get back to you if I have any questions.`];
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

export function draftReplyLocal(input: LocalDraftInput): Draft {
  const { voice } = input;
  const read = readInstruction(input.instruction);
  const { analysis, prepared } = analyseSafely(input.message, input.me ?? []);
  const message = { ...input.message, subject: prepared.subject };
  const formality = read.formality ?? voice.formality;
  const register: Register = {
    formality,
    contract: formality !== 'formal' && voice.contractionsRate >= 0.4,
    exclaim: formality !== 'formal' && voice.punctuation.exclamationRate >= 0.15,
  };
  const isFollowUp = analysis.fromMe || read.followUp === true;
  const recipient = isFollowUp && analysis.fromMe ? message.to[0] : message.from;
  const recipientName = isFollowUp && analysis.fromMe ? firstNameOf(message.to[0]) : analysis.senderName;

  const core: string[] = [];
  let proposedTimes: ProposedTime[] = [];
  if (isFollowUp) {
    core.push(followUp(input, analysis, register).join(' '));
  } else {
    if (analysis.missingAttachment) {
      core.push(`Your message mentions an attachment, but nothing came through on my side. Could you send it again?`);
    }
    if (analysis.invitation)
      core.push(invitationReply(analysis, read.decision, register, message.date ?? input.now).join(' '));
    if (analysis.meetingAsk) {
      const scheduled = scheduleReply(input, analysis, read, register);
      core.push(...scheduled.paragraphs);
      proposedTimes = scheduled.proposedTimes;
    }
    const answers = analysis.asks.map((ask) => answerAsk(ask, read.decision, register));
    if (answers.length === 1) core.push(answers[0] ?? '');
    else if (answers.length > 1) core.push(answers.join('\n'));
    if (!core.length && read.decision === 'decline') {
      core.push(
        `Thank you for thinking of me. Unfortunately I ${c(register, 'will not', "won't")} be able to help with this one.`,
      );
    } else if (!core.length) {
      core.push(acknowledgement(message, analysis, register).join(' '));
    }
  }
  if (read.say) core.push(read.say);
  if (read.unhandled) core.push(`[confirm: ${read.unhandled}]`);

  const paragraphs = withLength(core, analysis, voice, read, register, isFollowUp);
  const language = replyLanguage(voice, analysis.language);
  const frame = frameFor(voice, recipient?.address, recipientName, language, formality);
  // Belt and braces: the planner only repeats the thread, but the sanitiser guarantees no link, address or
  // number arrives from a message in which an injection was found.
  const sources = allowedSourcesFor(
    [...(input.thread ?? []).map(prepareNormalised), prepared],
    [JSON.stringify(voice), ...proposedTimes.map((t) => t.label)],
  );
  const body = sanitiseModelOutput(paragraphs.join('\n\n'), { allowedSources: sources, draft: true }).text;
  const text = assemble(frame, [body]);
  return {
    subject: replySubject(message.subject),
    text,
    html: textToHtml(text),
    placeholders: placeholdersIn(text),
    proposedTimes,
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
  const opener =
    !acknowledged && analysis.topic && analysis.topic.length <= 80
      ? `Thanks for your message about ${analysis.topic}.`
      : !acknowledged
        ? 'Thanks for your message.'
        : '';
  const closer =
    r.formality === 'formal'
      ? 'Please let me know if you need anything further.'
      : r.formality === 'casual'
        ? `Let me know if you need anything else${r.exclaim ? '!' : '.'}`
        : 'Let me know if you need anything else.';
  const result = [...core];
  let total = words;
  if (opener && target - total >= 12) {
    result.unshift(opener);
    total += opener.split(/\s+/).length;
  }
  if (target - total >= 10) result.push(closer);
  if (read.length === 'longer') result.push(`${c(r, 'I am', "I'm")} happy to go into more detail if that helps.`);
  return result;
}
