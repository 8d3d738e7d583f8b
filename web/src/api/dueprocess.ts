// Due process over /api/v1: objections (and, through the same cases, restoration applications
// and commitments), notifications and department decisions. Callers pass the token they hold.
import { ApiError, apiBase, getJson } from './client';
import type { CreditRecord, Page } from './types';
import type { LocalizedName } from '../i18n';

export type CaseKind = 'objection' | 'restoration' | 'commitment';

export interface DueCase {
  id: number;
  kind: CaseKind;
  status: string;
  open: boolean;
  subject: { code: string; name: string };
  record_id: number | null;
  department: string;
  department_name: LocalizedName;
  filed_at: string;
  due_on: string;
  answer_due_on: string | null;
  overdue: boolean;
  working_days_left: number;
  escalated_to: string | null;
  detail: {
    grounds?: string;
    record?: { kind: string; document_no: string };
    attachments?: { index: number; label: string; type: string; bytes: number }[];
    decision?: { outcome: string; reasons: string; decided_at: string };
    [field: string]: unknown;
  };
}

export interface Notice {
  id: number;
  at: string;
  topic: string;
  case_id: number;
  message: { zh: string; en: string };
}

export interface Attachment {
  name: string;
  content_base64: string;
}

async function postJson<T>(path: string, token: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(apiBase + path, {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
      },
      body: JSON.stringify(body),
    });
  } catch (cause) {
    throw new ApiError(0, 'network', String(cause));
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    let code = String(response.status);
    try {
      const parsed = JSON.parse(text);
      message = parsed.error?.message ?? text;
      code = parsed.error?.code ?? code;
    } catch {
      // Not JSON: the raw text.
    }
    throw new ApiError(response.status, code, message);
  }
  return JSON.parse(text) as T;
}

export function listCases(token: string, kind: CaseKind, open?: boolean): Promise<Page<DueCase>> {
  const openParam = open === undefined ? '' : `&open=${open}`;
  const plural = kind === 'objection' ? 'objections' : kind === 'restoration' ? 'restorations' : 'commitments';
  return getJson(`/${plural}?limit=100${openParam}`, { token });
}

export function ownRecords(token: string, code: string): Promise<Page<CreditRecord>> {
  return getJson(`/subjects/${encodeURIComponent(code)}/records?limit=100`, { token });
}

export function fileObjection(
  token: string,
  recordId: number,
  grounds: string,
  attachments: Attachment[],
): Promise<DueCase> {
  return postJson('/objections', token, { record_id: recordId, grounds, attachments });
}

export function decideObjection(
  token: string,
  caseId: number,
  outcome: string,
  reasons: string,
): Promise<DueCase> {
  return postJson(`/objections/${caseId}/decision`, token, { outcome, reasons });
}

export function listNotifications(token: string): Promise<Page<Notice>> {
  return getJson('/notifications?limit=50', { token });
}

// Reads a chosen file as base64 for the JSON body.
export function readAttachment(file: File): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve({ name: file.name, content_base64: url.slice(url.indexOf(',') + 1) });
    };
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export interface OutlookItem {
  record_id: number;
  kind: string;
  kind_name: LocalizedName;
  document_no: string;
  publicity_state: string;
  restorable_from: string | null;
  expires_on: string | null;
  may_apply_now: boolean;
  reason: string | null;
}

export function restorationOutlook(token: string): Promise<{ today: string; items: OutlookItem[] }> {
  return getJson('/restorations/outlook', { token });
}

export function applyForRestoration(
  token: string,
  recordId: number,
  proof: string,
  commitment: string,
  attachments: Attachment[],
): Promise<DueCase> {
  return postJson('/restorations', token, { record_id: recordId, proof, commitment, attachments });
}

export function signCommitment(
  token: string,
  body: { type: string; department: string; matter: string; text: string; deadline: string },
): Promise<DueCase> {
  return postJson('/commitments', token, body);
}

export function decideRestoration(token: string, caseId: number, approve: boolean, reasons: string): Promise<DueCase> {
  return postJson(`/restorations/${caseId}/decision`, token, { approve, reasons });
}

export function decideCommitment(token: string, caseId: number, kept: boolean, reasons: string): Promise<DueCase> {
  return postJson(`/commitments/${caseId}/decision`, token, { kept, reasons });
}
