import { describe, expect, it } from 'vitest';
import { ALL_PROPERTIES, checkProperties, PROPERTY_NAMES, propertyByName } from '../../properties/index.ts';
import { history } from './build.ts';

describe('properties/index', () => {
  it('lists every property once, in PROPERTY_NAMES order, each with a summary', () => {
    expect(ALL_PROPERTIES.map((p) => p.name)).toEqual([...PROPERTY_NAMES]);
    for (const p of ALL_PROPERTIES) expect(p.summary.length).toBeGreaterThan(10);
  });

  it('finds a property by name', () => {
    for (const name of PROPERTY_NAMES) expect(propertyByName(name).name).toBe(name);
  });

  it('runs only the named properties, in the order given', () => {
    const h = history({ testedVersion: '1.22.1' })
      .at(0, { type: 'bootstrap', version: '1.22.1', desired: '1.22.3' })
      .at(10, { type: 'version', from: '1.22.1', to: '1.22.3' })
      .end(100);
    expect(checkProperties(h, []).length).toBe(0);
    expect(checkProperties(h, ['no-lost-work']).length).toBe(0);
    expect(checkProperties(h, ['no-surprise-upgrade', 'version-as-tested']).map((v) => v.property)).toEqual([
      'no-surprise-upgrade',
      'version-as-tested',
    ]);
  });

  it('finds nothing wrong in a quiet run', () => {
    const h = history().at(0, { type: 'bootstrap', version: '1.22.1', desired: '1.22.1' }).end(100);
    expect(checkProperties(h, PROPERTY_NAMES)).toEqual([]);
  });
});
