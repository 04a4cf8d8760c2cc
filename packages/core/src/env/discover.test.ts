import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  defaultEnvironments,
  discoverEnvironments,
  environmentsFromOptions,
} from './discover.js';
import { composeVarsFile } from './group-vars.js';
import { PyFloat, pyStr } from '../render/python-values.js';
import type { InventoryReader } from './types.js';
import { AnsimodError, type Diagnostic } from '../diagnostics.js';

/** An in-memory repository: file paths to contents; directories are implied by paths. */
function memoryReader(files: Record<string, string>): InventoryReader {
  return {
    readFile: async (p) => files[p],
    listDir: async (p) => {
      const prefix = `${p}/`;
      const names = new Set<string>();
      for (const f of Object.keys(files)) if (f.startsWith(prefix)) names.add(f.slice(prefix.length).split('/')[0]!);
      return names.size > 0 ? [...names] : undefined;
    },
  };
}

describe('discoverEnvironments', () => {
  it('reads all and staging group vars, staging overriding all', async () => {
    const envs = await discoverEnvironments(
      memoryReader({
        'inventory/group_vars/all': '---\nenv: production\nenv_suffix: ""\ndomain: example.org\nfreezes: yes\n',
        'inventory/group_vars/staging': '---\nenv: staging\nenv_suffix: .stg\nfreezes: no\n',
      }),
    );
    expect(envs).toEqual([
      {
        name: 'production',
        vars: { env: 'production', env_suffix: '', domain: 'example.org', freezes: true },
        source: ['inventory/group_vars/all'],
      },
      {
        name: 'staging',
        vars: { env: 'staging', env_suffix: '.stg', domain: 'example.org', freezes: false },
        source: ['inventory/group_vars/all', 'inventory/group_vars/staging'],
      },
    ]);
  });

  it('reads a group_vars directory in name order, later files winning, skipping hidden and foreign files', async () => {
    const envs = await discoverEnvironments(
      memoryReader({
        'inventory/group_vars/all/20-b.yml': 'x: second\n',
        'inventory/group_vars/all/10-a.yaml': 'x: first\ny: kept\nenv: production\n',
        'inventory/group_vars/all/.hidden.yml': 'x: hidden\n',
        'inventory/group_vars/all/notes.txt': 'x: text\n',
        'inventory/group_vars/staging.yml': 'env: staging\nenv_suffix: .stg\n',
      }),
    );
    expect(envs[0]?.vars).toEqual({ x: 'second', y: 'kept', env: 'production' });
    expect(envs[0]?.source).toEqual(['inventory/group_vars/all/10-a.yaml', 'inventory/group_vars/all/20-b.yml']);
    expect(envs[1]?.source).toEqual([
      'inventory/group_vars/all/10-a.yaml',
      'inventory/group_vars/all/20-b.yml',
      'inventory/group_vars/staging.yml',
    ]);
  });

  it('keeps Jinja strings as strings and composes vault tags to strings', async () => {
    const envs = await discoverEnvironments(
      memoryReader({
        'group_vars/all.yml': 'env: production\nhost: "reg{{ env_suffix }}.example.org"\nsecret: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\n',
      }),
    );
    expect(envs[0]?.vars.host).toBe('reg{{ env_suffix }}.example.org');
    expect(envs[0]?.vars.secret).toBe('$ANSIBLE_VAULT;1.1;AES256\n6162\n');
    expect(envs[0]?.source).toEqual(['group_vars/all.yml']);
  });

  it('names environments after their env variable, falling back to the group', async () => {
    const envs = await discoverEnvironments(
      memoryReader({ 'inventory/group_vars/all': 'env: prod\n', 'inventory/group_vars/staging': 'env_suffix: .stg\n' }),
    );
    expect(envs.map((e) => e.name)).toEqual(['prod', 'prod']);
    const unnamed = await discoverEnvironments(
      memoryReader({ 'inventory/group_vars/all': 'a: 1\n', 'inventory/group_vars/staging': 'env: "{{ x }}"\n' }),
    );
    expect(unnamed.map((e) => e.name)).toEqual(['production', 'staging']);
  });

  it('synthesises a defaulted staging environment when only all exists', async () => {
    const envs = await discoverEnvironments(memoryReader({ 'inventory/group_vars/all': 'env: production\nd: 1\n' }));
    expect(envs[1]).toEqual({
      name: 'staging',
      vars: { env: 'staging', env_suffix: '.stg', d: 1 },
      source: ['inventory/group_vars/all'],
      defaulted: true,
    });
    expect(envs[0]?.defaulted).toBeUndefined();
  });

  it('returns the default pair when there is no inventory', async () => {
    const envs = await discoverEnvironments(memoryReader({ 'roles/x/tasks/main.yml': '- debug: msg=hi\n' }));
    expect(envs).toEqual([
      { name: 'production', vars: { env: 'production', env_suffix: '' }, source: [], defaulted: true },
      { name: 'staging', vars: { env: 'staging', env_suffix: '.stg' }, source: [], defaulted: true },
    ]);
  });

  it('skips vault-encrypted vars files', async () => {
    const envs = await discoverEnvironments(
      memoryReader({
        'inventory/group_vars/all/main.yml': 'env: production\n',
        'inventory/group_vars/all/vault.yml': '$ANSIBLE_VAULT;1.1;AES256\n3132\n',
      }),
    );
    expect(envs[0]?.source).toEqual(['inventory/group_vars/all/main.yml']);
  });

  it('reports invalid YAML as a PARSE_ERROR with path and line', async () => {
    const reader = memoryReader({ 'inventory/group_vars/all': 'env: production\nbad: [1, 2\n' });
    const err = await discoverEnvironments(reader).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnsimodError);
    expect((err as AnsimodError).diagnostic).toMatchObject({ code: 'PARSE_ERROR', path: 'inventory/group_vars/all' });
    expect((err as AnsimodError).diagnostic.line).toBeGreaterThan(1);
  });

  it('reads the fixture repository inventory from disk, staging overriding all', async () => {
    const envs = await discoverEnvironments(fileURLToPath(new URL('../../../../fixtures/ansible', import.meta.url)));
    expect(envs.map((e) => [e.name, e.vars.env_suffix, e.vars.env_prefix])).toEqual([
      ['production', '', ''],
      ['staging', '.stg', 'stg.'],
    ]);
    expect(envs[1]?.vars.ipa_realm).toBe('STG.FEDORAPROJECT.ORG');
    expect(envs[0]?.vars.ipa_realm).toBe('FEDORAPROJECT.ORG');
    expect(envs[1]?.vars.datacenter).toBe('iad2');
  });
});

