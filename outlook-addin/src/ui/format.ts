import type { Address } from '@steward/shared';

export function addressLabel(address: Address | undefined): string {
  if (!address) return '';
  if (typeof address === 'string') return address;
  return address.name ? `${address.name} <${address.address}>` : address.address;
}

export function addressOnly(address: Address): string {
  return typeof address === 'string' ? (/<([^>]+)>/.exec(address)?.[1] ?? address).trim() : address.address;
}

/**
 * "Tue 4 Feb, 15:00–15:30 CET" in the user's zone, named (falls back to the browser's on an unknown zone).
 * Only for a server that sends no label: the server's label is the one the proposal and drafts use.
 */
export function formatSlot(start: string, end: string, timeZone: string, locale = 'en-GB'): string {
  const make = (options: Intl.DateTimeFormatOptions) => {
    try {
      return new Intl.DateTimeFormat(locale, { ...options, timeZone });
    } catch {
      return new Intl.DateTimeFormat(locale, options);
    }
  };
  const day = make({ weekday: 'short', day: 'numeric', month: 'short' });
  const time = make({ hour: '2-digit', minute: '2-digit', hour12: false });
  const from = new Date(start);
  const to = new Date(end);
  const zone = make({ timeZoneName: 'short' })
    .formatToParts(from)
    .find((p) => p.type === 'timeZoneName')?.value;
  return `${day.format(from)}, ${time.format(from)}–${time.format(to)}${zone ? ` ${zone}` : ''}`;
}

export function percent(confidence: number): string {
  return `${Math.round(Math.min(1, Math.max(0, confidence)) * 100)}%`;
}
