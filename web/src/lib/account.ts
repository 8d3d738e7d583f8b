// The logged-in account of this tab: asked from the server (GET /api/v1/auth/session) since the
// session cookie itself is out of reach of scripts; the CSRF token lives in memory only.
import { ref } from 'vue';
import { ApiError } from '../api/client';
import * as accountApi from '../api/account';
import type { Session } from '../api/account';

export const session = ref<Session | null>(null);
export const sessionChecked = ref(false);

export async function loadSession(): Promise<Session | null> {
  if (sessionChecked.value) return session.value;
  try {
    session.value = await accountApi.getSession();
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 404)) throw error;
    session.value = null;
  }
  sessionChecked.value = true;
  return session.value;
}

export async function logIn(loginName: string, password: string): Promise<Session> {
  session.value = await accountApi.login(loginName, password);
  sessionChecked.value = true;
  return session.value;
}

export async function logOut(): Promise<void> {
  if (session.value) await accountApi.logout(session.value.csrf_token);
  session.value = null;
  sessionChecked.value = true;
}
