/**
 * Validation of SARIF logs against the SARIF 2.1.0 JSON Schema (see schemas/README.md), with Ajv.
 */
import { readFileSync } from 'node:fs';
import AjvDraft04 from 'ajv-draft-04';

// A CommonJS module: its class is the `default` of what the ES import gives.
const Ajv = AjvDraft04.default;

const schema = JSON.parse(readFileSync(new URL('./schemas/sarif-2.1.0-rtm.5.json', import.meta.url), 'utf8')) as object;

let validate: ReturnType<InstanceType<typeof Ajv>['compile']> | undefined;

/**
 * The schema violations of `log`, one line each (`/runs/0/results/3: must have required property 'message'`); [] when valid.
 * Formats (`uri`, `date-time`) are not checked: Ajv needs a plug-in for them, and the schema's structure is what matters here.
 * Patterns are compiled without the `u` flag: the schema's `language` pattern has a stray `]` that
 * only unicode-mode regular expressions reject.
 *
 * @example
 * expect(sarifSchemaErrors(JSON.parse(stdout))).toEqual([]);
 */
export function sarifSchemaErrors(log: unknown): string[] {
  validate ??= new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(schema);
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}
