import { describe, expect, it } from 'vitest';
import cases from './units.cases.json';
import { autoDecimals, formatValue, toFixed } from './units';

interface UnitCase {
  unit: string;
  decimals?: number;
  value: number | null;
  expected: string;
}

describe('units.cases.json (shared with the C++ renderer)', () => {
  const all = cases as UnitCase[];
  it('has several dozen vectors', () => {
    expect(all.length).toBeGreaterThan(60);
  });
  for (const c of all) {
    const name = `${c.unit || '(empty)'} ${c.value}${c.decimals !== undefined ? ` d=${c.decimals}` : ''} -> ${JSON.stringify(c.expected)}`;
    it(name, () => {
      expect(formatValue(c.unit, c.value, c.decimals)).toBe(c.expected);
    });
  }
});

describe('toFixed edge cases', () => {
  it('prints non-finite values', () => {
    expect(toFixed(NaN)).toBe('NaN');
    expect(toFixed(Infinity)).toBe('∞');
    expect(toFixed(-Infinity)).toBe('-∞');
    expect(formatValue('short', Infinity)).toBe('∞');
    expect(formatValue('currencyUSD', -Infinity)).toBe('-$∞');
  });
  it('automatic decimals follow the magnitude', () => {
    expect(autoDecimals(0.5)).toBe(3);
    expect(autoDecimals(5)).toBe(0);
    expect(autoDecimals(5.5)).toBe(2);
    expect(autoDecimals(55.5)).toBe(1);
    expect(autoDecimals(555.5)).toBe(0);
  });
});
