import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import {
  CATEGORY_IDS,
  defaultSettings,
  EmailMessage,
  ErrorBody,
  Settings,
  SettingsPatch,
  TriageResult,
} from '../src/index.ts';

describe('the shared contract', () => {
  it('has the eight categories of the product, in precedence order', () => {
    expect(CATEGORY_IDS).toEqual([
      'meeting_update',
      'marketing',
      'notification',
      'comment',
      'awaiting_reply',
      'actioned',
      'to_respond',
      'fyi',
    ]);
  });

  it('default settings are valid settings', () => {
    expect(Value.Check(Settings, defaultSettings())).toBe(true);
  });

  it('a settings patch refuses unknown keys', () => {
    expect(Value.Check(SettingsPatch, { timeZone: 'UTC' })).toBe(true);
    expect(Value.Check(SettingsPatch, { timeZone: 'UTC', theme: 'dark' })).toBe(false);
  });

  it('accepts the message shapes of cli.md', () => {
    expect(
      Value.Check(EmailMessage, {
        id: 'm1',
        threadId: 't1',
        from: 'Ann Lee <ann@example.com>',
        to: ['me@example.com'],
        cc: [],
        subject: 'Budget',
        date: '2026-03-02T09:15:00Z',
        text: 'plain body',
        headers: { 'list-unsubscribe': '<mailto:u@example.com>' },
      }),
    ).toBe(true);
    expect(
      Value.Check(EmailMessage, {
        id: 'm2',
        raw: 'Subject: hi\r\n\r\nbody',
        from: { name: 'Ann', address: 'ann@example.com' },
      }),
    ).toBe(true);
    expect(Value.Check(EmailMessage, { id: 'm3', text: 'x', bcc: [] })).toBe(false);
  });

  it('a triage result must use a known category and a bounded summary', () => {
    const ok = {
      id: 'm1',
      category: 'to_respond',
      needsReply: true,
      meetingRequest: false,
      priority: 'high',
      confidence: 0.86,
      reasons: ['asks a direct question'],
      summary: 'Ann asks you to approve the Q2 budget by Friday',
    };
    expect(Value.Check(TriageResult, ok)).toBe(true);
    expect(Value.Check(TriageResult, { ...ok, category: 'urgent' })).toBe(false);
    expect(Value.Check(TriageResult, { ...ok, summary: 'x'.repeat(141) })).toBe(false);
    expect(Value.Check(TriageResult, { ...ok, confidence: 1.2 })).toBe(false);
  });

  it('errors have exactly a code and a message', () => {
    expect(Value.Check(ErrorBody, { error: { code: 'not_found', message: 'No such message.' } })).toBe(true);
    expect(Value.Check(ErrorBody, { error: { code: 'x' } })).toBe(false);
  });
});
