/**
 * A short decimal that reads back as the same float32: the model sees float32 features, so the training matrix
 * carries exactly those values. Seven significant digits nearly always suffice; nine always do. NaN (a feature
 * whose input the feed did not send) prints as `NaN`, which model/training/data.py reads as missing.
 */
export function float32Text(value: number): string {
  // Integers up to 2^24 are exact in float32 and print exactly; larger ones need the digit search too.
  if ((Number.isInteger(value) && Math.abs(value) <= 16_777_216) || !Number.isFinite(value)) return String(value);
  for (let digits = 7; digits < 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return trimZeros(text);
  }
  return trimZeros(value.toPrecision(9));
}

/** `12.340000` → `12.34`; exponent forms are left alone. */
function trimZeros(text: string): string {
  if (text.includes('e') || !text.includes('.')) return text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  if (text.charCodeAt(end - 1) === 46) end--;
  return text.slice(0, end);
}
