// SQLite persistence of a task hub: instances, their history, inbound messages (activity results, timers
// with the time they become visible, external events, control messages) and pending activity work.
// Every write is one transaction (BEGIN IMMEDIATE, so two processes sharing a file serialize).
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { HistoryEvent } from './history.js';

export type RuntimeStatus =
  | 'Pending'
  | 'Running'
  | 'Completed'
  | 'ContinuedAsNew'
  | 'Failed'
  | 'Terminated'
  | 'Suspended';

export const terminalStatuses: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Terminated']);

export interface InstanceRow {
  id: string;
  name: string;
  version: string | null;
  executionId: string;
  status: RuntimeStatus;
  /** JSON text. */
  input: string | null;
  output: string | null;
  customStatus: string | null;
  createdAt: number;
  updatedAt: number;
  parentId: string | null;
  parentExecutionId: string | null;
  parentTaskId: number | null;
}

export type MessageKind = 'event' | 'terminate' | 'suspend' | 'resume';

export interface MessageRow {
  id: number;
  instanceId: string;
  /** The execution the message belongs to; null for messages addressed to whatever execution is current. */
  executionId: string | null;
  visibleAt: number;
  kind: MessageKind;
  /** A HistoryEvent (kind 'event') or the reason text as JSON. */
  body: string;
}

export interface NewMessage {
  instanceId: string;
  executionId: string | null;
  visibleAt: number;
  kind: MessageKind;
  body: string;
}

export interface ActivityRow {
  id: number;
  instanceId: string;
  executionId: string;
  taskId: number;
  name: string;
  /** JSON text. */
  input: string;
}

export type NewActivity = Omit<ActivityRow, 'id'>;

/** The runtime statuses a query may name: the host's own, and Canceled (a value of the extension's enum that no
 * instance here ever has). */
export type QueryRuntimeStatus = RuntimeStatus | 'Canceled';

export interface InstanceFilter {
  createdFrom?: number;
  createdTo?: number;
  statuses?: QueryRuntimeStatus[];
  /** Instance ids that start with this text (compared exactly: no wildcards, case-sensitive). */
  idPrefix?: string;
}

export interface EpisodeCommit {
  instance: InstanceRow;
  /** Events to append (as JSON texts), or with `replaceHistory` the whole new history. */
  eventTexts: string[];
  replaceHistory: boolean;
  consumedMessageIds: number[];
  /** Activities whose results this episode consumed straight from memory: their rows are deleted. */
  completedActivityIds: number[];
  /** Drop every other message and activity of this instance (terminate, completion, continue-as-new). */
  dropPendingWork: boolean;
  activities: NewActivity[];
  messages: NewMessage[];
  /** Sub-orchestrations to create: each with its ExecutionStarted message, and the message for the parent if
   * an instance with that id is still running. */
  children: { instance: InstanceRow; start: NewMessage; onConflict: NewMessage }[];
}

export interface CommitResult {
  messages: MessageRow[];
  activities: ActivityRow[];
  createdChildren: InstanceRow[];
}

export class InstanceExistsError extends Error {
  override name = 'InstanceExistsError';
  constructor(readonly instanceId: string) {
    super(`An Orchestration instance with the instance ID '${instanceId}' already exists.`);
  }
}

interface RawInstance {
  id: string;
  name: string;
  version: string | null;
  execution_id: string;
  status: string;
  input: string | null;
  output: string | null;
  custom_status: string | null;
  created_at: number;
  updated_at: number;
  parent_id: string | null;
  parent_execution_id: string | null;
  parent_task_id: number | null;
}

