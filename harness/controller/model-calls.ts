/**
 * The read and charm calls Juju 3 clients make around a deploy (shared/reference/python-libjuju.md):
 * ModelConfig.ModelGet / GetModelConstraints, ModelManager.ModelInfo, Charms.ResolveCharms /
 * AddCharm, and the argument reading of Application.DeployFromRepository. Pure functions of the
 * request and what the controller holds; per-entity problems are per-entity errors in the
 * results, as Juju reports them.
 */
import type { ApiHost } from './api-types.ts';
import { ErrorCode } from './api-types.ts';
import { MODEL_NAME, rfc3339 } from './model-state.ts';
import { charmhubUrl, charmSourceOf } from '../plan.ts';

type Params = Record<string, unknown>;

/** The series a Juju 3.6 controller resolves charms for when the request names no base. */
const DEFAULT_SERIES = 'jammy';
const DEFAULT_BASE = { name: 'ubuntu', channel: '22.04/stable' };

/** Juju decodes keys case-insensitively (python-libjuju sends `Id`, `ApplicationName`). */
export function field(obj: Params, key: string): unknown {
  if (Object.hasOwn(obj, key)) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

function errorEntry(message: string, code: string): { message: string; code: string } {
  return { message, code };
}

/** ModelConfig.ModelGet: every key with its value and where it came from. */
export function modelGet(host: ApiHost): Params {
  const config: Params = {};
  for (const [key, value] of Object.entries(host.modelConfig)) {
    config[key] = { value, source: key === 'name' || key === 'uuid' || key === 'type' ? 'model' : 'default' };
  }
  config['agent-version'] = { value: host.version, source: 'model' };
  return { config };
}

/** ModelManager.ModelInfo for `model-<uuid>` entities (the one model this controller holds; the
 *  controller's UUID is the model's, as the login's controller-tag says). */
export function modelInfo(host: ApiHost, params: Params): Params {
  const entities = field(params, 'entities');
  const list = Array.isArray(entities) ? entities : [];
  const uuid = host.model.uuid;
  const results = list.map((entity: unknown) => {
    const tag = typeof entity === 'object' && entity !== null ? field(entity as Params, 'tag') : undefined;
    if (tag !== `model-${uuid}`) {
      return { error: errorEntry(`model "${String(tag)}" not found`, ErrorCode.notFound) };
    }
    return {
      result: {
        name: MODEL_NAME,
        uuid,
        type: 'iaas',
        'controller-uuid': uuid,
        'provider-type': 'lxd',
        'default-series': DEFAULT_SERIES,
        'default-base': `${DEFAULT_BASE.name}@22.04`,
        'cloud-tag': 'cloud-localhost',
        'cloud-region': 'localhost',
        'owner-tag': `user-${host.credentials.username}`,
        life: 'alive',
        'agent-version': host.version,
        status: {
          status: host.upgrading ? 'busy' : 'available',
          info: host.upgrading ? `upgrading to ${host.upgradeTarget}` : '',
          since: rfc3339(host.clock.now()),
        },
        users: [{ 'user-name': host.credentials.username, 'display-name': host.credentials.username, access: 'admin' }],
        machines: [],
        'secret-backends': [],
        sla: { level: 'unsupported', owner: host.credentials.username },
        'is-controller': false,
      },
    };
  });
  return { results };
}

/** The charm name of a reference such as `ubuntu`, `ch:ubuntu`, `ch:amd64/jammy/ubuntu-24`. */
function charmName(reference: string): string {
  const path = reference.replace(/^[a-z]+:/, '');
  const last = path.split('/').pop() ?? '';
  return last.replace(/-\d+$/, '');
}

function resolvedOrigin(origin: Params): Params {
  return {
    source: 'charm-hub',
    type: 'charm',
    architecture:
      typeof origin['architecture'] === 'string' && origin['architecture'] ? origin['architecture'] : 'amd64',
    track: origin['track'] ?? null,
    risk: typeof origin['risk'] === 'string' && origin['risk'] ? origin['risk'] : 'stable',
    revision: 1,
    base: DEFAULT_BASE,
  };
}

/** Charms.ResolveCharms: each reference resolves to revision 1 of a charm for the default base; one
 *  Juju cannot parse (a `cs:` URL on Juju 3: charmUrlRefusal) gets that error as its result. */
export function resolveCharms(host: ApiHost, params: Params): Params {
  const resolve = field(params, 'resolve');
  const list = Array.isArray(resolve) ? resolve : [];
  const results = list.map((entry: unknown) => {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Params;
    const reference = field(e, 'reference');
    const refusal = charmUrlRefusal(host, reference);
    if (refusal) return { error: refusal };
    if (typeof reference !== 'string' || !/^[a-z0-9:/._-]+$/.test(reference) || !charmName(reference)) {
      return { error: errorEntry(`cannot resolve charm "${String(reference)}"`, ErrorCode.notFound) };
    }
    const origin = field(e, 'charm-origin');
    const name = charmName(reference);
    return {
      url: charmhubUrl(name),
      'charm-origin': resolvedOrigin((typeof origin === 'object' && origin !== null ? origin : {}) as Params),
      'supported-series': [DEFAULT_SERIES],
      'supported-bases': [DEFAULT_BASE],
    };
  });
  return { results };
}

/** Charms.AddCharm: the charm becomes known to the model; the origin comes back as given. A URL Juju
 *  cannot parse (a `cs:` one on Juju 3: charmUrlRefusal) fails the call. */
export function addCharm(
  host: ApiHost,
  params: Params,
): { added: Params } | { refused: { message: string; code: string } } {
  const url = field(params, 'url');
  if (typeof url !== 'string' || !url) return { refused: errorEntry('url must be a charm URL', ErrorCode.badRequest) };
  const refusal = charmUrlRefusal(host, url);
  if (refusal) return { refused: refusal };
  host.model.addCharm(url);
  const origin = field(params, 'charm-origin');
  return { added: { 'charm-origin': typeof origin === 'object' && origin !== null ? origin : resolvedOrigin({}) } };
}

/** Juju 3 has no charm store: its charm URL grammar knows only `ch:` and `local:` (internal/charm
 *  ParseURL; juju/charm v10 dropped `cs`), so every call that parses a charm URL refuses a `cs:` one
 *  with the parser's error: Application.Deploy and Charms.ResolveCharms in that one's result,
 *  Charms.AddCharm as the call's error (apiserver/facades/client/charms); Juju 1.x takes it (its
 *  charm store resolves it). */
export function charmUrlRefusal(host: ApiHost, charm: unknown): { message: string; code: string } | undefined {
  if (typeof charm !== 'string' || !charm.startsWith('cs:')) return undefined;
  if (charmSourceOf(host.profile.clientVersion) !== 'charmhub') return undefined;
  return errorEntry(`cannot parse URL "${charm}": schema "cs" not valid`, ErrorCode.notValid);
}

/** One application to deploy, read from Application.Deploy or DeployFromRepository arguments. */
export interface DeploySpec {
  name: unknown;
  charm: unknown;
  units: unknown;
}

/** The charm URL a spec deploys: the one it names, else the charm store's by the application's name. */
export function charmOf(spec: DeploySpec): string {
  return typeof spec.charm === 'string' ? spec.charm : `cs:${String(spec.name)}`;
}

/** What a Deploy asked for, application -> charm URL (specs without a name left out), or undefined. */
export function askedCharms(specs: DeploySpec[] | undefined): Record<string, string> | undefined {
  if (!specs) return undefined;
  const charms: Record<string, string> = {};
  let any = false;
  for (const spec of specs) {
    if (typeof spec.name !== 'string') continue;
    charms[spec.name] = charmOf(spec);
    any = true;
  }
  return any ? charms : undefined;
}

/** Application.Deploy: `{applications: [{application, charm-url, num-units}]}`. */
export function deploySpecs(params: Params): DeploySpec[] | undefined {
  const specs = field(params, 'applications');
  if (!Array.isArray(specs)) return undefined;
  return specs.map((spec: unknown) => {
    const s = (spec ?? {}) as Params;
    return { name: field(s, 'application'), charm: field(s, 'charm-url'), units: field(s, 'num-units') };
  });
}

/** Application.DeployFromRepository: `{Args: [{ApplicationName, CharmName, num-units}]}`; an
 *  empty application name means the charm's name, as `juju deploy CHARM` does. */
export function deployFromRepositorySpecs(params: Params): DeploySpec[] | undefined {
  const args = field(params, 'args');
  if (!Array.isArray(args)) return undefined;
  return args.map((arg: unknown) => {
    const a = (arg ?? {}) as Params;
    const charm = field(a, 'charmname');
    const name = field(a, 'applicationname');
    const units = field(a, 'num-units');
    return {
      name: typeof name === 'string' && name ? name : typeof charm === 'string' ? charmName(charm) : name,
      charm: typeof charm === 'string' ? charmhubUrl(charmName(charm)) : charm,
      units: units === undefined || units === null ? 1 : units,
    };
  });
}
