import { type CheckResult, runDoctor } from '../../ops/doctor.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';

const LABEL: Record<CheckResult['status'], string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Check the configuration end to end: database, URLs, identity, keys, model, push, clock',
  usage: [
    'Usage: steward doctor [--json] [--timeout SECONDS]',
    '',
    'Reads the same environment as `steward serve` and prints one line per check with the fix.',
    'Exit code 1 when a check fails (warnings do not fail). --json: one JSON object per check.',
  ].join('\n'),
  async run(args, io) {
    let json = false;
    let timeoutMs = 10_000;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (arg === '--json') json = true;
      else if (arg === '--timeout') {
        const seconds = Number(args[++i]);
        if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600)
          throw new UsageError('--timeout takes a number of seconds from 1 to 600');
        timeoutMs = seconds * 1000;
      } else throw new UsageError(`unexpected argument "${arg}"`);
    }
    const results = await runDoctor({ env: io.env, cwd: io.cwd, timeoutMs });
    if (json) {
      for (const r of results) io.stdout.write(`${JSON.stringify(r)}\n`);
    } else {
      const width = Math.max(...results.map((r) => r.check.length));
      for (const r of results) {
        io.stdout.write(
          `${LABEL[r.status]}  ${r.check.padEnd(width)}  ${r.detail}${r.fix ? ` — fix: ${r.fix}` : ''}\n`,
        );
      }
      const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
      io.stdout.write(
        `\nsteward doctor: ${count('pass')} passed, ${count('warn')} warning(s), ${count('fail')} failed, ${count('skip')} skipped\n`,
      );
    }
    return results.some((r) => r.status === 'fail') ? 1 : 0;
  },
};
