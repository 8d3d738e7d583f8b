// Names and badge colours for the enum values the API sends. Unknown values (a newer server)
// are shown as they come rather than hidden.
import { tMaybe } from '../i18n';

export function subjectKindName(kind: string): string {
  return tMaybe(`subjectKind.${kind}`) ?? kind;
}

export function subjectStatusName(status: string): string {
  return tMaybe(`subjectStatus.${status}`) ?? status;
}

export function subjectStatusBadge(status: string): string {
  if (status === 'registered') return 'badge-green';
  if (status === 'deregistered') return 'badge';
  return 'badge-amber';
}

export function publicityName(state: string): string {
  return tMaybe(`publicity.${state}`) ?? state;
}

export function publicityBadge(state: string): string {
  switch (state) {
    case 'publishing':
      return 'badge-blue';
    case 'restorable':
      return 'badge-amber';
    case 'restored':
      return 'badge-green';
    default:
      return 'badge';
  }
}

export function tierName(tier: string | null | undefined): string {
  if (!tier) return '';
  return tMaybe(`tier.${tier}`) ?? tier;
}

export function tierBadge(tier: string | null | undefined): string {
  if (tier === 'serious') return 'badge-red';
  if (tier === 'general') return 'badge-amber';
  return 'badge';
}

export function codeKindName(codeKind: string | undefined): string | undefined {
  return codeKind ? tMaybe(`codeKind.${codeKind}`) : undefined;
}
