// The department console's credentials: an API token kept in sessionStorage (gone when the tab
// closes) and who the server says it belongs to (GET /api/v1/me).
import { ref } from 'vue';
import { ApiError, getMe } from '../api/client';
import type { Me } from '../api/types';

const storageKey = 'credence.token';

function readToken(): string {
  try {
    return sessionStorage.getItem(storageKey) ?? '';
  } catch {
    return '';
  }
}

export const token = ref<string>(readToken());
export const me = ref<Me | null>(null);
export const meError = ref<ApiError | null>(null);
export const checking = ref(false);

function storeToken(value: string): void {
  token.value = value;
  try {
    if (value) sessionStorage.setItem(storageKey, value);
    else sessionStorage.removeItem(storageKey);
  } catch {
    // Kept in memory only.
  }
}

// Asks the server who the token belongs to. A rejected token is forgotten so it is not sent
// again; a network failure keeps it for a retry.
export async function signIn(value: string): Promise<boolean> {
  const trimmed = value.trim();
  storeToken(trimmed);
  me.value = null;
  meError.value = null;
  if (!trimmed) return false;
  checking.value = true;
  try {
    me.value = await getMe(trimmed);
    return true;
  } catch (error) {
    meError.value = error instanceof ApiError ? error : new ApiError(0, 'network', String(error));
    if (meError.value.status === 401 || meError.value.status === 403) storeToken('');
    return false;
  } finally {
    checking.value = false;
  }
}

export function signOut(): void {
  storeToken('');
  me.value = null;
  meError.value = null;
}

// Called by console pages on entry: re-validates a token remembered from earlier in this tab.
export async function restoreSession(): Promise<void> {
  if (token.value && !me.value && !checking.value) await signIn(token.value);
}
