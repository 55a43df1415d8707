import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

interface LogLine {
  level?: number;
  time?: number;
  msg?: string;
  reqId?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  urls?: Record<string, string>;
  err?: { message?: string; stack?: string };
}

/**
 * Pino's JSON lines made readable, for a person at a terminal: `09:12:03 INFO  message`; a request is one
 * line when it completes (`GET /v1/me 200 4 ms`); the start's links one per line. Anything that is not
 * JSON passes through. Logs that go to a file or a collector stay JSON (server.ts decides).
 */
export function prettyLogStream(out: NodeJS.WritableStream = process.stdout): Writable {
  const requests = new Map<string, string>();
  let pending = '';
  const format = (raw: string): string | undefined => {
    let line: LogLine;
    try {
      line = JSON.parse(raw) as LogLine;
    } catch {
      return raw;
    }
    if (line.msg === 'incoming request' && line.reqId) {
      requests.set(line.reqId, `${line.req?.method ?? ''} ${line.req?.url ?? ''}`);
      if (requests.size > 1000) requests.delete(requests.keys().next().value as string);
      return undefined;
    }
    const time = new Date(line.time ?? Date.now()).toISOString().slice(11, 19);
    const level = (LEVELS[line.level ?? 30] ?? 'INFO').padEnd(5);
    if (line.msg === 'request completed' && line.reqId) {
      const request = requests.get(line.reqId) ?? line.reqId;
      requests.delete(line.reqId);
      const ms = line.responseTime === undefined ? '' : ` ${Math.round(line.responseTime)} ms`;
      return `${time} ${level} ${request} ${line.res?.statusCode ?? ''}${ms}`;
    }
    const extra = [
      ...Object.entries(line.urls ?? {}).map(([name, url]) => `    ${name.padEnd(10)} ${url}`),
      ...(line.err?.message ? [`    ${line.err.message}`] : []),
    ];
    return [`${time} ${level} ${line.msg ?? ''}`, ...extra].join('\n');
  };
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      const text = lines
        .filter((l) => l.trim())
        .map(format)
        .filter((l): l is string => l !== undefined);
      if (text.length > 0) out.write(`${text.join('\n')}\n`);
      done();
    },
  });
}
