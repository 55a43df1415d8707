import { webDarkTheme, webLightTheme } from '@fluentui/react-components';
import { describe, expect, it } from 'vitest';
import { readPaneConfig } from '../src/config.ts';
import { SampleMailbox } from '../src/mailbox/sample.ts';
import { formatFromFileName } from '../src/ui/panels/NotesPanel.tsx';
import { textToPhrases } from '../src/ui/panels/SettingsPanel.tsx';
import { textToHtml } from '../src/ui/reply-html.ts';
import { relativeLuminance, themeFor } from '../src/ui/theme.ts';

describe('textToHtml', () => {
  it('makes paragraphs and line breaks, and escapes markup', () => {
    expect(textToHtml('Hi Priya,\r\n\r\nThe price is <b>$24</b> & up.\nBest,\nAlex\n')).toBe(
      '<p>Hi Priya,</p><p>The price is &lt;b&gt;$24&lt;/b&gt; &amp; up.<br>Best,<br>Alex</p>',
    );
  });
});

describe('Office theme', () => {
  it('uses the dark Fluent theme when Outlook is dark, and keeps Outlook’s body colours', () => {
    const dark = themeFor({
      bodyBackgroundColor: '#1F1F1F',
      bodyForegroundColor: '#FFFFFF',
      controlBackgroundColor: '#333',
      controlForegroundColor: '#FFF',
    });
    expect(dark.colorBrandBackground).toBe(webDarkTheme.colorBrandBackground);
    expect(dark.colorNeutralBackground1).toBe('#1F1F1F');
    const light = themeFor({
      bodyBackgroundColor: '#ffffff',
      bodyForegroundColor: '#000000',
      controlBackgroundColor: '#fff',
      controlForegroundColor: '#000',
    });
    expect(light.colorNeutralForeground2).toBe(webLightTheme.colorNeutralForeground2);
    expect(themeFor(null, true)).toBe(webDarkTheme);
  });

  it('computes WCAG luminance', () => {
    expect(relativeLuminance('#000')).toBe(0);
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1);
    expect(relativeLuminance('not a colour')).toBe(1);
  });
});

describe('pane config', () => {
  it('reads the client id from the URL the manifest wrote, and defaults the API to the same origin', () => {
    const id = '0b8f6a3e-2c1d-4e5f-9a7b-1c2d3e4f5a6b';
    expect(
      readPaneConfig({
        href: `https://steward.example/addin/taskpane.html?clientId=${id}`,
        origin: 'https://steward.example',
      }),
    ).toEqual({
      apiBaseUrl: 'https://steward.example',
      clientId: id,
    });
    expect(
      readPaneConfig({
        href: 'https://a.example/addin/taskpane.html?clientId=nope&api=https://b.example/',
        origin: 'https://a.example',
      }),
    ).toEqual({
      apiBaseUrl: 'https://b.example',
      clientId: null,
    });
  });
});

describe('sample mailbox', () => {
  it('has messages of several kinds and follows the selection', async () => {
    const mailbox = new SampleMailbox();
    expect(mailbox.messages.length).toBeGreaterThanOrEqual(5);
    expect(new Set(mailbox.messages.map((m) => m.id)).size).toBe(mailbox.messages.length);
    const changes: string[] = [];
    mailbox.onItemChanged(() => void mailbox.readCurrentItem().then((open) => changes.push(open?.message.id ?? '')));
    mailbox.select('sample-3-invoice');
    mailbox.select('sample-3-invoice');
    await new Promise((r) => setTimeout(r, 0));
    expect(changes).toEqual(['sample-3-invoice']);
    await mailbox.insertReply({ html: '<p>Thanks</p>', text: 'Thanks' });
    expect(mailbox.effects).toEqual([
      { kind: 'reply', messageId: 'sample-3-invoice', replyAll: false, html: '<p>Thanks</p>' },
    ]);
  });
});

describe('notes and style card helpers', () => {
  it('knows transcript formats by extension', () => {
    expect(formatFromFileName('Weekly sync.VTT')).toBe('vtt');
    expect(formatFromFileName('meeting.srt')).toBe('srt');
    expect(formatFromFileName('notes.docx')).toBeUndefined();
  });

  it('keeps learned shares for kept phrases; a new phrase on top becomes the first choice', () => {
    const previous = [
      { text: 'Hi {name},', share: 0.7 },
      { text: 'Hello {name},', share: 0.3 },
    ];
    expect(textToPhrases('Hey {name},\n\nHi {name},\n  ', previous)).toEqual([
      { text: 'Hey {name},', share: 1 },
      { text: 'Hi {name},', share: 0.7 },
    ]);
  });
});
