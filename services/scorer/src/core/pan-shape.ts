/**
 * True when `value` could be a card number: 13 to 19 ASCII digits passing the Luhn check. Card ids are tokens,
 * and a token must not look like a PAN (it would be echoed into decisions and keys). O(1) for anything else: the
 * length is checked first, and the digits are read at most twice.
 */
export function looksLikePan(value: string): boolean {
  const n = value.length;
  if (n < 13 || n > 19) return false;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = value.charCodeAt(n - 1 - i) - 48;
    if (d < 0 || d > 9) return false;
    if (i % 2 === 1) sum += d < 5 ? 2 * d : 2 * d - 9;
    else sum += d;
  }
  return sum % 10 === 0;
}
