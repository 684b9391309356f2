import { DuckDBInstance } from '@duckdb/node-api';
import { HistoryConnection } from './connection.ts';
import { ensureSchema } from './schema-version.ts';

export interface HistoryOptions {
  /** DuckDB's memory limit, e.g. '1.5GB' (DuckDB's default: 80 % of the machine's memory). */
  memoryLimit?: string;
  /** DuckDB's worker threads (its default: one per core). */
  threads?: number;
  /** Where DuckDB spills what does not fit its memory limit (its default: `<database>.tmp`). */
  tempDirectory?: string;
  /** Open for reading only: the schema is checked, never created or migrated. */
  readOnly?: boolean;
}

export class HistoryOpenError extends Error {
  override name = 'HistoryOpenError';
}

/**
 * The history database: a DuckDB file (or ':memory:') of the day tables, opened with its limits
 * and its schema checked, created or migrated to the version this code reads (schema-version.ts).
 */
export class History {
  private readonly connections = new Set<HistoryConnection>();

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly path: string,
  ) {}

  static async open(path: string, options: HistoryOptions = {}): Promise<History> {
    const settings: Record<string, string> = {};
    if (options.memoryLimit !== undefined) settings.memory_limit = options.memoryLimit;
    if (options.threads !== undefined) {
      if (!Number.isSafeInteger(options.threads) || options.threads < 1)
        throw new HistoryOpenError(`threads must be a positive integer, got ${options.threads}`);
      settings.threads = String(options.threads);
    }
    if (options.tempDirectory !== undefined) settings.temp_directory = options.tempDirectory;
    if (options.readOnly) settings.access_mode = 'READ_ONLY';
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, settings);
    } catch (err) {
      throw new HistoryOpenError(`could not open the history database ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const history = new History(instance, path);
    try {
      const conn = await history.connect();
      try {
        await ensureSchema(conn, { readOnly: options.readOnly === true, path });
      } finally {
        conn.close();
      }
    } catch (err) {
      history.close();
      throw err;
    }
    return history;
  }

  async connect(): Promise<HistoryConnection> {
    const conn: HistoryConnection = new HistoryConnection(await this.instance.connect(), () =>
      this.connections.delete(conn),
    );
    this.connections.add(conn);
    return conn;
  }

  /** Closes the connections still open, then the database. */
  close(): void {
    for (const c of [...this.connections]) c.close();
    this.instance.closeSync();
  }
}

/** Opens the history database at `path` (see History). */
export const openHistory = (path: string, options?: HistoryOptions) => History.open(path, options);
