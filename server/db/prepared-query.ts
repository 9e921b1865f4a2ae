import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import { isPostgres, type DbExecutor } from './database.ts';

/** Stands for the i-th argument while the query is built; never reaches the database. */
const slot = (i: number) => `\u0000prepared-query-argument-${i}\u0000`;

/**
 * A query built and compiled once per dialect, then run with new arguments: for hot paths (a chunk upload
 * makes several queries) where Kysely's building and compiling would cost more than SQLite running them.
 * `build` gets one stand-in per argument, in order, to use where a value goes (`.where('id', '=', id)`);
 * every stand-in must become a bound parameter, so not a column or table name and not inside raw SQL text.
 * (A stand-in is a marker string whatever the argument's type; the query is never run with it.)
 */
export function preparedQuery<Args extends unknown[], Row>(
  arity: Args['length'],
  build: (db: DbExecutor, ...args: Args) => Compilable<Row>,
): (db: DbExecutor, ...args: Args) => Promise<QueryResult<Row>> {
  const compiled = new Map<boolean, { query: CompiledQuery<Row>; positions: (number | undefined)[] }>();
  const slots = Array.from({ length: arity }, (_, i) => slot(i));
  return (db, ...args) => {
    const postgres = isPostgres(db);
    let entry = compiled.get(postgres);
    if (!entry) {
      const query = build(db, ...(slots as Args)).compile();
      const positions = query.parameters.map((p) => {
        const i = typeof p === 'string' ? slots.indexOf(p) : -1;
        return i >= 0 ? i : undefined;
      });
      for (let i = 0; i < arity; i++) {
        if (!positions.includes(i)) throw new Error(`preparedQuery: argument ${i} is not a bound parameter of ${query.sql}`);
      }
      entry = { query, positions };
      compiled.set(postgres, entry);
    }
    const { query, positions } = entry;
    const parameters = query.parameters.map((fixed, n) => (positions[n] === undefined ? fixed : args[positions[n]!]));
    return db.executeQuery<Row>({ ...query, parameters });
  };
}
