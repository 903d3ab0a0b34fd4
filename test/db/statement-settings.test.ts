import { describe, expect, it } from 'vitest';
import { beginStatements, setLocalStatements, statementSettings } from '../../src/db/types.js';

// Settings are sent inline (SET takes no parameters) or by name in set_config: names are refused,
// never quoted, when they are not plain identifiers; values of SET LOCAL likewise.
describe('setting statements', () => {
  it('builds SET LOCAL with BEGIN, and set_config conditions with parameters', () => {
    expect(beginStatements({ snapshot: true, settings: { work_mem: '64MB' } })).toBe("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL work_mem = '64MB'");
    expect(statementSettings(['hnsw.ef_search', 'hnsw.iterative_scan'], 6)).toBe("(SELECT set_config('hnsw.ef_search', $6::text, true) || set_config('hnsw.iterative_scan', $7::text, true)) IS NOT NULL");
  });

  it('refuses names and values that would need quoting', () => {
    expect(() => setLocalStatements({ "work_mem'; DROP TABLE chunks; --": 1 })).toThrow(/not a plain identifier/);
    expect(() => setLocalStatements({ work_mem: "1'; DROP TABLE chunks; --" })).toThrow(/characters other than/);
    expect(() => statementSettings(["x', 'y", 'ok'], 1)).toThrow(/not a plain identifier/);
  });
});
