// Template helpers registered in main.ts.
import type { loc, t } from './i18n';

declare module 'vue' {
  interface ComponentCustomProperties {
    $t: typeof t;
    $loc: typeof loc;
  }
}

export {};
