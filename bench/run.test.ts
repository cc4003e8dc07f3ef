import { describe, expect, it } from 'vitest';
import { renderTable, scenarioFiles } from './run.js';

describe('bench runner', () => {
  it('discovers the scenarios by file name', () => {
    expect(scenarioFiles().map((s) => s.name)).toContain('http-baseline');
  });

  it('prints value, baseline, ratio and target in one table, and failures as FAILED', () => {
    const table = renderTable([
      {
        scenario: 'http-baseline',
        description: '',
        seconds: 1,
        rows: [{ metric: 'GET /api/v1/health', value: 12345.6, unit: 'req/s', baseline: { name: 'bare', value: 40000 }, ratio: 0.3086, target: '≥ 0.25×' }],
      },
      { scenario: 'broken', description: '', seconds: 0, rows: [], error: 'boom' },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^scenario\s+metric\s+value\s+baseline\s+ratio\s+target/);
    expect(table).toContain('12,346 req/s');
    expect(table).toContain('40,000 (bare)');
    expect(table).toContain('0.309×');
    expect(table).toContain('≥ 0.25×');
    expect(table).toMatch(/broken\s+FAILED.*boom/);
  });
});
