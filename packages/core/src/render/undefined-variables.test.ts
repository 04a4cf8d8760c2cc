import { describe, expect, it } from 'vitest';
import type { Environment } from '../env/types.js';
import { unverifiableHere, whereAnsibleLooks } from './undefined-variables.js';

const prod: Environment = { name: 'production', vars: { env: 'production', d: { a: 1 } }, source: ['inventory/group_vars/all'] };
const stg: Environment = { name: 'staging', vars: { env: 'staging', token_stg: 'x' }, source: ['inventory/group_vars/all', 'inventory/group_vars/staging'] };

describe('undefined variables are named, with where Ansible would look', () => {
  it('a variable another environment defines', () => {
    expect(whereAnsibleLooks('token_stg', prod, [prod, stg])).toMatch(/^defined for staging but not for production \(read inventory\/group_vars\/all\); Ansible would look in host_vars\//);
  });
  it('a variable nothing defines', () => {
    expect(whereAnsibleLooks('db_password', prod, [prod, stg])).toMatch(/^no inventory source defines it for production .*host_vars\/, play or role vars/);
  });
  it('a variable Ansible sets itself', () => {
    expect(whereAnsibleLooks('inventory_hostname', prod, [prod, stg])).toMatch(/Ansible sets 'inventory_hostname' per host/);
    expect(whereAnsibleLooks("hostvars['h1']", prod, [prod, stg])).toMatch(/Ansible sets 'hostvars'/);
  });
  it('a missing attribute of a defined variable', () => {
    expect(whereAnsibleLooks('d.nope', prod, [prod, stg])).toBe("'d' is defined for production but has no 'nope'");
  });
  it('is an "unverifiable here" warning naming every variable, never an error', () => {
    const d = unverifiableHere('t.j2', ['a', 'b', 'a', 'inventory_hostname'], prod, [prod, stg]);
    expect(d).toMatchObject({ code: 'RENDER_UNDEFINED', severity: 'warning', path: 't.j2' });
    expect(d?.message).toMatch(/^unverifiable in production: .* — a, b: no inventory source defines them .*; inventory_hostname: Ansible sets it/);
    expect(unverifiableHere('t.j2', [], prod, [prod])).toBeUndefined();
  });
});
