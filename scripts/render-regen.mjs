#!/usr/bin/env node
/**
 * Renders every case of the agreement harness (test/render-agreement) with the installed
 * ansible-core — Ansible's own Templar, through the bridge `--renderer ansible` uses — and records
 * the outputs in test/render-agreement/ansible-outputs.json, which `npm test` compares ansimod's
 * renders against byte for byte (so `npm test` needs no Python).
 *
 * Needs a build (`npm run render:regen` builds first). `--out FILE` writes elsewhere (the
 * integration test regenerates into a temporary folder and compares with the committed file).
 *
 * @example
 *   npm run render:regen
 *   node scripts/render-regen.mjs --out /tmp/outputs.json
 */
import { writeFileSync } from 'node:fs';
import { AnsibleBridge } from '../packages/core/dist/index.js';
import { agreementCases, caseKey, FIXTURE_PATH } from '../test/render-agreement/cases.mjs';

const outIndex = process.argv.indexOf('--out');
const out = outIndex >= 0 ? process.argv[outIndex + 1] : FIXTURE_PATH;

const bridge = await AnsibleBridge.start({ timeoutMs: 60_000 });
if (!(bridge instanceof AnsibleBridge)) {
  process.stderr.write(`${bridge.message}\n`);
  process.exit(1);
}
const cases = {};
for (const c of agreementCases()) {
  const a = await bridge.render({ template: c.template, vars: c.vars, files: c.files });
  cases[c.name] = {
    key: caseKey(c),
    ...(a.ok ? { ok: true, output: a.output } : { ok: false, kind: a.error.kind, ...(a.error.undefined ? { undefined: a.error.undefined } : {}), message: a.error.message.slice(0, 300) }),
  };
}
bridge.close();
const record = { ansible: bridge.versions.ansible, jinja2: bridge.versions.jinja2, cases };
writeFileSync(out, `${JSON.stringify(record, null, 1)}\n`);
const failed = Object.values(cases).filter((c) => !c.ok).length;
process.stdout.write(`${Object.keys(cases).length} cases rendered with ansible-core ${bridge.versions.ansible} (${failed} are errors in Ansible): ${out}\n`);
