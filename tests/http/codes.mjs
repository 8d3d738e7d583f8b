// Independent implementations of the GB 32100 / GB 11714 / GB 11643 check characters, so that
// tests can make valid codes without asking the server.
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

function orgCheck(body8) {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body8[i];
    const v = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55;
    sum += v * ORG_WEIGHTS[i];
  }
  const r = 11 - (sum % 11);
  return r === 10 ? 'X' : r === 11 ? '0' : String(r);
}

// first16: authority, type, 6-digit division, 8-character organisation code body.
export function uscc(first16) {
  const first17 = first16 + orgCheck(first16.slice(8, 16));
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return first17 + USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

export function residentId(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RIC_WEIGHTS[i];
  return first17 + '10X98765432'[sum % 11];
}

// A USCC with a wrong final check character (only the check fails).
export function withBadCheck(code) {
  const last = code[17];
  const other = USCC_ALPHABET[(USCC_ALPHABET.indexOf(last) + 1) % 31];
  return code.slice(0, 17) + other;
}
