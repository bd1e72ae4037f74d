import { describe, expect, it } from 'vitest';
import { formatAdhocParam, parseAdhocParam } from './adhoc';
import { adhocFromDefinition, adhocFromUrl, interpolateTitle, parseCustomOptions, referencedVariables } from './variables';
import { ALL_VALUE, filterOptions, finalizeSelection, selectionText, toggleValue } from './varpicker';

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

describe('variable picker selection', () => {
  const opts = [
    { text: 'All', value: ALL_VALUE },
    { text: 'claude-opus-4-1', value: 'claude-opus-4-1' },
    { text: 'claude-sonnet-4-5', value: 'claude-sonnet-4-5' },
    { text: 'Haiku', value: 'claude-haiku' },
  ];
  it('All clears the others, a value clears All, a second click deselects', () => {
    expect(toggleValue([ALL_VALUE], 'claude-opus-4-1', true)).toEqual(['claude-opus-4-1']);
    expect(toggleValue(['claude-opus-4-1'], 'claude-sonnet-4-5', true)).toEqual(['claude-opus-4-1', 'claude-sonnet-4-5']);
    expect(toggleValue(['claude-opus-4-1', 'claude-sonnet-4-5'], ALL_VALUE, true)).toEqual([ALL_VALUE]);
    expect(toggleValue(['claude-opus-4-1', 'claude-sonnet-4-5'], 'claude-opus-4-1', true)).toEqual(['claude-sonnet-4-5']);
    expect(toggleValue(['claude-opus-4-1'], 'claude-sonnet-4-5', false)).toEqual(['claude-sonnet-4-5']);
  });
  it('an empty selection falls back to All, else the first option', () => {
    expect(finalizeSelection([], opts, true)).toEqual([ALL_VALUE]);
    expect(finalizeSelection([], opts.slice(1), false)).toEqual(['claude-opus-4-1']);
    expect(finalizeSelection(['claude-haiku'], opts, true)).toEqual(['claude-haiku']);
  });
  it('shows All, one text, or the first and how many more', () => {
    expect(selectionText([ALL_VALUE], opts)).toBe('All');
    expect(selectionText(['claude-haiku'], opts)).toBe('Haiku');
    expect(selectionText(['claude-opus-4-1', 'claude-sonnet-4-5'], opts)).toBe('claude-opus-4-1 + 1');
    expect(selectionText(['gone'], opts)).toBe('gone');
  });
  it('searches text and value case-insensitively and keeps All', () => {
    expect(filterOptions(opts, 'SONNET').map((o) => o.value)).toEqual([ALL_VALUE, 'claude-sonnet-4-5']);
    expect(filterOptions(opts, 'haiku').map((o) => o.text)).toEqual(['All', 'Haiku']);
    expect(filterOptions(opts, '  ')).toHaveLength(4);
  });
});

describe('ad hoc filters in the URL', () => {
  it('reads key|op|value as Grafana writes it', () => {
    expect(parseAdhocParam('project|=|otelite')).toEqual({ key: 'project', operator: '=', value: 'otelite' });
    expect(parseAdhocParam('model|=~|claude-.*')).toEqual({ key: 'model', operator: '=~', value: 'claude-.*' });
    expect(parseAdhocParam('team|!=|')).toEqual({ key: 'team', operator: '!=', value: '' });
    expect(parseAdhocParam('a|=~|x__gfp__y')).toEqual({ key: 'a', operator: '=~', value: 'x|y' });
    expect(parseAdhocParam('a|=~|x|y')).toEqual({ key: 'a', operator: '=~', value: 'x|y' });
    expect(parseAdhocParam('a|<>|x')).toBeNull();
    expect(parseAdhocParam('|=|x')).toBeNull();
    expect(parseAdhocParam('a=b')).toBeNull();
  });
  it('writes a "|" inside a value escaped, and round-trips', () => {
    const f = { key: 'model', operator: '=~', value: 'opus|sonnet' };
    expect(formatAdhocParam(f)).toBe('model|=~|opus__gfp__sonnet');
    expect(parseAdhocParam(formatAdhocParam(f))).toEqual(f);
    expect(adhocFromUrl(['x|=|1', 'bad', 'y|!~|2'])).toEqual([
      { key: 'x', operator: '=', value: '1' },
      { key: 'y', operator: '!~', value: '2' },
    ]);
  });
  it('takes the saved filters of the dashboard when the URL has none', () => {
    expect(adhocFromDefinition([{ key: 'env', operator: '=', value: 'prod' }, { key: '', operator: '=' }, { key: 'x', operator: 'like' }])).toEqual([
      { key: 'env', operator: '=', value: 'prod' },
    ]);
    expect(adhocFromDefinition(undefined)).toEqual([]);
  });
});
