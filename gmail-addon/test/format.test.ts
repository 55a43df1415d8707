import { CATEGORY_IDS, CATEGORY_LABELS, defaultSettings } from '@steward/shared';
import { describe, expect, it } from 'vitest';
import {
  CATEGORY_MENU_ORDER,
  categoryLabel,
  confidenceText,
  DEFAULT_CATEGORY_LABELS,
  parseDayHours,
  slotText,
  textToHtml,
  voiceSummary,
  workingHoursText,
} from '../src/core/format.ts';

it('the bundled category labels are the shared ones, and the menu offers every category once', () => {
  expect(DEFAULT_CATEGORY_LABELS).toEqual(CATEGORY_LABELS);
  expect([...CATEGORY_MENU_ORDER].sort()).toEqual([...CATEGORY_IDS].sort());
});

it('uses the display name the user chose', () => {
  const settings = defaultSettings();
  settings.categories.to_respond.displayName = 'Reply needed';
  expect(categoryLabel('to_respond', settings)).toBe('Reply needed');
  expect(categoryLabel('fyi', null)).toBe('FYI');
});

it('says confidence in words and numbers', () => {
  expect(confidenceText(0.81)).toBe('High confidence (81%)');
  expect(confidenceText(0.6)).toBe('Medium confidence (60%)');
  expect(confidenceText(0.2)).toBe('Low confidence (20%)');
  expect(confidenceText(Number.NaN)).toBe('Low confidence (0%)');
});

describe('working hours', () => {
  it('groups consecutive days with the same hours', () => {
    const hours = defaultSettings().workingHours;
    hours.fri = [{ start: '09:00', end: '13:00' }];
    expect(workingHoursText(hours)).toBe('Mon–Thu 09:00–17:00; Fri 09:00–13:00; Sat–Sun off');
  });

  it('parses what a person types, and explains what it cannot parse', () => {
    expect(parseDayHours('9:00-12:30, 13:00 – 17:00')).toEqual([
      { start: '09:00', end: '12:30' },
      { start: '13:00', end: '17:00' },
    ]);
    expect(parseDayHours('')).toEqual([]);
    expect(parseDayHours('off')).toEqual([]);
    expect(parseDayHours('17:00-09:00')).toBe('"17:00-09:00" ends before it starts.');
    expect(parseDayHours('nine to five')).toBe('"nine to five" is not a range like 09:00-17:00.');
    expect(parseDayHours('25:00-26:00')).toBe('"25:00-26:00" is not a valid time range.');
    expect(parseDayHours('18:00-24:00')).toEqual([{ start: '18:00', end: '24:00' }]);
  });
});

it('shows a slot in the user zone, across the daylight-saving change', () => {
  // Europe/Berlin moves to summer time on 30 March 2025.
  expect(slotText({ start: '2025-03-28T13:00:00Z', end: '2025-03-28T13:30:00Z' }, 'Europe/Berlin')).toBe(
    'Fri 28 Mar, 14:00–14:30',
  );
  expect(slotText({ start: '2025-03-31T13:00:00Z', end: '2025-03-31T13:30:00Z' }, 'Europe/Berlin')).toBe(
    'Mon 31 Mar, 15:00–15:30',
  );
  expect(slotText({ start: '2025-03-31T13:00:00Z', end: '2025-03-31T13:30:00Z' }, 'Not/AZone')).toBe(
    'Mon 31 Mar, 13:00–13:30',
  );
});

it('summarises the voice profile in readable lines', () => {
  const lines = voiceSummary({
    greetings: [
      { text: '', share: 0.2 },
      { text: 'Hi {name},', share: 0.7 },
    ],
    signOffs: [{ text: 'Best,', share: 0.6 }],
    perRecipient: [],
    signatureName: 'Sam',
    typicalWords: 62,
    formality: 'neutral',
    contractionsRate: 0.8,
    emojiRate: 0,
    punctuation: { exclamationRate: 0.05, ellipsisRate: 0 },
    languages: ['en', 'de'],
    sampleCount: 140,
    confidence: 'high',
  });
  expect(lines).toEqual([
    'Greeting: “Hi {name},”',
    'Sign-off: “Best,”, signed Sam',
    'Neutral, about 62 words, contractions 80%',
    'Languages: en, de',
    'Learned from 140 sent messages (high confidence)',
  ]);
});

it('escapes text before it goes into a draft as HTML', () => {
  expect(textToHtml('Tue <b>or</b> Wed?\nThanks\n\nSam')).toBe(
    '<p>Tue &lt;b&gt;or&lt;/b&gt; Wed?<br>Thanks</p><p>Sam</p>',
  );
});
