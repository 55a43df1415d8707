import type { CliCommand } from '../command.ts';
import { migrateCommand } from './migrate.ts';
import { serveCommand } from './serve.ts';

/** Every `steward` command, in the order --help lists them. */
export const commands: CliCommand[] = [serveCommand, migrateCommand];
