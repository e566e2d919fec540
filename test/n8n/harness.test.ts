// The harness's parsing of `n8n execute --rawOutput`: log lines can come before and after the run's JSON.
import { describe, expect, it } from 'vitest';
import { executeSucceeded, parseRawOutput } from './harness.ts';

const run = {
  finished: true,
  status: 'success',
  data: { resultData: { runData: { Brushwork: [{ data: { main: [[{ json: { index: 0 } }]] } }] } } },
};
const printed = JSON.stringify(run, null, 2);

describe('parseRawOutput', () => {
  it('reads the run between log lines printed before and after it', () => {
    const stdout = `Started with job ID: 1\n${printed}\nRegistered runner "JS Task Runner" (abc)\n`;
    const result = parseRawOutput(stdout);
    expect(result.outputs.Brushwork).toEqual([{ json: { index: 0 } }]);
    expect(result.raw).toEqual(run);
  });

  it('says so when there is no JSON at all', () => {
    expect(() => parseRawOutput('Error: workflow not found\n')).toThrow(/no JSON/);
  });
});

describe('executeSucceeded', () => {
  it('accepts exit 0, and a SIGSEGV only after a complete, successful run was printed', () => {
    expect(executeSucceeded({ stdout: printed, stderr: '', code: 0, signal: null })).toBe(true);
    expect(executeSucceeded({ stdout: printed, stderr: '', code: null, signal: 'SIGSEGV' })).toBe(true);
    expect(executeSucceeded({ stdout: printed.slice(0, 40), stderr: '', code: null, signal: 'SIGSEGV' })).toBe(false);
    const failed = JSON.stringify({ ...run, status: 'error' }, null, 2);
    expect(executeSucceeded({ stdout: failed, stderr: '', code: null, signal: 'SIGSEGV' })).toBe(false);
    expect(executeSucceeded({ stdout: printed, stderr: '', code: 1, signal: null })).toBe(false);
  });
});
