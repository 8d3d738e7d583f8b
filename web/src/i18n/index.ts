// A small i18n: two message tables, a reactive current locale remembered in localStorage, and
// <html lang> kept in step so that screen readers and the browser pick the right language.
import { computed, ref } from 'vue';
import zhCN from './zh-CN';
import en from './en';
import type { Messages } from './zh-CN';

export type Locale = 'zh-CN' | 'en';
export const locales: readonly Locale[] = ['zh-CN', 'en'];

const tables: Record<Locale, Messages> = { 'zh-CN': zhCN, en };
const storageKey = 'credence.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(storageKey);
    if (saved === 'zh-CN' || saved === 'en') return saved;
  } catch {
    // Storage may be disabled (private mode); fall through to the default.
  }
  return 'zh-CN';
}

export const locale = ref<Locale>(initialLocale());

function applyToDocument(value: Locale): void {
  document.documentElement.lang = value;
}
applyToDocument(locale.value);

export function setLocale(value: Locale): void {
  locale.value = value;
  try {
    localStorage.setItem(storageKey, value);
  } catch {
    // Not remembered, but still switched for this page.
  }
  applyToDocument(value);
}

function lookup(table: Messages, key: string): string | undefined {
  let node: unknown = table;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

export type Params = Record<string, string | number>;

// Translates a dotted key ("search.total") and fills {name} placeholders. A key missing from
// the current table falls back to Chinese, then to the key itself so a gap is visible.
export function t(key: string, params?: Params): string {
  const text = lookup(tables[locale.value], key) ?? lookup(zhCN, key) ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

// Like t(), but returns undefined instead of the key when there is no message, for values
// (enum keys from the API) that may be newer than this portal.
export function tMaybe(key: string): string | undefined {
  return lookup(tables[locale.value], key) ?? lookup(zhCN, key);
}

// A localised name as the API sends it: {"zh": …, "en": …}.
export interface LocalizedName {
  zh: string;
  en: string;
}

export function loc(name: LocalizedName | string | null | undefined): string {
  if (name == null) return '';
  if (typeof name === 'string') return name;
  return (locale.value === 'en' ? name.en : name.zh) || name.zh || name.en || '';
}

const numberFormats = computed(() => new Intl.NumberFormat(locale.value));
export function formatNumber(value: number): string {
  return numberFormats.value.format(value);
}

const currencyFormats = computed(
  () => new Intl.NumberFormat(locale.value, { style: 'currency', currency: 'CNY' }),
);
export function formatYuan(value: number): string {
  return currencyFormats.value.format(value);
}

// RFC 3339 timestamps are shown in the city's time zone, as the records were decided there.
const dateTimeFormats = computed(
  () =>
    new Intl.DateTimeFormat(locale.value, {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    }),
);
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '';
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? value : dateTimeFormats.value.format(parsed);
}

export function useI18n() {
  return { t, tMaybe, loc, locale, setLocale, formatNumber, formatYuan, formatDateTime };
}
