/** The simplestreams a controller consults: the agent versions published so far. */
import { compareVersions, sameMinor } from './version.ts';

export class ReleaseStreams {
  private readonly versions: string[];

  constructor(initial: readonly string[]) {
    this.versions = [...initial].sort(compareVersions);
  }

  publish(version: string): boolean {
    if (this.versions.includes(version)) return false;
    this.versions.push(version);
    this.versions.sort(compareVersions);
    return true;
  }

  has(version: string): boolean {
    return this.versions.includes(version);
  }

  /** The newest patch release of the same major.minor as `version` (itself if none is newer). */
  newestPatch(version: string): string {
    let best = version;
    for (const v of this.versions) if (sameMinor(v, version) && compareVersions(v, best) > 0) best = v;
    return best;
  }

  newest(): string | undefined {
    return this.versions[this.versions.length - 1];
  }

  list(): readonly string[] {
    return this.versions;
  }
}
