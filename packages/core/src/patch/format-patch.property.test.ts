import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempRepo } from './__fixtures__/git-repo.js';
import { formatPatch, type CrlfMode } from './index.js';

const r = makeTempRepo();
afterAll(() => r.dispose());

/** Files of a few short lines from a tiny alphabet, so diffs have many equal lines to align. */
const fileText = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'key: 1', '  - x', '', 'é'), fc.constantFrom('\n', '\r\n')), { maxLength: 25 }),
    fc.boolean(),
  )
  .map(([lines, finalNewline]) => {
    const text = lines.map(([l, eol]) => l + eol).join('');
    return finalNewline || text === '' ? text : text.replace(/\r?\n$/, '');
  });

describe('formatPatch (property)', () => {
  it.each(['binary', 'text'] as CrlfMode[])('every mail (crlf: %s) applies with git apply to exactly the new bytes, with git numstat counts', (crlf) => {
    fc.assert(
      fc.property(fileText, fileText, (before, after) => {
        fc.pre(before !== after);
        const path = join(r.root, 'f.txt');
        writeFileSync(path, before);
        const mail = formatPatch({
          author: { name: 'P', email: 'p@example.org' }, date: new Date(0), timezoneOffsetMinutes: 0, subject: 'p', body: '',
          changes: [{ path: 'f.txt', before: Buffer.from(before), after: Buffer.from(after) }],
        }, { crlf });
        const patchFile = join(r.root, '..', `${r.root.split('/').pop()}-prop.patch`);
        writeFileSync(patchFile, mail);
        r.git(['apply', patchFile]);
        expect(readFileSync(path).equals(Buffer.from(after))).toBe(true);
        const stat = /\n f\.txt \| +(\d+)/.exec(mail);
        const numstat = r.git(['apply', '--numstat', patchFile]);
        if (!mail.includes('GIT binary patch')) {
          const [added, deleted] = numstat.split('\t').map(Number);
          expect(Number(stat?.[1])).toBe((added as number) + (deleted as number));
        }
      }),
      { numRuns: 60 },
    );
  });
});
