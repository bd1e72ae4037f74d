import { describe, expect, it } from 'vitest';
import { interpolateTitle, parseCustomOptions, referencedVariables } from './variables';

describe('custom variable options', () => {
  it('splits on commas, trims, reads "text : value" and escaped commas', () => {
    expect(parseCustomOptions('a, b ,c')).toEqual([
      { text: 'a', value: 'a' },
      { text: 'b', value: 'b' },
      { text: 'c', value: 'c' },
    ]);
    expect(parseCustomOptions('Production : prod,Staging : stg')).toEqual([
      { text: 'Production', value: 'prod' },
      { text: 'Staging', value: 'stg' },
    ]);
    expect(parseCustomOptions('a\\,b,c')).toEqual([
      { text: 'a,b', value: 'a,b' },
      { text: 'c', value: 'c' },
    ]);
    expect(parseCustomOptions('')).toEqual([]);
  });
});

describe('variable dependencies', () => {
  it('finds $x, ${x}, ${x:fmt} and [[x]] but not prefixes of other names', () => {
    const names = ['model', 'mod', 'type', 'env'];
    expect(referencedVariables({ query: 'label_values(x{model=~"$model"}, type)' }, names)).toEqual(['model']);
    expect(referencedVariables({ query: { query: 'up{a="${type:regex}"}' } }, names)).toEqual(['type']);
    expect(referencedVariables({ definition: '[[env]] $mod' }, names)).toEqual(['mod', 'env']);
    expect(referencedVariables({ query: 'no refs' }, names)).toEqual([]);
  });
});

describe('title interpolation', () => {
  it('replaces known variables and keeps unknown ones', () => {
    const lookup = (n: string) => ({ model: 'opus', env: 'All' })[n];
    expect(interpolateTitle('Cost for $model in ${env} ([[model]])', lookup)).toBe('Cost for opus in All (opus)');
    expect(interpolateTitle('Keep $unknown', lookup)).toBe('Keep $unknown');
    expect(interpolateTitle('Plain', lookup)).toBe('Plain');
  });
});
