import { describe, expect, it } from 'vitest';
import { runTransformCase } from '../../test/support/transform-test.js';
import { perEnvironmentValue, setIniKeyPerEnvironment } from './set-ini-key-per-environment.js';

const INI = 'roles/svc/templates/production.ini.j2';
const options = { files: ['roles/*/templates/*.ini.j2'], section: 'app:main', key: 'timeout', values: { production: '30', staging: '120' } };
const EXPR = "{{ '120' if env == 'staging' else '30' }}";

describe('set-ini-key-per-environment (example transform)', () => {
  it('writes one value when every environment gets the same, else a Jinja expression on env', () => {
    expect(perEnvironmentValue({ production: 'a', staging: 'a' })).toBe('a');
    expect(perEnvironmentValue({ production: 'a', staging: "it's" })).toBe("{{ 'it\\'s' if env == 'staging' else 'a' }}");
    expect(perEnvironmentValue({ production: 'a', staging: 'b', dev: 'c' })).toBe("{{ 'b' if env == 'staging' else 'c' if env == 'dev' else 'a' }}");
  });

  it('sets an existing key in the section, and only there', async () => {
    const plan = await runTransformCase({
      transform: setIniKeyPerEnvironment,
      options,
      before: { [INI]: '[server]\ntimeout = 5\n\n[app:main]\nuse = egg:svc\ntimeout = 10\n' },
      after: { [INI]: `[server]\ntimeout = 5\n\n[app:main]\nuse = egg:svc\ntimeout = ${EXPR}\n` },
    });
    expect(plan.changes[0]?.reasons).toEqual([`[app:main] timeout = ${EXPR}`]);
  });

  it('adds the key at the end of the section when it is missing (CRLF kept)', async () => {
    await runTransformCase({
      transform: setIniKeyPerEnvironment,
      options,
      before: { [INI]: '[app:main]\r\nuse = egg:svc\r\n\r\n[server:main]\r\nport = 8080\r\n' },
      after: { [INI]: `[app:main]\r\nuse = egg:svc\r\ntimeout = ${EXPR}\r\n\r\n[server:main]\r\nport = 8080\r\n` },
    });
  });

  it('writes a plain value when the environments agree', async () => {
    await runTransformCase({
      transform: setIniKeyPerEnvironment,
      options: { ...options, values: { production: '60', staging: '60' } },
      before: { [INI]: '[app:main]\ntimeout=10\n' },
      after: { [INI]: '[app:main]\ntimeout=60\n' },
    });
  });

  it('changes nothing in files outside the patterns, without the section, or already set', async () => {
    const plan = await runTransformCase({
      transform: setIniKeyPerEnvironment,
      options,
      before: {
        'roles/svc/files/production.ini': '[app:main]\ntimeout = 10\n',
        'roles/svc/templates/other.ini.j2': '[server]\ntimeout = 10\n',
        [INI]: `[app:main]\ntimeout = ${EXPR}\n`,
      },
    });
    expect(plan.steps[0]?.found).toBe(true);
  });

  it('reports a key set inside a Jinja block instead of rewriting one branch', async () => {
    await runTransformCase({
      transform: setIniKeyPerEnvironment,
      options,
      before: { [INI]: "[app:main]\n{% if env == 'staging' %}\ntimeout = 300\n{% endif %}\n" },
      expectErrors: ['timeout is set inside a Jinja {% if %}'],
    });
  });

  it('reports environments without a value', async () => {
    await runTransformCase({
      transform: setIniKeyPerEnvironment,
      options: { ...options, values: { production: '30' } },
      before: { [INI]: '[app:main]\ntimeout = 10\n' },
      expectErrors: ['no value for environment staging'],
    });
  });
});