describe('environmentsFromOptions', () => {
  it('overrides variables of a named environment and adds new ones without mutating the input', () => {
    const base = defaultEnvironments();
    const out = environmentsFromOptions(base, [
      { name: 'staging', vars: { env_suffix: '.stage' } },
      { name: 'dev', vars: { env_suffix: '.dev' } },
    ]);
    expect(out.map((e) => [e.name, e.vars.env, e.vars.env_suffix])).toEqual([
      ['production', 'production', ''],
      ['staging', 'staging', '.stage'],
      ['dev', 'dev', '.dev'],
    ]);
    expect(base[1]?.vars.env_suffix).toBe('.stg');
  });
});

describe('composeVarsFile', () => {
  it('rejects a non-mapping document', () => {
    expect(() => composeVarsFile('- a\n', 'x.yml')).toThrow(AnsimodError);
  });
  it('follows PyYAML 1.1: yes/on/off are booleans, y/n are strings, 0400 is octal, dates stay strings', () => {
    expect(composeVarsFile('a: yes\nb: Off\ny: n\nmode: 0400\nday: 2023-08-30\n', 'x.yml')).toEqual({
      a: true,
      b: false,
      y: 'n',
      mode: 256,
      day: '2023-08-30',
    });
  });
  it("reads numbers as PyYAML does: a whole float stays a float, 1e3 and 09 are strings, 1_000 and 1:20 are ints", () => {
    // Expected values: python3 -c 'import yaml; print(yaml.safe_load(...))' (PyYAML, as Ansible).
    const vars = composeVarsFile('a: 2.0\nb: 1e3\nc: 1.0e3\nd: 1.0e+3\nf: 1_000\ng: 1:20\nh: .5\ni: 0x1F\nj: 0o17\nk: 2.50\nl: 1_000.0\nm: .inf\nn: 0b101\no: 09\np: +12\nq: 1:30.5\nr: -0.0\n', 'x.yml')!;
    expect(Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v instanceof PyFloat ? `float ${pyStr(v)}` : v]))).toEqual({
      a: 'float 2.0',
      b: '1e3',
      c: '1.0e3',
      d: 'float 1000.0',
      f: 1000,
      g: 80,
      h: 0.5,
      i: 31,
      j: '0o17',
      k: 2.5,
      l: 'float 1000.0',
      m: Infinity,
      n: 5,
      o: '09',
      p: 12,
      q: 90.5,
      r: 'float -0.0',
    });
    expect(Number(vars.a)).toBe(2);
  });
  it('keeps an int past 2**53 exact, as PyYAML does, and small ints plain numbers', () => {
    expect(composeVarsFile('big: 12345678901234567890\nneg: -9007199254740993\nhex: 0xffffffffffffffffff\nsmall: 42\nsafe: 9007199254740991\n', 'x.yml')).toEqual({
      big: 12345678901234567890n,
      neg: -9007199254740993n,
      hex: 0xffffffffffffffffffn,
      small: 42,
      safe: 9007199254740991,
    });
  });
  it('reads a key given twice as PyYAML does (the last wins), with a warning naming the key and line', () => {
    const warnings: Diagnostic[] = [];
    expect(composeVarsFile('env: production\nport: 80\nnested:\n  a: 1\n  a: 2\nport: 8080\n', 'group_vars/all', warnings)).toEqual({
      env: 'production',
      port: 8080,
      nested: { a: 2 },
    });
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'DUPLICATE_KEY', path: 'group_vars/all', line: 6, column: 1, message: expect.stringMatching(/key 'port' given again \(first on line 2\).*last value wins/) }),
      expect.objectContaining({ code: 'DUPLICATE_KEY', severity: 'warning', path: 'group_vars/all', line: 5, message: expect.stringMatching(/key 'a' given again \(first on line 4\)/) }),
    ]);
  });
  it('discoverEnvironments keeps the last value of a duplicate key and gives each environment the warnings of its files', async () => {
    const files: Record<string, string> = { 'inventory/group_vars/all': 'env: production\nx: 1\nx: 2\n', 'inventory/group_vars/staging': 'env: staging\ny: a\ny: b\n' };
    const reader: InventoryReader = { readFile: async (p) => files[p], listDir: async () => undefined };
    const [prod, stg] = await discoverEnvironments(reader);
    expect(prod?.vars.x).toBe(2);
    expect(stg?.vars.y).toBe('b');
    expect(prod?.warnings?.map((w) => `${w.path}:${w.line}`)).toEqual(['inventory/group_vars/all:3']);
    expect(stg?.warnings?.map((w) => `${w.path}:${w.line}`)).toEqual(['inventory/group_vars/all:3', 'inventory/group_vars/staging:3']);
  });
  it('treats an empty file as no variables', () => {
    expect(composeVarsFile('---\n# nothing\n', 'x.yml')).toEqual({});
  });
});
