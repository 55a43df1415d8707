import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration from the environment', () => {
  it('runs on embedded defaults with nothing set: local mode, loopback, local engine', () => {
    const config = loadConfig({}, '/srv/steward');
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      aiProvider: 'local',
      localMode: true,
      dataDir: '/srv/steward/data',
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.bodyLimitBytes).toBe(1024 * 1024);
  });

  it('reports every bad value at once, each in its own sentence', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        AI_PROVIDER: 'gpt',
        DATABASE_URL: 'mysql://x',
        TOKEN_ENCRYPTION_KEY: 'short',
        MICROSOFT_TENANTS: 'contoso',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(5);
      expect(problems.join('\n')).toMatch(/PORT[\s\S]*AI_PROVIDER|AI_PROVIDER[\s\S]*PORT/);
      expect(problems.some((p) => p.startsWith('TOKEN_ENCRYPTION_KEY'))).toBe(true);
      expect(problems.some((p) => p.includes('MICROSOFT_TENANTS'))).toBe(true);
    }
  });

  it('refuses to serve other hosts in local mode', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/loopback/);
    expect(loadConfig({ HOST: '0.0.0.0', GOOGLE_CLIENT_IDS: 'a.apps.googleusercontent.com' }).localMode).toBe(false);
  });

  it('accepts a 32-byte token key as hex or base64', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ TOKEN_ENCRYPTION_KEY: hex }).tokenEncryptionKey?.length).toBe(32);
    expect(
      loadConfig({ TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }).tokenEncryptionKey?.length,
    ).toBe(32);
  });

  it('lets the Outlook origins and PUBLIC_URL through CORS', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://steward.example.org/' });
    expect(config.publicUrl).toBe('https://steward.example.org');
    expect(config.corsOrigins).toEqual(
      expect.arrayContaining(['https://steward.example.org', 'https://outlook.office.com']),
    );
  });

  it('reads the operations settings: metrics token, tracing endpoint, mailbox sync concurrency', () => {
    const config = loadConfig({
      METRICS_TOKEN: 'x'.repeat(16),
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      SYNC_MAILBOX_CONCURRENCY: '12',
    });
    expect(config.metrics.token).toBe('x'.repeat(16));
    expect(config.tracing).toEqual({ endpoint: 'http://collector:4318', serviceName: 'steward' });
    expect(config.sync.mailboxConcurrency).toBe(12);
    expect(loadConfig({}).metrics).toEqual({});
    expect(loadConfig({}).sync.mailboxConcurrency).toBe(8);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
    expect(() => loadConfig({ SYNC_MAILBOX_CONCURRENCY: '0' })).toThrow(/SYNC_MAILBOX_CONCURRENCY/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it('reads the retention: 90 days of bookkeeping and a year of audit by default, 0 keeps, under 30 refused', () => {
    expect(loadConfig({}).sync.retention).toEqual({ days: 90, auditDays: 365 });
    expect(loadConfig({ RETENTION_DAYS: '0', AUDIT_RETENTION_DAYS: '730' }).sync.retention).toEqual({
      days: 0,
      auditDays: 730,
    });
    expect(() => loadConfig({ RETENTION_DAYS: '7' })).toThrow(/RETENTION_DAYS must be 0 \(keep everything\) or/);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: 'forever' })).toThrow(/AUDIT_RETENTION_DAYS/);
  });
});
