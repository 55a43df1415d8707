/**
 * Issue 12: the SSRF guard of ICS feeds knows every IPv6 spelling of a private IPv4 address, and settings
 * refuse such feeds before they are stored.
 */
import { describe, expect, it } from 'vitest';
import {
  checkFeedUrl,
  FeedUrlError,
  fetchFeedText,
  isPublicAddress,
} from '../../src/scheduling/calendar/feed-fetch.ts';
import { useTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';

const EMBEDDED_PRIVATE = [
  '::127.0.0.1', // IPv4-compatible (deprecated ::/96)
  '::7f00:1',
  '::ffff:0:127.0.0.1', // IPv4-translated (RFC 6145)
  '::ffff:0:7f00:1',
  '::ffff:127.0.0.1', // IPv4-mapped
  '::ffff:7f00:1',
  '0:0:0:0:0:ffff:a9fe:a9fe', // mapped 169.254.169.254
  '64:ff9b::127.0.0.1', // NAT64
  '64:ff9b::a9fe:a9fe',
  '64:ff9b:1::a00:1', // local-use NAT64
  '2002:7f00:1::', // 6to4 of 127.0.0.1
  '2002:c0a8:101::1', // 6to4 of 192.168.1.1
  '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo
  '2001:db8::1',
  '100::1', // discard-only
  'fec0::1', // site-local
  'ff02::1',
  'fe80::1%eth0',
  '::',
  '::1',
  '0:0:0:0:0:0:0:1',
];

describe('SSRF guard: IPv6 forms that embed or translate IPv4', () => {
  it.each(EMBEDDED_PRIVATE)('%s is not public', (address) => expect(isPublicAddress(address)).toBe(false));

  it.each(['8.8.8.8', '2606:4700:4700::1111', '2a00:1450:4001:82b::200e', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => expect(isPublicAddress(address)).toBe(true),
  );

  it.each([
    'https://[::127.0.0.1]:8443/f.ics',
    'https://[::ffff:0:127.0.0.1]/f.ics',
    'https://[::ffff:7f00:1]/f.ics',
    'https://[64:ff9b::10.0.0.1]/f.ics',
    'https://[2002:a9fe:a9fe::]/latest/meta-data',
    'https://[::169.254.169.254]/f.ics',
    'https://0x7f.1/f.ics',
    'https://2130706433/f.ics',
    'https://0177.0.0.1/f.ics',
    'https://127.1/f.ics',
  ])('%s is refused before any connection', async (url) => {
    expect(() => checkFeedUrl(url)).toThrow(FeedUrlError);
    await expect(fetchFeedText(url)).rejects.toBeInstanceOf(FeedUrlError);
  });
});

for (const database of testDatabases()) {
  describe(`settings refuse such feeds [${database.name}]`, () => {
    const ctx = useTestApp(database);
    it.each(['https://[::127.0.0.1]:8443/f.ics', 'https://[::ffff:0:127.0.0.1]/f.ics'])('%s → 400', async (feed) => {
      const res = await ctx.app.inject({ method: 'PUT', url: '/v1/settings', payload: { icsFeeds: [feed] } });
      expect(res.statusCode, res.body).toBe(400);
      const settings = await ctx.app.inject({ method: 'GET', url: '/v1/settings' });
      expect(settings.json().icsFeeds).toEqual([]);
    });
  });
}
