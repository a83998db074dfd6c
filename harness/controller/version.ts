/**
 * Juju agent versions: major.minor.patch, an optional tag (1.23-beta1), and a build number for
 * tools uploaded from a client machine (1.22.1.1). Versions travel as strings.
 */
export interface Version {
  major: number;
  minor: number;
  tag: string;
  patch: number;
  build: number;
}

export const VERSION_RE = /^(\d+)\.(\d+)(?:\.(\d+)|-([a-z]+)(\d+))(?:\.(\d+))?$/;

/** Parsed versions by text: the model compares the same few versions over and over. Frozen, as
 *  every caller shares them. */
const PARSED = new Map<string, Readonly<Version>>();

export function parseVersion(text: string): Readonly<Version> {
  let parsed = PARSED.get(text);
  if (!parsed) PARSED.set(text, (parsed = Object.freeze(parseUncached(text))));
  return parsed;
}

function parseUncached(text: string): Version {
  const m = VERSION_RE.exec(text);
  if (!m) throw new Error(`invalid version "${text}" (want major.minor.patch, e.g. 1.22.3)`);
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    tag: m[4] ?? '',
    patch: Number(m[3] ?? m[5]),
    build: Number(m[6] ?? 0),
  };
}

export function isVersion(text: string): boolean {
  return VERSION_RE.test(text);
}

export function formatVersion(v: Version): string {
  const core = v.tag ? `${v.major}.${v.minor}-${v.tag}${v.patch}` : `${v.major}.${v.minor}.${v.patch}`;
  return v.build ? `${core}.${v.build}` : core;
}

/** Ordering as Juju's: a tagged (pre-release) version sorts before the release of the same minor. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return (
    x.major - y.major ||
    x.minor - y.minor ||
    (x.tag === y.tag ? 0 : x.tag === '' ? 1 : y.tag === '' ? -1 : x.tag < y.tag ? -1 : 1) ||
    x.patch - y.patch ||
    x.build - y.build
  );
}

export function sameMinor(a: string, b: string): boolean {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x.major === y.major && x.minor === y.minor;
}

/** The version of tools uploaded from a client machine whose juju is `local`: next build number. */
export function uploadedVersion(local: string): string {
  const v = parseVersion(local);
  return formatVersion({ ...v, build: v.build + 1 });
}
