import { describe, expect, it } from 'vitest';
import {
  BASE_SCOPES,
  CONSENT_URL_PREFIXES,
  gmailManifest,
  LABEL_SCOPES,
  MESSAGE_URL_PREFIXES,
  urlPrefix,
} from '../scripts/manifest.ts';

describe('urlPrefix', () => {
  it('turns PUBLIC_URL into a whitelist prefix ending in a slash', () => {
    expect(urlPrefix('https://steward.example.com')).toBe('https://steward.example.com/');
    expect(urlPrefix('https://example.com/steward//')).toBe('https://example.com/steward/');
    expect(urlPrefix('https://example.com:8443')).toBe('https://example.com:8443/');
  });

  it('refuses what Apps Script cannot call', () => {
    expect(() => urlPrefix('http://localhost:8787')).toThrow(/must use https/);
    expect(() => urlPrefix('steward.example.com')).toThrow(/not a URL/);
    expect(() => urlPrefix('https://u:p@example.com')).toThrow(/without query, fragment or credentials/);
  });
});

it('adds the restricted label scopes and the Gmail API only when asked', () => {
  const plain = gmailManifest({ publicUrl: 'https://s.example' });
  expect(plain.oauthScopes).toEqual([...BASE_SCOPES]);
  expect(plain.oauthScopes.some((s) => s.includes('gmail.modify'))).toBe(false);

  const labels = gmailManifest({ publicUrl: 'https://s.example', labels: true, logoUrl: 'https://cdn.example/l.png' });
  expect(labels.oauthScopes).toEqual([...BASE_SCOPES, ...LABEL_SCOPES]);
  expect(labels.urlFetchWhitelist).toEqual(['https://s.example/', 'https://gmail.googleapis.com/']);
  expect(labels.addOns.common.logoUrl).toBe('https://cdn.example/l.png');
});

it("lets the add-on open the server, the providers' consent pages and a message in its mail client, nothing else", () => {
  expect(gmailManifest({ publicUrl: 'https://s.example/steward' }).addOns.common.openLinkUrlPrefixes).toEqual([
    'https://s.example/steward/',
    ...CONSENT_URL_PREFIXES,
    ...MESSAGE_URL_PREFIXES,
  ]);
  expect(MESSAGE_URL_PREFIXES).toEqual(['https://mail.google.com/', 'https://outlook.office.com/']);
  expect(CONSENT_URL_PREFIXES).toEqual(['https://accounts.google.com/', 'https://login.microsoftonline.com/']);
});
