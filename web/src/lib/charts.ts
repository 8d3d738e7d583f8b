// ECharts is loaded only when a chart is about to be seen: the first page stays small, and the
// dynamic import below becomes a chunk of its own (see echarts-setup.ts for what it holds).
import type { EChartsType } from 'echarts/core';

type ECharts = typeof import('./echarts-setup').default;

let loading: Promise<ECharts> | null = null;

export function loadECharts(): Promise<ECharts> {
  if (!loading) {
    loading = import('./echarts-setup').then((module) => module.default);
    loading.catch(() => (loading = null)); // a failed download may be retried
  }
  return loading;
}

export type { EChartsType };
