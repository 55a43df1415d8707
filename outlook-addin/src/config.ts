/**
 * Where the pane finds its backend and its Entra app. The manifest generator writes `clientId` into the
 * task pane URL, so one manifest config is the only place it is set; `api` overrides the backend origin
 * (by default the pane's own origin, since the backend serves the pane).
 */
export interface PaneConfig {
  apiBaseUrl: string;
  clientId: string | null;
}

export function readPaneConfig(location: { href: string; origin: string }): PaneConfig {
  const params = new URL(location.href).searchParams;
  const clientId = params.get('clientId')?.trim() || null;
  const api = params.get('api')?.trim();
  return {
    apiBaseUrl: api ? new URL(api, location.href).toString().replace(/\/+$/, '') : location.origin,
    clientId: clientId && /^[0-9a-f-]{36}$/i.test(clientId) ? clientId : null,
  };
}
