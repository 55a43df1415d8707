/** CacheService, PropertiesService and Session as Apps Script behaves for one user. */

/** Apps Script rejects cache values over 100 KB and keys over 250 characters. */
export class FakeCache {
  readonly store = new Map<string, { value: string; expires: number }>();
  constructor(private readonly now: () => number = Date.now) {}
  get(key: string): string | null {
    const entry = this.store.get(key);
    if (!entry || entry.expires <= this.now()) return null;
    return entry.value;
  }
  put(key: string, value: string, seconds = 600): void {
    if (key.length > 250) throw new Error('Argument too large: key');
    if (value.length > 100 * 1024) throw new Error('Argument too large: value');
    this.store.set(key, { value, expires: this.now() + Math.min(seconds, 21_600) * 1000 });
  }
  remove(key: string): void {
    this.store.delete(key);
  }
}

export class FakeCacheService {
  readonly user: FakeCache;
  constructor(now?: () => number) {
    this.user = new FakeCache(now);
  }
  getUserCache() {
    return this.user as unknown as GoogleAppsScript.Cache.Cache;
  }
}

export class FakeProperties {
  readonly values = new Map<string, string>();
  getProperty(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  setProperty(key: string, value: string) {
    this.values.set(key, value);
    return this;
  }
  deleteProperty(key: string) {
    this.values.delete(key);
    return this;
  }
}

export class FakePropertiesService {
  readonly script = new FakeProperties();
  readonly user = new FakeProperties();
  getScriptProperties() {
    return this.script as unknown as GoogleAppsScript.Properties.Properties;
  }
  getUserProperties() {
    return this.user as unknown as GoogleAppsScript.Properties.Properties;
  }
}

export function fakeSession(email: string) {
  const user = { getEmail: () => email };
  return { getActiveUser: () => user, getEffectiveUser: () => user };
}

/** ScriptApp: the identity token is whatever the test's identity provider mints for this user. */
export class FakeScriptApp {
  identityCalls = 0;
  constructor(
    private readonly mint: () => string,
    private readonly oauthToken = 'ya29.test-oauth-token',
  ) {}
  getIdentityToken(): string {
    this.identityCalls++;
    return this.mint();
  }
  getOAuthToken(): string {
    return this.oauthToken;
  }
}
