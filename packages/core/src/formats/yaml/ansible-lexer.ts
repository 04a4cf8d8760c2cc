import { Lexer, Parser } from 'yaml';

/** One step of the `yaml` lexer's state machine: yields lexemes, returns the next state. */
type LexerStep = Generator<string, string, unknown>;

/**
 * The private members of `yaml`'s `Lexer` (2.x) that {@link createAnsibleYamlParser} relaxes:
 * `indentNext` is the indentation a continuation line needs; the two steps read a flow collection
 * token and a quoted scalar.
 */
interface LexerInternals {
  indentNext: number;
  parseFlowCollection(this: LexerInternals): LexerStep;
  parseQuotedScalar(this: LexerInternals): LexerStep;
}

/**
 * A `Lexer` that reads indentation as PyYAML (hence Ansible) does. PyYAML ignores indentation
 * inside flow collections ("we make the scanner less restrictive than specification requires")
 * and, for the continuation lines of a quoted scalar, checks only for document markers; the
 * `yaml` lexer requires those lines to be indented deeper than the enclosing block. So
 *
 * ```yaml
 * rules: ['-A INPUT',
 * '-A OUTPUT']
 * - debug:
 *     msg: "first
 *     second"
 * ```
 *
 * load in Ansible but end the collection or the scalar early in `yaml`, which then reports an
 * error. This lexer runs those two steps with no indentation requirement; a document marker
 * (`---`, `...` at column 0) still ends them as before. Block structure is untouched.
 */
class AnsibleLexer extends Lexer {}

const strict = Lexer.prototype as unknown as Partial<LexerInternals>;
const { parseFlowCollection, parseQuotedScalar } = strict;
/** Whether the installed `yaml` has the internals the relaxation wraps (else: strict parsing). */
const relaxable = typeof parseFlowCollection === 'function' && typeof parseQuotedScalar === 'function';
if (relaxable) {
  const relaxed = AnsibleLexer.prototype as unknown as LexerInternals;
  relaxed.parseFlowCollection = withoutIndentation(parseFlowCollection);
  relaxed.parseQuotedScalar = withoutIndentation(parseQuotedScalar);
}

/**
 * The step, run with no indentation required of continuation lines (`indentNext` 0, which the
 * lexer reads only to accept or end a continuation), then the requirement restored for the block
 * context around. A step that leaves through an error path (a document marker inside an open
 * flow collection) leaves an unterminated collection in the CST, which fails composition anyway.
 */
function withoutIndentation(step: (this: LexerInternals) => LexerStep): (this: LexerInternals) => LexerStep {
  return function* relaxedStep(this: LexerInternals): LexerStep {
    const required = this.indentNext;
    this.indentNext = 0;
    try {
      return yield* step.call(this);
    } finally {
      this.indentNext = required;
    }
  };
}

/** The private member of `yaml`'s `Parser` (2.x) that {@link AnsibleParser} sets. */
interface ParserInternals {
  atNewLine: boolean;
}

/**
 * A `Parser` that reads a byte order mark as PyYAML does: as nothing. `yaml` (2.9) counts it
 * as content of the first line, so `\uFEFF- name: a` followed by `  copy: …` gets the sequence
 * entry's indentation wrong and is rejected (UNEXPECTED_TOKEN); after the mark, the parser is
 * now still at the start of the line.
 */
class AnsibleParser extends Parser {
  override *parse(source: string, incomplete = false): ReturnType<Parser['parse']> {
    // Only a text that starts with the mark pays for the wrapped step (one more generator per lexeme).
    if (source.startsWith(BOM)) this.next = nextAfterMark;
    yield* super.parse(source, incomplete);
  }
}

/** `Parser.next`, then back at the start of the line after a leading byte order mark. */
function* nextAfterMark(this: Parser, source: string): ReturnType<Parser['next']> {
  yield* Parser.prototype.next.call(this, source);
  if (source === BOM && this.offset === BOM.length) (this as unknown as ParserInternals).atNewLine = true;
}

const BOM = '\uFEFF';

/**
 * A `yaml` CST `Parser` whose lexer accepts what PyYAML accepts in flow collections and quoted
 * scalars (see {@link AnsibleLexer}): continuation lines at any indentation. Everything else —
 * block structure, tabs, document markers — is read exactly as by `new Parser()`. If the
 * installed `yaml` lacks the lexer internals this relies on, the parser is the standard one.
 *
 * @example
 * const text = "rules: ['a',\n'b']\n";
 * const tokens = [...createAnsibleYamlParser().parse(text)];
 * CST.stringify(tokens[0]!) === text; // => true, and composing it gives { rules: ['a', 'b'] }
 */
export function createAnsibleYamlParser(): Parser {
  const parser = new AnsibleParser();
  if (relaxable) (parser as unknown as { lexer: Lexer }).lexer = new AnsibleLexer();
  return parser;
}
