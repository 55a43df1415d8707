/**
 * Compares Office requirement-set versions part by part, as numbers: "1.8" < "1.13" (a string compare
 * would say the opposite). Missing parts count as 0, so "1.1" equals "1.1.0".
 * Returns a negative number, zero or a positive number, like a sort comparator.
 */
export function compareRequirementVersions(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** True when `available` is at least `minimum`. */
export function meetsMinimum(available: string, minimum: string): boolean {
  return compareRequirementVersions(available, minimum) >= 0;
}

function parseVersion(version: string): number[] {
  const trimmed = version.trim();
  if (!/^\d+(\.\d+)*$/.test(trimmed)) throw new RangeError(`Not a requirement-set version: "${version}"`);
  return trimmed.split('.').map((part) => Number.parseInt(part, 10));
}

/** The requirement sets the pane cares about, with the version each feature needs. */
export const REQUIREMENTS = {
  itemChanged: { set: 'Mailbox', version: '1.5' },
  categories: { set: 'Mailbox', version: '1.8' },
  nestedAppAuth: { set: 'NestedAppAuth', version: '1.1' },
  dialogApi: { set: 'DialogApi', version: '1.1' },
  /** Graph's Sent Items with the signed-in user's token: REST-era mailboxes (1.5) and NAA. */
  sentMail: { set: 'Mailbox', version: '1.5' },
  /** OnMessageSend Smart Alerts with SendMode PromptUser. */
  smartAlerts: { set: 'Mailbox', version: '1.12' },
} as const;
