/**
 * The language of selling and of bulk solicitation (guideline: "newsletters, promotions, sales and cold
 * outreach, advertising, spam, mass mailings that sell or promote something"), as distinct cues. One cue
 * is common in ordinary mail ("free", a price); several together are a pitch. Written from the
 * guideline's definition, not from any corpus's senders or subjects.
 */
import type { NormalisedMessage } from '../mail/types.ts';

const CUES: Array<[string, RegExp]> = [
  [
    'money offered',
    /\$\s?\d[\d,.]*(?!\s*(million|billion|mm|bn)\b)|\b(extra|easy|fast|quick|huge|big) (cash|money|income|profits?)\b|\b(earn|make) (up to )?(\$|\d|money|cash|more)|\b(extra|monthly|residual|additional) income\b|\bhuge profits?\b/i,
  ],
  [
    'a price or a sale',
    /\b(low|lowest|best|special|sale|discount(ed)?|clearance|wholesale|introductory|unbeatable|great) (price|prices|pricing|offer|offers|rates?|deals?)\b|\bon sale\b|\b\d+\s?% off\b|\bsave (up to |over |big|\$|\d)|\bhalf[- ]price\b|\bas low as\b|\bonly \$|\bper month\b|\bfor (just|only) \$?\d/i,
  ],
  [
    'something free',
    /\b(100% )?free (trial|gift|access|quote|information|info|consultation|shipping|sample|report|membership|software|offer|of charge)\b|\bfor free\b|\babsolutely free\b|\bfree!/i,
  ],
  [
    'a call to act now',
    /\b(order|buy|act|call|sign up|apply|register|subscribe|join|respond|reply) (now|today|immediately)\b|\bclick (here|below|on the link|the link|this link)\b|\bvisit (our|the|my) (web ?site|site|store|shop|page)\b|\blimited (time|offer|quantit(y|ies)|supply)\b|\bdon'?t (miss|delay|wait)\b|\bhurry\b|\bwhile (supplies|stocks?) last\b|\bact fast\b/i,
  ],
  [
    'a guarantee',
    /\bguarantee(d|s)?\b|\brisk[- ]free\b|\bno (obligation|risk|catch|strings attached|questions asked)\b|\bmoney[- ]back\b/i,
  ],
  [
    'an unsolicited business proposal',
    /\b(beneficiary|next of kin|business (proposal|partner|relationship|opportunit(y|ies))|strictly confidential|transfer (of )?(the )?(sum|funds?)|funds? transfer|foreign (bank )?account|consignment|(percent|%) of the (total )?(sum|funds?)|work from home|home[- ]based business|(opportunity|chance) of a lifetime|financial freedom)\b/i,
  ],
  [
    'a prize',
    /\b(you('ve| have) (been selected|won|been chosen)|congratulations!|winners?!|\bprizes?\b|lottery|jackpot|sweepstakes|gift card)\b/i,
  ],
  [
    'mass-mailing wording',
    /\b(this (message|e-?mail|mailing) (is|was) sent|you are receiving this|(received|receive|getting) this (e-?mail|message|mailing|newsletter) because|sent to our (subscribers|members|customers)|not spam|bulk e-?mail|e-?mail (marketing|addresses)|targeted e-?mail|opt[- ]in)\b/i,
  ],
  [
    'an impersonal greeting',
    /^\s*(dear (friend|sir|madam|sir\/madam|customer|member|subscriber|valued|reader|colleague)s?|hello friends?|greetings!?)\b/im,
  ],
  [
    'a sales product',
    /\b(viagra|cialis|pharmacy|prescriptions?|diet|weight loss|lose weight|casino|poker|dating|singles|adult|xxx|mortgage|refinanc\w*|loans?|debt|credit (card|report|rating)|insurance quote|cartridges|replica|satellite|cable tv|vacation package|timeshare)\b/i,
  ],
  [
    'a newsletter',
    /\bnewsletter\b|\b(this|our) (week'?s|month'?s) (issue|edition)\b|\b(issue|edition|vol\.?|volume)\s*(no\.?|#)?\s*\d+\b|\bsubscribers\b/i,
  ],
  ['shouting', /!!|\$\$|\b[A-Z]{4,}(\s+[A-Z]{2,}){3,}\b/],
];

/** The distinct selling cues in the subject and the first part of the text (the first `max` found). */
export function pitchCues(msg: NormalisedMessage, max = CUES.length): string[] {
  const head = `${msg.subject}\n${msg.text.length > 4000 ? msg.text.slice(0, 4000) : msg.text}`;
  const out: string[] = [];
  for (const [name, pattern] of CUES) {
    if (pattern.test(head)) out.push(name);
    if (out.length >= max) break;
  }
  return out;
}

/** How many distinct cues make a pitch (several together; one alone is ordinary mail). */
export const PITCH_CUES = 3;
