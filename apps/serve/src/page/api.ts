const KEY_STORE = 'ssrl-api-key';

let key = sessionStorage.getItem(KEY_STORE) ?? '';

/** Remembers the API key for this tab; a cookie carries it to image requests too. */
export function setApiKey(value: string): void {
  key = value;
  sessionStorage.setItem(KEY_STORE, value);
  document.cookie = `ssrl_api_key=${encodeURIComponent(value)}; path=/; SameSite=Strict`;
}

/** A request the server refused, with its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Calls the server and returns its JSON; an error reply becomes an `ApiError` with the server's message. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (key) headers.set('Authorization', `Bearer ${key}`);
  const res = await fetch(path, { ...init, headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const message = (json as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${res.status}`;
    throw new ApiError(res.status, message);
  }
  return json as T;
}

/** POSTs a JSON body. */
export function postJson<T>(path: string, body: unknown): Promise<T> {
  return api<T>(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

/** What `GET /health` tells the page. */
export interface Health {
  readonly status: string;
  readonly auth: boolean;
  readonly model: { readonly name: string; readonly max_tokens: number } | null;
  /** Whether a dataset is browsed (`--data`) and runs are watched (`--runs`). */
  readonly data: boolean;
  readonly runs: boolean;
}
