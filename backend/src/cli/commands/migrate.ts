import { loadConfig } from '../../config.ts';
import { migrateToLatest, openStorage } from '../../storage/database.ts';
import { explainStartError } from '../../storage/operations.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'Bring the database schema up to date',
  usage: 'Usage: steward migrate\n\nUses DATABASE_URL when set, else the embedded database under DATA_DIR.',
  async run(args, io) {
    if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`);
    const config = loadConfig(io.env, io.cwd);
    const storage = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      const { applied } = await migrateToLatest(storage.db).catch((error: unknown) => {
        throw explainStartError(error, config.databaseUrl);
      });
      io.stdout.write(
        applied.length > 0
          ? `Applied ${applied.length} migration(s) on ${storage.describe}: ${applied.join(', ')}\n`
          : `Database is up to date (${storage.describe}).\n`,
      );
      return 0;
    } finally {
      await storage.close();
    }
  },
};
