/**
 * Where a controller server started with --state-dir keeps its durable sessions, as a Juju
 * controller keeps its state in MongoDB: each session a folder named by its model UUID holding
 * `session.json` (how it was opened), `state.json` (the controller's durable state, rewritten
 * whole, atomically, at every change: controller/durable-state.ts) and `records.jsonl` (its
 * controller-side history, a line appended per record). Both are written synchronously before the
 * server sends anything that depends on them, so a SIGKILL at any moment loses nothing a client
 * was told. A server started on the same folder takes every session back (server.ts).
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DurableController } from '../controller/durable-state.ts';
import type { ControllerProfile } from '../controller/profile.ts';
import type { HistoryRecord } from '../history.ts';

/** How a durable session was opened: what the server needs to open it again. */
export interface StoredSessionOptions {
  modelUuid: string;
  profile: ControllerProfile;
  seed: number;
  timeScale: number;
  originEpochMs?: number;
  defaultClient?: string;
}

/** What state.json holds: the controller's durable state and its agent's TLS port (kept across a
 *  restart, as a real controller keeps its address). */
export interface StoredState {
  controller: DurableController;
  tlsPort?: number;
}

export interface StoredSession {
  options: StoredSessionOptions;
  state: StoredState;
  records: HistoryRecord[];
}

export class SessionStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** A new durable session's folder (or, after a restart, the folder it had). */
  journal(options: StoredSessionOptions): SessionJournal {
    const folder = join(this.dir, options.modelUuid);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'session.json'), JSON.stringify(options));
    return new SessionJournal(folder);
  }

  /** Every session a server before this one kept. A session killed before its first state write has
   *  nothing to come back with and is left out; a record line the kill cut short is dropped. */
  load(): StoredSession[] {
    const sessions: StoredSession[] = [];
    for (const uuid of readdirSync(this.dir)) {
      const folder = join(this.dir, uuid);
      const read = (file: string): string | undefined => {
        try {
          return readFileSync(join(folder, file), 'utf8');
        } catch {
          return undefined;
        }
      };
      const options = read('session.json');
      const state = read('state.json');
      if (options === undefined || state === undefined) continue;
      const records = (read('records.jsonl') ?? '')
        .split('\n')
        .filter((line) => line.endsWith('}'))
        .map((line) => JSON.parse(line) as HistoryRecord);
      sessions.push({
        options: JSON.parse(options) as StoredSessionOptions,
        state: JSON.parse(state) as StoredState,
        records,
      });
    }
    return sessions;
  }

  /** A disposed session is gone for good. */
  remove(uuid: string): void {
    rmSync(join(this.dir, uuid), { recursive: true, force: true });
  }
}

/** One durable session's files. */
export class SessionJournal {
  private lastState = '';

  constructor(private readonly folder: string) {}

  append(record: HistoryRecord): void {
    appendFileSync(join(this.folder, 'records.jsonl'), `${JSON.stringify(record)}\n`);
  }

  /** Writes the state if it changed: to a new file renamed over the old, so a kill mid-write leaves
   *  the last whole state. */
  save(state: StoredState): void {
    const json = JSON.stringify(state);
    if (json === this.lastState) return;
    this.lastState = json;
    const file = join(this.folder, 'state.json');
    writeFileSync(`${file}.new`, json);
    renameSync(`${file}.new`, file);
  }
}
