// The shapes of the /api/v1 responses the portal reads. Fields the portal does not use may be
// present; fields marked optional may be absent in older or public views.
import type { LocalizedName } from '../i18n';

export type SubjectKind =
  | 'enterprise'
  | 'public_institution'
  | 'social_organisation'
  | 'individual_business'
  | 'person'
  | 'government_organ';

export type SubjectStatus = 'provisional' | 'registered' | 'deregistered';

export interface Page<T> {
  items: T[];
  total: number;
  total_capped?: boolean;
  offset: number;
  limit: number;
}

export interface SubjectSummary {
  code: string;
  name: string;
  kind: SubjectKind;
  region: string;
  region_name: string;
  status: SubjectStatus | string;
}

export interface CategoryCount {
  category: string;
  name: LocalizedName;
  visible: number;
  total?: number; // only in views that may know what is hidden
}

export interface SubjectProfile extends SubjectSummary {
  code_kind?: string;
  industry?: string | null;
  registered_on?: string | null;
  legal_representative?: string | null;
  code_flagged?: boolean;
  view: 'public' | 'full';
  counts: CategoryCount[];
  visible_records?: number;
}

export type PublicityState =
  | 'publishing'
  | 'restorable'
  | 'ended'
  | 'unpublished'
  | 'withdrawn'
  | 'restored'
  | 'expired';

export interface RecordPayload {
  content?: string;
  amount_yuan?: number;
  authority?: { name?: string; code?: string };
  valid_until?: string;
  grade?: string;
  year?: number | string;
  list?: string;
  ground?: string | number;
  extra?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface CreditRecord {
  id: string | number;
  kind: string;
  kind_name: LocalizedName;
  category: string;
  department: string;
  department_name: LocalizedName;
  source_ref?: string;
  decided_at: string;
  tier?: string | null;
  document_no?: string | null;
  legal_basis?: string | null;
  status?: string;
  publicity_state: PublicityState | string;
  publicity?: { start?: string | null; min_end?: string | null; max_end?: string | null };
  version?: number;
  flagged?: boolean;
  payload?: RecordPayload;
  updated_at?: string;
  // Objections: being verified, or (note) found unverifiable and kept beside the record.
  under_objection?: boolean;
  objection_case?: number | null;
  objection_note?: string | null;
}

export interface PolicyName {
  key: string;
  name: LocalizedName;
}

export interface Policy {
  version: string;
  edition: string;
  categories: (PolicyName & { order: number })[];
  kinds: (PolicyName & { category: string; polarity: string })[];
  departments: PolicyName[];
}

export interface Stats {
  subjects: number;
  records: number;
  batches: number;
  by_kind?: { kind: string; count: number }[];
  by_region?: { region: string; region_name: string; subjects: number }[];
}

export interface Me {
  role: string;
  department?: string | null;
  [field: string]: unknown;
}

export interface RowError {
  line: number;
  field?: string | null;
  code: string;
  message: string;
}

export interface BatchReport {
  batch: string;
  submitted: number;
  accepted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  flagged?: number;
  format?: string;
  warnings?: (string | { line?: number; message?: string; code?: string })[];
  errors?: RowError[]; // absent from the items of the batch list
  department?: string;
  started_at?: string;
  source_name?: string | null;
}

export interface ApiErrorBody {
  error?: { code?: string; reason?: string; message?: string; details?: unknown };
}

export interface ReasonCount {
  code: string;
  rows: number;
}

export interface DepartmentQuality {
  department: string;
  name: LocalizedName;
  batches: number;
  submitted: number;
  accepted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  code_errors: number;
  last_batch_at: string | null;
  days_since_last_batch: number | null;
  expected_feed_days: number;
  late: boolean;
  reasons: ReasonCount[];
}

export interface QualityReport {
  from: string;
  to: string;
  days: number;
  batches: number;
  submitted: number;
  rejected: number;
  code_errors: number;
  reasons: ReasonCount[];
  departments: DepartmentQuality[];
  daily: { day: string; department: string; submitted: number; rejected: number }[];
}
