import { loadConfig } from '../../config.ts';
import { startServer } from '../../server.ts';
import { explainStartError } from '../../storage/operations.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Start the Steward server (embedded PostgreSQL unless DATABASE_URL is set)',
  usage: 'Usage: steward serve\n\nConfiguration comes from the environment; see the README.',
  async run(args, io) {
    if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`);
    const config = loadConfig(io.env, io.cwd);
    await startServer(config).catch((error: unknown) => {
      throw explainStartError(error, config.databaseUrl);
    });
    // Keep running until a signal closes the server.
    await new Promise<void>(() => {});
    return 0;
  },
};
