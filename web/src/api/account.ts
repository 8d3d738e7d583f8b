// Accounts and the subject's own view: password login with a session cookie (HttpOnly, so
// scripts never see it) and the CSRF token the server hands back, sent with every
// state-changing request.
import { apiBase, ApiError, getJson } from './client';
import type { CreditRecord, Page, SubjectProfile } from './types';

export interface Account {
  id: number;
  login: string;
  role: string;
  display_name: string;
  department?: string;
  department_name?: { zh: string; en: string };
  region?: string;
  subject_code?: string;
  activated: boolean;
  created_at: string;
}

export interface Session {
  account: Account;
  csrf_token: string;
  expires_at?: string;
}

export interface RatingRecordRef {
  department: string;
  source_ref: string;
}

export interface RatingContribution {
  factor: string;
  points: number;
  record: RatingRecordRef | null;
}

export interface WhatIf {
  record: RatingRecordRef | null;
  if: 'restored' | 'expired';
  score: number;
  level: string;
  expires_on?: string | null;
}

export interface Rating {
  level: string;
  score: number;
  base: number;
  model_version: string;
  contributions: RatingContribution[];
  top_factors: RatingContribution[];
  caps: { rule: string; level: string }[];
  what_if: WhatIf[];
}

export interface OwnFile {
  profile: SubjectProfile & { view: string };
  rating: Rating | null;
  records: Page<CreditRecord>;
}

export interface AccessEntry {
  at: string;
  actor: string;
  role: string;
  department: string;
  department_name?: { zh: string; en: string };
  purpose: string;
  what: string;
}

async function postJson<T>(path: string, body: unknown, csrf?: string): Promise<T | null> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': 'application/json',
  };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let response: Response;
  try {
    response = await fetch(apiBase + path, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (cause) {
    throw new ApiError(0, 'network', String(cause));
  }
  const text = await response.text();
  if (!response.ok) {
    let code = String(response.status);
    let message = text;
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      code = parsed.error?.code ?? code;
      message = parsed.error?.message ?? message;
    } catch {
      // keep the raw text
    }
    throw new ApiError(response.status, code, message);
  }
  return text ? (JSON.parse(text) as T) : null;
}

export async function login(loginName: string, password: string): Promise<Session> {
  return (await postJson<Session>('/auth/login', { login: loginName, password })) as Session;
}

export async function logout(csrf: string): Promise<void> {
  await postJson('/auth/logout', {}, csrf);
}

export function getSession(): Promise<Session> {
  return getJson('/auth/session');
}

export function getOwnFile(): Promise<OwnFile> {
  return getJson('/me/file');
}

export function getAccessLog(offset: number, limit: number): Promise<Page<AccessEntry>> {
  return getJson(`/me/access-log?offset=${offset}&limit=${limit}`);
}
