// Names and badge colours for the enum values the API sends. Unknown values (a newer server)
// are shown as they come rather than hidden.
import { locale, tMaybe } from '../i18n';

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

// Industries come as GB/T 4754 codes: a section letter ("C") optionally followed by the
// division digits ("C18"). The section's name is shown, with the code for reference.
export function industryName(industry: string | null | undefined): string {
  if (!industry) return '';
  const match = /^([A-T])(\d*)$/.exec(industry.trim().toUpperCase());
  const section = match?.[1] ? tMaybe(`industry.${match[1]}`) : undefined;
  if (!section) return industry;
  return locale.value === 'en' ? `${section} (${industry})` : `${section}（${industry}）`;
}

export function codeKindName(codeKind: string | undefined): string | undefined {
  return codeKind ? tMaybe(`codeKind.${codeKind}`) : undefined;
}
