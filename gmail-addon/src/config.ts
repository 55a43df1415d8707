/** Set by scripts/build.ts (esbuild `define`); absent when the sources run under the unit tests. */
declare const __STEWARD_DEFAULT_URL__: string;
declare const __STEWARD_LABELS__: boolean;
declare const __STEWARD_VERSION__: string;

export const DEFAULT_URL: string = typeof __STEWARD_DEFAULT_URL__ === 'string' ? __STEWARD_DEFAULT_URL__ : '';
export const LABELS_ENABLED: boolean = typeof __STEWARD_LABELS__ === 'boolean' ? __STEWARD_LABELS__ : false;
export const VERSION: string = typeof __STEWARD_VERSION__ === 'string' ? __STEWARD_VERSION__ : 'dev';

/** Script property that points an installed add-on at another Steward server without rebuilding. */
export const URL_PROPERTY = 'STEWARD_URL';

export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

export function backendUrl(): string {
  let configured: string | null = null;
  try {
    configured = PropertiesService.getScriptProperties().getProperty(URL_PROPERTY);
  } catch {
    // Properties can be unavailable in some trigger contexts; the build-time default still applies.
  }
  return normalizeBaseUrl(configured || DEFAULT_URL);
}
