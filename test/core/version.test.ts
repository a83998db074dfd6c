import { describe, expect, it } from 'vitest';
import { compareVersions, parseVersion, uploadedVersion, isVersion } from '../../harness/controller/version.ts';
import { ReleaseStreams } from '../../harness/controller/streams.ts';

describe('versions', () => {
  it('parses releases, tags and build numbers', () => {
    expect(parseVersion('1.22.3')).toEqual({ major: 1, minor: 22, tag: '', patch: 3, build: 0 });
    expect(parseVersion('1.23-beta1.2')).toEqual({ major: 1, minor: 23, tag: 'beta', patch: 1, build: 2 });
    expect(isVersion('1.22')).toBe(false);
    expect(() => parseVersion('x.y')).toThrow(/invalid version/);
  });

  it('orders as Juju does: pre-releases before the release, builds after', () => {
    const sorted = ['1.23.0', '1.22.1.1', '1.23-beta1', '1.22.3', '1.22.1'].sort(compareVersions);
    expect(sorted).toEqual(['1.22.1', '1.22.1.1', '1.22.3', '1.23-beta1', '1.23.0']);
  });

  it('uploaded tools get the next build number of the local juju', () => {
    expect(uploadedVersion('1.22.1')).toBe('1.22.1.1');
    expect(uploadedVersion('1.23-beta1.1')).toBe('1.23-beta1.2');
  });

  it('streams find the newest patch of the same major.minor', () => {
    const streams = new ReleaseStreams(['1.22.1', '1.23.0', '1.22.3']);
    expect(streams.newestPatch('1.22.1')).toBe('1.22.3');
    expect(streams.publish('1.22.4')).toBe(true);
    expect(streams.publish('1.22.4')).toBe(false);
    expect(streams.newestPatch('1.22.1')).toBe('1.22.4');
    expect(streams.newest()).toBe('1.23.0');
  });
});
