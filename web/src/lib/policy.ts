// The policy catalog (record kinds, categories, departments with their Chinese and English
// names), fetched once per page load and shared by every page that needs a name for a key.
import { shallowRef } from 'vue';
import { getPolicy } from '../api/client';
import type { Policy } from '../api/types';
import { loc } from '../i18n';

export const policy = shallowRef<Policy | null>(null);
let pending: Promise<Policy | null> | null = null;

export function loadPolicy(): Promise<Policy | null> {
  if (!pending) {
    pending = getPolicy()
      .then((value) => (policy.value = value))
      .catch(() => {
        pending = null; // try again next time; names fall back to keys meanwhile
        return null;
      });
  }
  return pending;
}

export function departmentName(key: string | null | undefined): string {
  if (!key) return '';
  const found = policy.value?.departments.find((d) => d.key === key);
  return found ? loc(found.name) : key;
}
