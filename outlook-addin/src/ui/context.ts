import type { Me, Settings } from '@steward/shared';
import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client.ts';
import type { MailboxPort } from '../mailbox/port.ts';

export interface PaneServices {
  api: ApiClient;
  mailbox: MailboxPort;
  me: Me;
  settings: Settings;
  /** Replaces the settings after a successful PUT, so every panel sees the new values. */
  setSettings(settings: Settings): void;
  /** Short confirmation for the screen reader and the toast area ("Reply opened in Outlook"). */
  announce(message: string, intent?: 'success' | 'error' | 'info'): void;
}

export const PaneContext = createContext<PaneServices | null>(null);

export function usePane(): PaneServices {
  const services = useContext(PaneContext);
  if (!services) throw new Error('usePane outside PaneContext');
  return services;
}
