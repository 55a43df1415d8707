import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_init.ts';
import * as m0002 from './0002_assistant.ts';
import * as m0003 from './0003_sync.ts';
import * as m0004 from './0004_security.ts';
import * as m0005 from './0005_mail_index.ts';
import * as m0006 from './0006_reach.ts';
import * as m0007 from './0007_retention.ts';
import * as m0008 from './0008_reach_stats.ts';
import * as m0009 from './0009_mail_index_speed.ts';
import * as m0010 from './0010_briefing_drafts.ts';

/** Ordered migrations; a new file is added here with the next number. Names never change once shipped. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_init': m0001,
  '0002_assistant': m0002,
  '0003_sync': m0003,
  '0004_security': m0004,
  '0005_mail_index': m0005,
  '0006_reach': m0006,
  '0007_retention': m0007,
  '0008_reach_stats': m0008,
  '0009_mail_index_speed': m0009,
  '0010_briefing_drafts': m0010,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
