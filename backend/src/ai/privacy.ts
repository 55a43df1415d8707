import type { Settings } from '@steward/shared';
import { domainOf } from '../mail/addresses.ts';
import type { NormalisedMessage } from '../mail/types.ts';

/**
 * The user's "never send to the language model" lists: a message from a listed sender or domain, or
 * carrying a listed label, is handled by the local engine only.
 */
export function mayShareWithModel(
  msg: Pick<NormalisedMessage, 'from'>,
  lists: Settings['neverSendToModel'],
  labels: readonly string[] = [],
): boolean {
  const sender = msg.from?.address.toLowerCase();
  if (sender) {
    if (lists.senders.some((s) => s.trim().toLowerCase() === sender)) return false;
    const domain = domainOf(sender);
    if (
      lists.domains.some((d) => {
        const listed = d.trim().toLowerCase().replace(/^@/, '');
        return domain === listed || domain.endsWith(`.${listed}`);
      })
    )
      return false;
  }
  const listedLabels = new Set(lists.labels.map((l) => l.trim().toLowerCase()));
  return !labels.some((l) => listedLabels.has(l.trim().toLowerCase()));
}
