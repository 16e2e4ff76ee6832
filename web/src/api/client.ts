// One fetch wrapper: JSON in and out, the API's error body turned into an ApiError.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const API = "/api/v1";

/** The session's CSRF token (a cookie the server sets at sign-in); every write echoes it. */
export function csrfHeaders(method: string | undefined): Record<string, string> {
  if (!method || ["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase())) return {};
  const match = document.cookie.match(/(?:^|;\s*)customlabels_csrf=([^;]+)/);
  return match ? { "X-CSRF-Token": decodeURIComponent(match[1]) } : {};
}

/** Fired when the server says the session has ended: the app shows the sign-in page. */
export const SIGNED_OUT_EVENT = "customlabels:signed-out";

export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set("content-type", "application/json");
  for (const [name, value] of Object.entries(csrfHeaders(rest.method))) headers.set(name, value);
  const response = await fetch(API + path, {
    ...rest,
    headers,
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  if (!response.ok) {
    let code = "HttpError";
    let message = `${response.status} ${response.statusText}`;
    let details: Record<string, unknown> = {};
    try {
      const body = await response.json();
      if (body?.error) ({ code, message, details = {} } = body.error);
    } catch {
      /* not our JSON error body: keep the status line */
    }
    if (response.status === 401 && path !== "/session") window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    throw new ApiError(response.status, code, message, details);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export function datasetPath(project: string, type: string): string {
  return `/projects/${encodeURIComponent(project)}/datasets/${type.toLowerCase()}`;
}

export function thumbnailUrl(sha256: string): string {
  return `${API}/assets/${sha256}/thumbnail`;
}

export function imageUrl(project: string, type: string, entryId: number): string {
  return `${API}${datasetPath(project, type)}/entries/${entryId}/image`;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
