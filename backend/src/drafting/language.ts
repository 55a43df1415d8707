/**
 * Small language facts drafting needs: which language a text is in, and how people open and close
 * mail in the languages Steward writes greetings for (en, de, fr, es).
 */

export type DraftLanguage = 'en' | 'de' | 'fr' | 'es';

/** Frequent function words; distinctive enough to tell these four apart on a few sentences. */
const STOPWORDS: Record<DraftLanguage, Set<string>> = {
  en: new Set(
    'the and you that for with this have are was not but what will would can your our please thanks'.split(' '),
  ),
  de: new Set('und der die das nicht ich sie ist mit den ein eine wir für auf bitte ihnen danke auch noch'.split(' ')),
  fr: new Set('le la les et des est pour que une pas vous nous avec dans sur merci bonjour je ce qui'.split(' ')),
  es: new Set('el la los las y que es por para una con no usted nosotros gracias hola en del muy pero'.split(' ')),
};

const WORD = /[\p{L}']+/gu;

/** The most likely language of `text`, or undefined when it has too few known words to tell. */
export function detectLanguage(text: string): DraftLanguage | undefined {
  const counts: Record<DraftLanguage, number> = { en: 0, de: 0, fr: 0, es: 0 };
  let seen = 0;
  for (const match of text.slice(0, 4000).toLowerCase().matchAll(WORD)) {
    seen++;
    for (const language of Object.keys(STOPWORDS) as DraftLanguage[]) {
      if (STOPWORDS[language].has(match[0])) counts[language]++;
    }
    if (seen > 600) break;
  }
  const ranked = (Object.entries(counts) as [DraftLanguage, number][]).sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] < 2) return undefined;
  if (second && best[1] === second[1]) return undefined;
  return best[0];
}

/** Greeting openers, lower case, longest first so "good morning" wins over "good". */
export const GREETING_WORDS: Record<DraftLanguage, string[]> = {
  en: ['good morning', 'good afternoon', 'good evening', 'greetings', 'hello', 'dear', 'hiya', 'hey', 'hi'],
  de: [
    'sehr geehrte damen und herren',
    'sehr geehrter',
    'sehr geehrte',
    'guten morgen',
    'guten tag',
    'liebe',
    'lieber',
    'hallo',
    'servus',
    'moin',
  ],
  fr: ['bonjour', 'bonsoir', 'chère', 'cher', 'salut', 'madame', 'monsieur'],
  es: ['buenos días', 'buenas tardes', 'estimada', 'estimado', 'querida', 'querido', 'hola'],
};

/** Closing phrases, lower case. */
export const SIGN_OFF_PHRASES: Record<DraftLanguage, string[]> = {
  en: [
    'thanks',
    'thank you',
    'many thanks',
    'thanks again',
    'thanks so much',
    'thanks in advance',
    'thx',
    'ty',
    'best',
    'best regards',
    'best wishes',
    'all the best',
    'all best',
    'regards',
    'kind regards',
    'warm regards',
    'warmest regards',
    'with regards',
    'cheers',
    'sincerely',
    'yours sincerely',
    'sincerely yours',
    'yours',
    'yours truly',
    'talk soon',
    'take care',
    'speak soon',
    'respectfully',
    'rgds',
    'br',
  ],
  de: [
    'viele grüße',
    'beste grüße',
    'liebe grüße',
    'mit freundlichen grüßen',
    'freundliche grüße',
    'schöne grüße',
    'gruß',
    'grüße',
    'lg',
    'vg',
    'danke',
    'vielen dank',
  ],
  fr: [
    'cordialement',
    'bien cordialement',
    'bien à vous',
    'amitiés',
    'bonne journée',
    'à bientôt',
    'merci',
    'merci beaucoup',
    'salutations',
  ],
  es: [
    'saludos',
    'un saludo',
    'atentamente',
    'un abrazo',
    'gracias',
    'muchas gracias',
    'saludos cordiales',
    'cordialmente',
  ],
};

const ALL_GREETINGS = (Object.entries(GREETING_WORDS) as [DraftLanguage, string[]][])
  .flatMap(([language, words]) => words.map((word) => ({ language, word })))
  .sort((a, b) => b.word.length - a.word.length);

const SIGN_OFF_LANGUAGE = new Map<string, DraftLanguage>(
  (Object.entries(SIGN_OFF_PHRASES) as [DraftLanguage, string[]][]).flatMap(([language, phrases]) =>
    phrases.map((phrase) => [phrase, language] as [string, DraftLanguage]),
  ),
);

/** The greeting word a line starts with ("Hi Ann, ..." → "hi"), with its language. */
export function greetingWordAt(line: string): { word: string; language: DraftLanguage; length: number } | undefined {
  const lower = line.toLowerCase();
  for (const { language, word } of ALL_GREETINGS) {
    if (lower.startsWith(word) && !/[\p{L}]/u.test(lower.charAt(word.length))) {
      return { word, language, length: word.length };
    }
  }
  return undefined;
}

/** The sign-off phrase a whole line is ("Best regards," → "best regards"), else undefined. */
export function signOffPhrase(line: string): { phrase: string; language: DraftLanguage } | undefined {
  const key = line
    .toLowerCase()
    .replace(/[\s,.!:;—–-]+$/u, '')
    .replace(/\s+/g, ' ')
    .trim();
  const language = SIGN_OFF_LANGUAGE.get(key);
  return language ? { phrase: key, language } : undefined;
}

/** The language of a greeting or sign-off template such as "Hallo {name}," (undefined when unknown). */
export function phraseLanguage(template: string): DraftLanguage | undefined {
  const stripped = template.replace('{name}', '').trim();
  if (!stripped || stripped === ',') return undefined;
  return greetingWordAt(stripped)?.language ?? signOffPhrase(stripped)?.language;
}

/** Greeting and sign-off to use in a language the profile has no learned phrase for. */
export const LOCALISED: Record<
  DraftLanguage,
  {
    greeting: Record<'casual' | 'neutral' | 'formal', string>;
    signOff: Record<'casual' | 'neutral' | 'formal', string>;
    noName: string;
  }
> = {
  en: {
    greeting: { casual: 'Hi {name},', neutral: 'Hi {name},', formal: 'Dear {name},' },
    signOff: { casual: 'Thanks,', neutral: 'Best,', formal: 'Kind regards,' },
    noName: 'Hello,',
  },
  de: {
    greeting: { casual: 'Hallo {name},', neutral: 'Hallo {name},', formal: 'Guten Tag {name},' },
    signOff: { casual: 'Viele Grüße', neutral: 'Viele Grüße', formal: 'Mit freundlichen Grüßen' },
    noName: 'Guten Tag,',
  },
  fr: {
    greeting: { casual: 'Salut {name},', neutral: 'Bonjour {name},', formal: 'Bonjour {name},' },
    signOff: { casual: 'À bientôt,', neutral: 'Bien à vous,', formal: 'Cordialement,' },
    noName: 'Bonjour,',
  },
  es: {
    greeting: { casual: 'Hola {name},', neutral: 'Hola {name},', formal: 'Buenos días {name},' },
    signOff: { casual: 'Un saludo,', neutral: 'Saludos,', formal: 'Atentamente,' },
    noName: 'Hola,',
  },
};
