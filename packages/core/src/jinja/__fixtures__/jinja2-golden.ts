/**
 * Golden samples whose tag segmentation was produced by Jinja2 3.1.6's own lexer
 * (`jinja2_segments.py`; re-checked by `jinja2-agreement.ts`). Tag sources use `\n` line breaks
 * (Jinja2 normalises them) and raw bodies are trimmed (Jinja2 applies whitespace control to them).
 * Generated, then kept as data: edit the samples and regenerate rather than editing by hand.
 */
export interface GoldenSample {
  template: string;
  tags: Array<[kind: 'expression' | 'statement' | 'comment' | 'raw', source: string]>;
}

export const JINJA2_GOLDEN: readonly GoldenSample[] = [
  {
    template: "image: \"{{ registry }}/flatpak/{{ name }}:{{ tag | default('latest') }}\"\n",
    tags: [
      ["expression", "{{ registry }}"],
      ["expression", "{{ name }}"],
      ["expression", "{{ tag | default('latest') }}"],
    ],
  },
  {
    template: "{% for arch in ['x86_64', 'aarch64'] %}\nlatest-{{ arch }}: \"{{ '}}' ~ arch }}\"\n{% endfor %}\n",
    tags: [
      ["statement", "{% for arch in ['x86_64', 'aarch64'] %}"],
      ["expression", "{{ arch }}"],
      ["expression", "{{ '}}' ~ arch }}"],
      ["statement", "{% endfor %}"],
    ],
  },
  {
    template: "{%- if env == \"staging\" -%}\n  registry: candidate{{ env_suffix }}\n{%+ else +%}\n  registry: default\n{%- endif %}\n",
    tags: [
      ["statement", "{%- if env == \"staging\" -%}"],
      ["expression", "{{ env_suffix }}"],
      ["statement", "{%+ else +%}"],
      ["statement", "{%- endif %}"],
    ],
  },
  {
    template: "{{ {'a': {'b': 1}}}}{{ [1, (2, 3)][0]}}\n",
    tags: [
      ["expression", "{{ {'a': {'b': 1}}}}"],
      ["expression", "{{ [1, (2, 3)][0]}}"],
    ],
  },
  {
    template: "{# a comment with \"}}\" and\n   %} inside -#}\nkey: value\n",
    tags: [
      ["comment", "{# a comment with \"}}\" and\n   %} inside -#}"],
    ],
  },
  {
    template: "{% raw %}{{ not_a_tag }} {% if %}{% endraw %}\n{%- raw -%}\n  x\n{%- endraw -%}\n",
    tags: [
      ["statement", "{% raw %}"],
      ["raw", "{{ not_a_tag }} {% if %}"],
      ["statement", "{% endraw %}"],
      ["statement", "{%- raw -%}"],
      ["raw", "x"],
      ["statement", "{%- endraw -%}"],
    ],
  },
  {
    template: "cmd: echo \"{{ 'it\\'s }}' }}\" && echo {{ \"a\\\"}}b\" }}\n",
    tags: [
      ["expression", "{{ 'it\\'s }}' }}"],
      ["expression", "{{ \"a\\\"}}b\" }}"],
    ],
  },
  {
    template: "{% set config %}\nk: {{ v }}\n{% endset %}{% set n = \"%}\" %}\n",
    tags: [
      ["statement", "{% set config %}"],
      ["expression", "{{ v }}"],
      ["statement", "{% endset %}"],
      ["statement", "{% set n = \"%}\" %}"],
    ],
  },
  {
    template: "json: {\"a\": {\"b\": \"{{ x }}\"}, \"c\": [{ \"d\": 1 }]}\n",
    tags: [
      ["expression", "{{ x }}"],
    ],
  },
  {
    template: "{{ a % b }}{{ c-}} {{- d }} {{ -1 }}{% x %%}\n",
    tags: [
      ["expression", "{{ a % b }}"],
      ["expression", "{{ c-}}"],
      ["expression", "{{- d }}"],
      ["expression", "{{ -1 }}"],
      ["statement", "{% x %%}"],
    ],
  },
  {
    template: "{% macro m(a, b=\"%}\") -%}\n{{ a }}{% endmacro %}{% call(x) m(1) %}{{ x }}{% endcall %}\n",
    tags: [
      ["statement", "{% macro m(a, b=\"%}\") -%}"],
      ["expression", "{{ a }}"],
      ["statement", "{% endmacro %}"],
      ["statement", "{% call(x) m(1) %}"],
      ["expression", "{{ x }}"],
      ["statement", "{% endcall %}"],
    ],
  },
  {
    template: "x: {{ y |\n   default(\"}}\") }}\r\n{% if z %}\r\n{% endif %}\r\n",
    tags: [
      ["expression", "{{ y |\n   default(\"}}\") }}"],
      ["statement", "{% if z %}"],
      ["statement", "{% endif %}"],
    ],
  },
  {
    template: "{{{ x }}}{ {% if a %} }{% endif %}\n",
    tags: [
      ["expression", "{{{ x }}}"],
      ["statement", "{% if a %}"],
      ["statement", "{% endif %}"],
    ],
  },
];