export class DurableStore {
  readonly #db: DatabaseSync;
  readonly #s: Record<string, StatementSync>;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.#db = new DatabaseSync(file);
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA busy_timeout = 5000;
      PRAGMA cache_size = -16000;
      PRAGMA wal_autocheckpoint = 4000;
      CREATE TABLE IF NOT EXISTS instances (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, version TEXT, execution_id TEXT NOT NULL, status TEXT NOT NULL,
        input TEXT, output TEXT, custom_status TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        parent_id TEXT, parent_execution_id TEXT, parent_task_id INTEGER);
      CREATE INDEX IF NOT EXISTS instances_by_created ON instances (created_at, id);
      CREATE TABLE IF NOT EXISTS episodes (id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, events TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS episodes_by_instance ON episodes (instance_id, id);
      CREATE TABLE IF NOT EXISTS messages (
        id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, execution_id TEXT,
        visible_at INTEGER NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS messages_by_instance ON messages (instance_id, id);
      CREATE TABLE IF NOT EXISTS activities (
        id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, execution_id TEXT NOT NULL,
        task_id INTEGER NOT NULL, name TEXT NOT NULL, input TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS activities_by_instance ON activities (instance_id);
    `);
    // Stores written before episodes became a rowid table (large rows in a WITHOUT ROWID table made every
    // append slow) move their history over once.
    if (this.#db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'history'").get()) {
      this.#db.exec(`BEGIN IMMEDIATE;
        INSERT INTO episodes (instance_id, events) SELECT instance_id, events FROM history ORDER BY instance_id, seq;
        DROP TABLE history;
        COMMIT;`);
    }
    const p = (sql: string): StatementSync => this.#db.prepare(sql);
    this.#s = {
      getInstance: p('SELECT * FROM instances WHERE id = ?'),
      upsertInstance: p(`INSERT INTO instances (id, name, version, execution_id, status, input, output, custom_status,
          created_at, updated_at, parent_id, parent_execution_id, parent_task_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version,
          execution_id = excluded.execution_id, status = excluded.status, input = excluded.input,
          output = excluded.output, custom_status = excluded.custom_status, created_at = excluded.created_at,
          updated_at = excluded.updated_at, parent_id = excluded.parent_id,
          parent_execution_id = excluded.parent_execution_id, parent_task_id = excluded.parent_task_id`),
      deleteInstance: p('DELETE FROM instances WHERE id = ?'),
      history: p('SELECT events FROM episodes WHERE instance_id = ? ORDER BY id'),
      appendHistory: p('INSERT INTO episodes (instance_id, events) VALUES (?, ?)'),
      updateInstance: p(`UPDATE instances SET execution_id = ?, status = ?, input = ?, output = ?, custom_status = ?,
        updated_at = ? WHERE id = ?`),
      deleteHistory: p('DELETE FROM episodes WHERE instance_id = ?'),
      insertMessage: p('INSERT INTO messages (instance_id, execution_id, visible_at, kind, body) VALUES (?, ?, ?, ?, ?)'),
      deleteMessage: p('DELETE FROM messages WHERE id = ?'),
      deleteMessages: p('DELETE FROM messages WHERE instance_id = ?'),
      insertActivity: p('INSERT INTO activities (instance_id, execution_id, task_id, name, input) VALUES (?, ?, ?, ?, ?)'),
      deleteActivity: p('DELETE FROM activities WHERE id = ?'),
      deleteActivities: p('DELETE FROM activities WHERE instance_id = ?'),
      allActivities: p('SELECT * FROM activities ORDER BY id'),
      allMessages: p('SELECT * FROM messages ORDER BY id'),
      begin: p('BEGIN IMMEDIATE'),
      commit: p('COMMIT'),
      rollback: p('ROLLBACK'),
    };
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #transaction<T>(fn: () => T): T {
    this.#s.begin!.run();
    try {
      const result = fn();
      this.#s.commit!.run();
      return result;
    } catch (err) {
      this.#s.rollback!.run();
      throw err;
    }
  }

  getInstance(id: string): InstanceRow | undefined {
    const raw = this.#s.getInstance!.get(id) as RawInstance | undefined;
    return raw ? toInstance(raw) : undefined;
  }

  /** The history, stored as one row per episode (a JSON array of that episode's events). */
  getHistory(id: string): HistoryEvent[] {
    return (this.#s.history!.all(id) as { events: string }[]).flatMap((r) => JSON.parse(r.events) as HistoryEvent[]);
  }

  /** Every queued message (loaded on start-up). */
  allMessages(): MessageRow[] {
    return (this.#s.allMessages!.all() as Record<string, unknown>[]).map(toMessage);
  }

  allActivities(): ActivityRow[] {
    return (this.#s.allActivities!.all() as Record<string, unknown>[]).map(toActivity);
  }

  /**
   * Creates (or replaces a terminal) instance and queues its ExecutionStarted, atomically.
   * Throws InstanceExistsError when an instance with that id is Pending, Running or Suspended.
   */
  createInstance(instance: InstanceRow, start: NewMessage): MessageRow {
    return this.#transaction(() => {
      this.#replaceInstance(instance);
      return this.#insertMessage(start);
    });
  }

  #replaceInstance(instance: InstanceRow): void {
    const existing = this.getInstance(instance.id);
    if (existing && !terminalStatuses.has(existing.status)) throw new InstanceExistsError(instance.id);
    if (existing) this.#deleteAll(instance.id);
    this.#writeInstance(instance);
  }

  /** Queues a message for an instance; returns undefined when there is no such instance. */
  sendMessage(message: NewMessage): MessageRow | undefined {
    return this.#transaction(() => {
      if (!this.getInstance(message.instanceId)) return undefined;
      return this.#insertMessage(message);
    });
  }

  /** Commits several episodes (of different instances) in one transaction. */
  commitBatch(episodes: EpisodeCommit[]): CommitResult[] {
    return this.#transaction(() => episodes.map((e) => this.#commitEpisode(e)));
  }

  /**
   * Stores activity results that no episode consumed yet (on shutdown) as messages, so the activities do
   * not run again after a restart.
   */
  completeActivities(completions: { activityId: number; result: NewMessage }[]): void {
    this.#transaction(() => {
      for (const c of completions) {
        if (Number(this.#s.deleteActivity!.run(c.activityId).changes) > 0) this.#insertMessage(c.result);
      }
    });
  }

  #commitEpisode(commit: EpisodeCommit): CommitResult {
    const id = commit.instance.id;
    if (commit.replaceHistory) this.#s.deleteHistory!.run(id);
    if (commit.eventTexts.length > 0) this.#s.appendHistory!.run(id, `[${commit.eventTexts.join(',')}]`);
    if (commit.dropPendingWork) {
      this.#s.deleteMessages!.run(id);
      this.#s.deleteActivities!.run(id);
    } else {
      for (const messageId of commit.consumedMessageIds) this.#s.deleteMessage!.run(messageId);
      for (const activityId of commit.completedActivityIds) this.#s.deleteActivity!.run(activityId);
    }
    const i = commit.instance;
    this.#s.updateInstance!.run(i.executionId, i.status, i.input, i.output, i.customStatus, i.updatedAt, i.id);
    const result: CommitResult = { messages: [], activities: [], createdChildren: [] };
    for (const child of commit.children) {
      const existing = this.getInstance(child.instance.id);
      if (existing && !terminalStatuses.has(existing.status)) {
        result.messages.push(this.#insertMessage(child.onConflict));
        continue;
      }
      this.#replaceInstance(child.instance);
      result.createdChildren.push(child.instance);
      result.messages.push(this.#insertMessage(child.start));
    }
    for (const message of commit.messages) result.messages.push(this.#insertMessage(message));
    for (const a of commit.activities) {
      const { lastInsertRowid } = this.#s.insertActivity!.run(a.instanceId, a.executionId, a.taskId, a.name, a.input);
      result.activities.push({ ...a, id: Number(lastInsertRowid) });
    }
    return result;
  }

  deleteMessages(ids: number[]): void {
    this.#transaction(() => {
      for (const id of ids) this.#s.deleteMessage!.run(id);
    });
  }

  /** Deletes a terminal instance with its history; returns whether one was deleted. */
  purge(id: string): boolean {
    return this.#transaction(() => {
      const existing = this.getInstance(id);
      if (!existing || !terminalStatuses.has(existing.status)) return false;
      this.#deleteAll(id);
      this.#s.deleteInstance!.run(id);
      return true;
    });
  }

  purgeBy(filter: InstanceFilter): number {
    const statuses = (filter.statuses ?? [...terminalStatuses]).filter((s) => terminalStatuses.has(s as RuntimeStatus));
    if (statuses.length === 0) return 0;
    return this.#transaction(() => {
      const ids = this.#queryIds({ ...filter, statuses }, undefined, Number.MAX_SAFE_INTEGER);
      for (const id of ids) {
        this.#deleteAll(id);
        this.#s.deleteInstance!.run(id);
      }
      return ids.length;
    });
  }

  /** Instances by creation time, then id; `after` is the (createdAt, id) cursor of the previous page. */
  query(filter: InstanceFilter, after: { createdAt: number; id: string } | undefined, limit: number): InstanceRow[] {
    const { where, params } = filterSql(filter, after);
    const sql = `SELECT * FROM instances ${where} ORDER BY created_at, id LIMIT ?`;
    return (this.#db.prepare(sql).all(...params, limit) as unknown as RawInstance[]).map(toInstance);
  }

  #queryIds(filter: InstanceFilter, after: { createdAt: number; id: string } | undefined, limit: number): string[] {
    return this.query(filter, after, limit).map((r) => r.id);
  }

  #deleteAll(id: string): void {
    this.#s.deleteHistory!.run(id);
    this.#s.deleteMessages!.run(id);
    this.#s.deleteActivities!.run(id);
  }

  #writeInstance(i: InstanceRow): void {
    this.#s.upsertInstance!.run(
      i.id,
      i.name,
      i.version,
      i.executionId,
      i.status,
      i.input,
      i.output,
      i.customStatus,
      i.createdAt,
      i.updatedAt,
      i.parentId,
      i.parentExecutionId,
      i.parentTaskId,
    );
  }

  #insertMessage(m: NewMessage): MessageRow {
    const { lastInsertRowid } = this.#s.insertMessage!.run(m.instanceId, m.executionId, m.visibleAt, m.kind, m.body);
    return { ...m, id: Number(lastInsertRowid) };
  }
}

function filterSql(
  filter: InstanceFilter,
  after: { createdAt: number; id: string } | undefined,
): { where: string; params: (string | number)[] } {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  if (filter.createdFrom !== undefined) {
    clauses.push('created_at >= ?');
    params.push(filter.createdFrom);
  }
  if (filter.createdTo !== undefined) {
    clauses.push('created_at <= ?');
    params.push(filter.createdTo);
  }
  if (filter.statuses && filter.statuses.length > 0) {
    clauses.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
    params.push(...filter.statuses);
  }
  if (filter.idPrefix) {
    // substr/length count characters on both sides; unlike LIKE, no % or _ wildcards and no case folding.
    clauses.push('substr(id, 1, length(?)) = ?');
    params.push(filter.idPrefix, filter.idPrefix);
  }
  if (after) {
    clauses.push('(created_at > ? OR (created_at = ? AND id > ?))');
    params.push(after.createdAt, after.createdAt, after.id);
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

function toInstance(r: RawInstance): InstanceRow {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    executionId: r.execution_id,
    status: r.status as RuntimeStatus,
    input: r.input,
    output: r.output,
    customStatus: r.custom_status,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    parentId: r.parent_id,
    parentExecutionId: r.parent_execution_id,
    parentTaskId: r.parent_task_id === null ? null : Number(r.parent_task_id),
  };
}

function toMessage(r: Record<string, unknown>): MessageRow {
  return {
    id: Number(r.id),
    instanceId: String(r.instance_id),
    executionId: r.execution_id === null ? null : String(r.execution_id),
    visibleAt: Number(r.visible_at),
    kind: String(r.kind) as MessageKind,
    body: String(r.body),
  };
}

function toActivity(r: Record<string, unknown>): ActivityRow {
  return {
    id: Number(r.id),
    instanceId: String(r.instance_id),
    executionId: String(r.execution_id),
    taskId: Number(r.task_id),
    name: String(r.name),
    input: String(r.input),
  };
}
