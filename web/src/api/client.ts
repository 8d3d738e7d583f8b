// The one place the portal talks to /api/v1. Every failure becomes an ApiError carrying the
// HTTP status and the server's error code, so pages can react to 401, 404 or 413 precisely.
import type {
  ApiErrorBody,
  BatchReport,
  CreditRecord,
  Me,
  Page,
  Policy,
  QualityReport,
  Stats,
  SubjectProfile,
  SubjectSummary,
} from './types';

export const apiBase = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number, // 0 when the server could not be reached
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function errorFrom(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as ApiErrorBody;
    if (body.error) {
      return new ApiError(
        status,
        body.error.code ?? String(status),
        body.error.message ?? body.error.reason ?? text,
      );
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the raw text.
  }
  return new ApiError(status, String(status), text || `HTTP ${status}`);
}

interface RequestOptions {
  token?: string | null;
  signal?: AbortSignal;
}

export async function getJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(apiBase + path, { headers, signal: options.signal });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network', String(cause));
  }
  const text = await response.text();
  if (!response.ok) throw errorFrom(response.status, text);
  return JSON.parse(text) as T;
}

function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function searchSubjects(
  q: string,
  offset: number,
  limit: number,
  signal?: AbortSignal,
): Promise<Page<SubjectSummary>> {
  return getJson(`/subjects${query({ q, offset, limit })}`, { signal });
}

export function getSubject(code: string): Promise<SubjectProfile> {
  return getJson(`/subjects/${encodeURIComponent(code)}`);
}

export function getSubjectRecords(
  code: string,
  params: { category?: string; status?: string; offset: number; limit: number },
): Promise<Page<CreditRecord>> {
  return getJson(`/subjects/${encodeURIComponent(code)}/records${query(params)}`);
}

export function getPolicy(): Promise<Policy> {
  return getJson('/policy');
}

export function getStats(): Promise<Stats> {
  return getJson('/stats');
}

export function getMe(token: string): Promise<Me> {
  return getJson('/me', { token });
}

export function getQuality(token: string, days: number): Promise<QualityReport> {
  return getJson<QualityReport>(`/quality?days=${days}`, { token });
}

export function listBatches(token: string, offset: number, limit: number): Promise<Page<BatchReport>> {
  return getJson(`/ingest/batches${query({ offset, limit })}`, { token });
}

export function getBatch(token: string, batch: string): Promise<BatchReport> {
  return getJson(`/ingest/batches/${encodeURIComponent(batch)}`, { token });
}

export type UploadFormat = 'ndjson' | 'csv';

export interface UploadHandle {
  result: Promise<BatchReport>;
  abort: () => void;
}

// Uploads a department file with XMLHttpRequest, because fetch() cannot report upload progress.
// onProgress receives the fraction sent (0..1); once it reaches 1 the server is still working.
export function uploadBatch(
  token: string,
  file: File,
  format: UploadFormat,
  onProgress: (fraction: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const result = new Promise<BatchReport>((resolve, reject) => {
    xhr.open('POST', `${apiBase}/ingest/batches${query({ format })}`);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', format === 'csv' ? 'text/csv' : 'application/x-ndjson');
    // The file name travels percent-encoded (RFC 6266/5987), since header values must be ASCII.
    xhr.setRequestHeader(
      'Content-Disposition',
      `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    );
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as BatchReport);
        } catch {
          reject(new ApiError(xhr.status, 'bad_response', xhr.responseText));
        }
      } else {
        reject(errorFrom(xhr.status, xhr.responseText));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'upload cancelled'));
    xhr.send(file);
  });
  return { result, abort: () => xhr.abort() };
}
