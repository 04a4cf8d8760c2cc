"""Segments templates with Jinja2's own lexer, for jinja2-agreement.ts (not run in CI).

Reads a JSON array of template strings on stdin and writes a JSON array with, per template:
  tags:   [kind, source] of every complete tag, in order (raw bodies as "raw"), newlines as \n;
  lexError: Jinja2's lexer error message, or null (then `tags` holds the tags before it);
  openAtEnd: true when the text ends inside a tag (Jinja2 lexes that without error);
  parseError: the error of Environment.parse (block structure, expression syntax), or null.
"""
import json
import re
import sys

import jinja2
from jinja2 import lexer as L

ENV = jinja2.Environment(
    keep_trailing_newline=True,
    extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols", "jinja2.ext.i18n"],
)
BEGIN = {
    L.TOKEN_VARIABLE_BEGIN: "expression",
    L.TOKEN_BLOCK_BEGIN: "statement",
    L.TOKEN_COMMENT_BEGIN: "comment",
    L.TOKEN_RAW_BEGIN: "statement",
}
END = {L.TOKEN_VARIABLE_END, L.TOKEN_BLOCK_END, L.TOKEN_COMMENT_END, L.TOKEN_RAW_END}
# `-%}\s*` etc. swallow the whitespace after the tag; keep only the delimiter.
END_DELIM = re.compile(r"^[-+]?(?:%\}|\}\}|#\})")


def segment(source):
    tags = []
    current = None
    kind = None
    in_raw = False
    lex_error = None
    try:
        for _lineno, token, value in ENV.lexer.tokeniter(source, None):
            if current is None:
                if token == L.TOKEN_RAW_END:
                    m = re.search(r"\{%[-+]?\s*endraw\s*[-+]?%\}", value)
                    tags.append(["statement", m.group(0)])
                    in_raw = False
                    continue
                if token in BEGIN:
                    kind = BEGIN[token]
                    if token == L.TOKEN_RAW_BEGIN:
                        tags.append(["statement", value.rstrip()])
                        in_raw = True
                        continue
                    current = [value]
                    continue
                if in_raw and token == L.TOKEN_DATA:
                    tags.append(["raw", value])
                continue
            if token in END:
                current.append(END_DELIM.match(value).group(0))
                tags.append([kind, "".join(current)])
                current = None
            else:
                current.append(value)
    except jinja2.TemplateSyntaxError as e:
        lex_error = "%s (line %s)" % (e.message, e.lineno)
    parse_error = None
    try:
        ENV.parse(source)
    except jinja2.TemplateSyntaxError as e:
        parse_error = "%s (line %s)" % (e.message, e.lineno)
    return {
        "tags": tags,
        "lexError": lex_error,
        "openAtEnd": current is not None or in_raw,
        "parseError": parse_error,
    }


if __name__ == "__main__":
    sources = json.load(sys.stdin)
    json.dump([segment(s) for s in sources], sys.stdout)
