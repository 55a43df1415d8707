import type { VoiceProfile } from '@steward/shared';
import { describe, expect, it } from 'vitest';
import { composeFollowUp, firstNameOf, voiceHintFromProfile } from '../../src/notes/follow-up.ts';

const base = {
  decisions: [{ text: 'Ship the beta on 1 April.' }],
  actionItems: [
    { owner: 'Sarah Kim', task: 'Update the pricing page', due: '2026-03-06' },
    { owner: 'Bob', task: 'Book the venue', due: null },
    { owner: 'Raj', task: 'Call the vendor', due: '2027-01-05T15:00:00+01:00' },
  ],
  openQuestions: [{ text: 'Who briefs support?' }],
  meetingDate: new Date('2026-03-03T09:00:00Z'),
  tz: 'Europe/Berlin',
};

describe('composeFollowUp', () => {
  it('lists decisions, owned and dated action items and open questions', () => {
    const email = composeFollowUp({ ...base, title: 'Launch sync', attendees: ['Sarah Kim <sarah@example.com>'] });
    expect(email.subject).toBe('Follow-up: Launch sync');
    expect(email.text).toBe(
      [
        'Hi Sarah,',
        '',
        'Thanks for your time in "Launch sync" on Tue 3 Mar 2026. Here is a recap.',
        '',
        'Decisions:',
        '- Ship the beta on 1 April.',
        '',
        'Action items:',
        '- Sarah Kim: Update the pricing page (due Fri 6 Mar)',
        '- Bob: Book the venue (no date set)',
        '- Raj: Call the vendor (due Tue 5 Jan 2027, 15:00)',
        '',
        'Open questions:',
        '- Who briefs support?',
        '',
        'Let me know if I missed anything or got something wrong.',
        '',
      ].join('\n'),
    );
  });

  it("uses the user's greeting and sign-off and leaves the user out of the greeting", () => {
    const email = composeFollowUp({
      ...base,
      attendees: ['Ann Lee <ann@example.com>', 'sarah.kim@example.com', 'Bob Stone'],
      voice: { greeting: 'Hey {name},', signOff: 'Cheers', name: 'Ann' },
    });
    expect(email.text.startsWith('Hey Sarah and Bob,\n\n')).toBe(true);
    expect(email.text.endsWith('Cheers,\nAnn\n')).toBe(true);
  });

  it('names up to four attendees, greets a larger group as "all", and keeps a complete greeting as written', () => {
    const many = ['A One', 'B Two', 'C Three'];
    expect(composeFollowUp({ ...base, attendees: many }).text.startsWith('Hi A, B and C,')).toBe(true);
    const five = [...many, 'D Four', 'E Five'];
    expect(composeFollowUp({ ...base, attendees: five }).text.startsWith('Hi all,')).toBe(true);
    expect(
      composeFollowUp({ ...base, attendees: many, voice: { greeting: 'Hello team!' } }).text.startsWith(
        'Hello team!\n',
      ),
    ).toBe(true);
    expect(
      composeFollowUp({ ...base, attendees: many, voice: { greeting: '' } }).text.startsWith('Thanks for your time'),
    ).toBe(true);
  });

  it('says so when nothing was decided or assigned', () => {
    const email = composeFollowUp({ decisions: [], actionItems: [], openQuestions: [] });
    expect(email.subject).toBe('Meeting follow-up');
    expect(email.text).toContain('No decisions or action items were recorded.');
    expect(email.text).toContain('Thanks for your time in the meeting. Here is a recap.');
  });
});

describe('firstNameOf and voiceHintFromProfile', () => {
  it('finds a first name in a display name or an address', () => {
    expect(firstNameOf('"Sarah Kim" <sarah@example.com>')).toBe('Sarah');
    expect(firstNameOf('bob.stone@example.com')).toBe('Bob');
    expect(firstNameOf('x1@example.com')).toBeNull();
  });

  it("takes the profile's most used greeting and sign-off", () => {
    const profile = {
      greetings: [{ text: 'Hi {name},', share: 0.7 }],
      signOffs: [{ text: 'Thanks,', share: 0.5 }],
      signatureName: 'Vince',
    } as unknown as VoiceProfile;
    expect(voiceHintFromProfile(profile)).toEqual({ greeting: 'Hi {name},', signOff: 'Thanks,', name: 'Vince' });
  });
});
