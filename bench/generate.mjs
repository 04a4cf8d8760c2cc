#!/usr/bin/env node
/**
 * Synthetic Ansible-like trees for the benchmark.
 *
 * A tree is a pure function of (file count, seed, this file's source): every byte comes from a
 * seeded PRNG consumed in a fixed order, so two runs produce the same bytes, and the cache key
 * includes a hash of this source so editing the generator invalidates old trees by itself.
 *
 * Shape (proportions taken from a real infrastructure repository of ~4,800 files):
 *   inventory/{inventory,group_vars/*,host_vars/*}   ~20 %   YAML without extension, INI hosts file
 *   playbooks/{groups,hosts,manual,openshift-apps}/  ~8 %    plays with Jinja in hosts/vars_files
 *   files/<area>/                                    ~6 %    scripts, configs, binaries
 *   roles/<r>/{tasks,handlers,defaults,vars,templates,files,meta}/   the rest
 * plus a few big files (binaries, a large JSON, a large YAML), CRLF / BOM / latin-1 oddities,
 * two symlinks (one to a file inside the tree, one dangling), and registry references in about
 * 1 % of files, including the five places the flatpaks-to-quay recipe has to change.
 *
 * Usage:
 *   node bench/generate.mjs [--sizes 5000,5000+52,50000] [--seed S] [--force] [--verify]
 * (`5000+52`: the 5,000-file tree plus 52 MB of large plain-text files, the byte volume of a real repository)
 *
 * @example
 *   import { ensureTree } from './generate.mjs';
 *   const tree = ensureTree({ size: 5000 });   // { dir, files, bytes, digest, generated, ms }
 */
import { createHash } from 'node:crypto';
import {
  existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync,
  symlinkSync, writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Where trees are written (gitignored). */
export const TREES_DIR = join(here, 'out', 'trees');
export const DEFAULT_SEED = 'ansimod-bench';
export const DEFAULT_SIZES = [5000, 50000];

/**
 * A tree spec: a file count, optionally `+N` MB of padding (`5000+52`: the 5,000-file tree
 * padded to the public Fedora repository's byte volume, 69 MB).
 *
 * @example
 *   parseTreeSpec('5000+52'); // => { size: 5000, padMb: 52 }
 */
export function parseTreeSpec(spec) {
  const m = /^(\d+)(?:\+(\d+))?$/.exec(String(spec).trim());
  if (!m) throw new Error(`tree spec must be FILES or FILES+MB, got ${spec}`);
  return { size: Number(m[1]), padMb: Number(m[2] ?? 0) };
}

// The registry hosts the recipe is about. They appear only in generated trees, never in commit messages.
const DOMAIN = 'fedoraproject.org';
const REGISTRY = `registry.${DOMAIN}`;
const REGISTRY_STG = `registry.stg.${DOMAIN}`;
const CANDIDATE = `candidate-registry.${DOMAIN}`;
const CANDIDATE_STG = `candidate-registry.stg.${DOMAIN}`;
const CANDIDATE_JINJA = `candidate-registry{{ env_suffix }}.${DOMAIN}`;
const REGISTRY_JINJA = `registry{{ env_suffix }}.${DOMAIN}`;
const REGISTRY_CDN = `cdn.registry.${DOMAIN}`;

/** Share of ordinary files that get one registry reference (targets and Dockerfiles come on top). */
const REGISTRY_DENSITY = 0.006;

// ---------------------------------------------------------------------------------------------
// Seeded PRNG (sfc32 seeded by a string hash): fast, and identical on every platform.

function hashSeed(str) {
  let h = 1779033703 ^ str.length;
  for (let i = 0; i < str.length; i++) {
    h = Math.imul(h ^ str.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const out = [];
  for (let k = 0; k < 4; k++) {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    out.push((h ^= h >>> 16) >>> 0);
  }
  return out;
}

function makeRng(seed) {
  let [a, b, c, d] = hashSeed(seed);
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (arr) => arr[Math.floor(next() * arr.length)];
  const chance = (p) => next() < p;
  /** Fills a buffer with pseudo-random bytes, 4 at a time. */
  const bytes = (n) => {
    const buf = Buffer.allocUnsafe(n);
    let i = 0;
    for (; i + 4 <= n; i += 4) buf.writeUInt32LE(Math.floor(next() * 4294967296), i);
    for (; i < n; i++) buf[i] = Math.floor(next() * 256);
    return buf;
  };
  return { next, int, pick, chance, bytes };
}

// ---------------------------------------------------------------------------------------------
// Vocabulary.

const SERVICES = [
  'httpd', 'nagios', 'koji', 'copr', 'mirrormanager', 'fedmsg', 'rabbitmq', 'postgresql', 'haproxy',
  'keepalived', 'ipa', 'pagure', 'mailman', 'noggin', 'badges', 'datagrepper', 'nfs', 'rsyncd',
  'collectd', 'zabbix', 'sshd', 'sudo', 'dnf', 'base', 'hosts', 'iptables', 'fail2ban', 'varnish',
  'memcached', 'redis', 'nginx', 'squid', 'dhcp', 'bind', 'chrony', 'postfix', 'git', 'jenkins',
  'mock', 'sigul', 'robosignatory', 'pungi', 'releng', 'odcs', 'mbs', 'osbs', 'greenwave',
  'resultsdb', 'waiverdb', 'wiki', 'planet', 'blockerbugs', 'elections', 'nuancier', 'fedocal',
  'batcave', 'proxy', 'geoip', 'mote', 'zodbot', 'matrix', 'discourse', 'docs', 'websites', 'people',
  'torrent', 'download', 'epel', 'distgit', 'pkgs', 'lookaside', 'openqa', 'virthost', 'libvirt',
  'sssd', 'krb5', 'letsencrypt', 'logrotate', 'rsyslog', 'audit', 'selinux', 'clamav', 'unbound',
  'mirrorlist', 'bastion', 'smtp', 'dirsrv', 'fmn', 'datanommer', 'toddlers', 'mdapi', 'kojira',
  'anitya', 'bugzilla2fedmsg', 'kerneltest', 'autosign', 'tang', 'clevis', 'cockpit', 'grafana',
];
const SUFFIXES = ['', '', '', '-backend', '-frontend', '/base', '/server', '/client', '-proxy', '-web', '-worker'];
const DATACENTERS = ['iad2', 'iad2', 'iad2', 'rdu3', 'stg.iad2', 'stg.iad2', 'vpn', 'rdu-cc'];
const WORDS = [
  'config', 'service', 'package', 'repo', 'cert', 'key', 'cron', 'user', 'group', 'mount', 'path',
  'port', 'listen', 'timeout', 'workers', 'threads', 'cache', 'log', 'level', 'backup', 'sync',
  'mirror', 'proxy', 'admin', 'token', 'secret', 'queue', 'topic', 'broker', 'db', 'host', 'url',
  'mail', 'alert', 'check', 'enabled', 'version', 'release', 'branch', 'arch', 'image', 'volume',
];
const PACKAGES = [
  'httpd', 'mod_ssl', 'python3-requests', 'python3-fedora-messaging', 'git', 'rsync', 'nfs-utils',
  'policycoreutils-python-utils', 'koji', 'postgresql-server', 'python3-psycopg2', 'nginx',
  'haproxy', 'cronie', 'logrotate', 'sudo', 'openssh-server', 'collectd', 'nagios-plugins-all',
  'python3-flask', 'python3-sqlalchemy', 'redis', 'memcached', 'certbot', 'fedora-messaging',
];
const TAGS = ['config', 'packages', 'services', 'base', 'httpd', 'selinux', 'cron', 'users', 'certs', 'deploy'];
const NAMES_UTF8 = ['Zoë', 'Miroslav Suchý', 'Kévin', 'Jiří', 'Ondřej', 'Søren', 'José', 'Łukasz'];
const LOREM = (
  'This host is managed by ansible and local changes will be overwritten on the next run so please ' +
  'edit the template in the infrastructure repository instead of this file and ask in the admin ' +
  'channel if you are not sure which role owns it because several roles share the same directory'
).split(' ');

// ---------------------------------------------------------------------------------------------
// Generation context: the PRNG plus the bookkeeping shared by all content generators.

class Ctx {
  constructor(seed) {
    this.r = makeRng(seed);
    this.hostSeq = 0;
  }
  word() { return this.r.pick(WORDS); }
  ident() { return `${this.r.pick(SERVICES).replace(/[^a-z0-9]/g, '_')}_${this.word()}`; }
  host(svc = this.r.pick(SERVICES)) {
    this.hostSeq++;
    const n = String(this.r.int(1, 12)).padStart(2, '0');
    return `${svc.replace(/[^a-z0-9]/g, '')}${n}.${this.r.pick(DATACENTERS)}.${DOMAIN}`;
  }
  sentence(min = 4, max = 14) {
    const n = this.r.int(min, max);
    const out = [];
    let i = this.r.int(0, LOREM.length - 1);
    for (let k = 0; k < n; k++) out.push(LOREM[(i + k) % LOREM.length]);
    return out.join(' ');
  }
  jinja() {
    const r = this.r;
    switch (r.int(0, 7)) {
      case 0: return `{{ ${this.ident()} }}`;
      case 1: return `{{ ${this.ident()} | default('${this.word()}') }}`;
      case 2: return `{{ env_suffix }}`;
      case 3: return `{{ inventory_hostname }}`;
      case 4: return `{{ ${this.ident()}|int + ${r.int(1, 9)} }}`;
      case 5: return `{{ ansible_distribution_major_version }}`;
      case 6: return `{{ private }}/files/${this.word()}`;
      default: return `{{ ${this.ident()} | join(',') }}`;
    }
  }
  /** One registry reference suitable for the given format, as a complete line. */
  registryLine(format, indent = '') {
    const r = this.r;
    const img = `${r.pick(['fedora', 'fedora-minimal', 'fedora-toolbox', 'f38/flatpak-runtime'])}:${r.int(36, 39)}`;
    switch (format) {
      case 'yaml': return indent + r.pick([
        `container_registry: ${REGISTRY}`,
        `candidate_registry: "${CANDIDATE_JINJA}"`,
        `base_image: ${REGISTRY}/${img}`,
        `image: "${REGISTRY}/${img}"`,
        `registry_url: https://${REGISTRY_JINJA}/v2/`,
        `registry_cert: /etc/pki/tls/certs/${REGISTRY}.cert`,
        `vhosts: [${REGISTRY}, ${REGISTRY_CDN}]`,
      ]);
      case 'apache': return indent + r.pick([
        `ServerAlias ${REGISTRY}`,
        `SSLCertificateFile /etc/pki/tls/certs/${REGISTRY}.cert`,
        `ProxyPass /v2/ https://${CANDIDATE}/v2/`,
        `Header set X-Registry "${REGISTRY_JINJA}"`,
      ]);
      case 'ini': return indent + r.pick([
        `registry = ${REGISTRY}`,
        `source_registry = ${CANDIDATE_JINJA}`,
        `base_image = ${REGISTRY}/${img}`,
      ]);
      case 'json': return indent + r.pick([
        `"registry": "${REGISTRY}",`,
        `"image": "${REGISTRY}/${img}",`,
      ]);
      default: return indent + r.pick([
        `# images come from ${REGISTRY}`,
        `REGISTRY=${CANDIDATE_JINJA}`,
        `podman pull ${REGISTRY}/${img}`,
      ]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// YAML content.

function scalar(c) {
  const r = c.r;
  switch (r.int(0, 13)) {
    case 0: return String(r.int(0, 65535));
    case 1: return r.pick(['true', 'false', 'yes', 'no', 'True', 'False']);
    case 2: return `"${c.jinja()}"`;
    case 3: return `'${c.jinja().replace(/'/g, "''")}'`; // YAML single quotes escape ' by doubling it
    case 4: return `http://${c.host()}/${c.word()}/`;
    case 5: return `/etc/${c.word()}/${c.word()}.conf`;
    case 6: return `"${c.sentence(2, 6)}"`;
    case 7: return '~';
    case 8: return `"{{ ${c.ident()} }}/${c.word()}"`;
    case 9: return c.host();
    case 10: return `'${c.word()}:${c.word()}'`;
    case 11: return `${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}`;
    default: return c.word() + r.int(1, 99);
  }
}

function flowSeq(c) {
  const n = c.r.int(1, 5);
  const items = [];
  for (let i = 0; i < n; i++) items.push(c.r.chance(0.2) ? `'${c.word()}'` : c.word());
  return `[${items.join(', ')}]`;
}

function flowMap(c) {
  const n = c.r.int(1, 4);
  const items = [];
  const keys = new Set();
  for (let i = 0; i < n; i++) {
    const key = c.word();
    if (keys.has(key)) continue;
    keys.add(key);
    items.push(`${key}: ${c.r.chance(0.3) ? `"${c.jinja()}"` : c.word()}`);
  }
  return `{ ${items.join(', ')} }`;
}

/** Appends `key: value` entries at the given indent; nesting is bounded by depth. */
function mapping(c, out, indent, n, depth) {
  const r = c.r;
  const keys = new Set(); // duplicate keys are rare in real repositories (Ansible warns about them)
  for (let i = 0; i < n; i++) {
    let key = depth === 0 ? c.ident() : c.word();
    if (keys.has(key)) key = `${key}_${i}`;
    keys.add(key);
    if (r.chance(0.08)) out.push(`${indent}# ${c.sentence()}`);
    const kind = r.int(0, 19);
    if (kind < 10 || depth > 2) out.push(`${indent}${key}: ${scalar(c)}`);
    else if (kind === 10) out.push(`${indent}${key}: ${flowSeq(c)}`);
    else if (kind === 11) out.push(`${indent}${key}: ${flowMap(c)}`);
    else if (kind <= 13) {
      out.push(`${indent}${key}:`);
      const seqIndent = r.chance(0.5) ? indent : indent + '  ';
      const m = r.int(1, 6);
      for (let k = 0; k < m; k++) out.push(`${seqIndent}- ${scalar(c)}`);
    } else if (kind <= 15) {
      out.push(`${indent}${key}:`);
      mapping(c, out, indent + '  ', r.int(1, 5), depth + 1);
    } else if (kind === 16) {
      out.push(`${indent}${key}: ${r.pick(['|', '|-', '>', '>-'])}`);
      const m = r.int(1, 6);
      for (let k = 0; k < m; k++) out.push(`${indent}  ${c.sentence(3, 10)}${r.chance(0.3) ? ' ' + c.jinja() : ''}`);
    } else if (kind === 17) {
      out.push(`${indent}${key}:`);
      const m = r.int(1, 3);
      for (let k = 0; k < m; k++) {
        out.push(`${indent}- name: ${c.word()}${r.int(1, 9)}`);
        out.push(`${indent}  ${c.word()}: ${scalar(c)}`);
      }
    } else if (kind === 18) {
      out.push(`${indent}${key}: "${c.sentence(2, 5)} {{ ${c.ident()} }} ${c.word()}"`);
    } else {
      out.push(`${indent}${key}: ''`);
    }
  }
}

function varsFile(c, n, reg) {
  const out = [];
  if (c.r.chance(0.6)) out.push('---');
  if (c.r.chance(0.4)) out.push(`# ${c.sentence()}`);
  mapping(c, out, '', n, 0);
  if (reg) out.push(c.registryLine('yaml'));
  return out;
}

function moduleCall(c, out, ind) {
  const r = c.r;
  const k = r.int(0, 11);
  const short = r.chance(0.35); // key=value shorthand, as older roles do
  switch (k) {
    case 0:
      if (short) out.push(`${ind}package: name=${r.pick(PACKAGES)} state=present`);
      else {
        out.push(`${ind}ansible.builtin.package:`, `${ind}  name:`);
        const m = r.int(1, 5);
        for (let i = 0; i < m; i++) out.push(`${ind}  - ${r.pick(PACKAGES)}`);
        out.push(`${ind}  state: present`);
      }
      break;
    case 1: case 2: {
      const w = c.word();
      if (short) out.push(`${ind}template: src=${w}.conf.j2 dest=/etc/${w}/${w}.conf owner=root mode=0644`);
      else out.push(`${ind}template:`, `${ind}  src: ${w}.j2`, `${ind}  dest: "/etc/{{ ${c.ident()} }}/${w}"`, `${ind}  mode: "0640"`);
      break;
    }
    case 3:
      out.push(short ? `${ind}copy: src=${c.word()} dest=/usr/local/bin/${c.word()} mode=0755`
        : `${ind}copy:\n${ind}  src: "{{ files }}/${c.word()}/${c.word()}"\n${ind}  dest: /etc/${c.word()}/`);
      break;
    case 4:
      out.push(`${ind}service: name=${r.pick(SERVICES).replace('/', '-')} state=started enabled=yes`);
      break;
    case 5:
      out.push(`${ind}file: path=/srv/${c.word()} state=directory owner=${c.word()} group=${c.word()}`);
      break;
    case 6:
      out.push(`${ind}command: /usr/bin/${c.word()} --${c.word()} {{ ${c.ident()} }}`);
      out.push(`${ind}args:`, `${ind}  creates: /var/lib/${c.word()}/.done`);
      break;
    case 7:
      out.push(`${ind}shell: |`);
      for (let i = r.int(1, 4); i > 0; i--) out.push(`${ind}  ${c.word()} --${c.word()}="{{ ${c.ident()} }}" >> /var/log/${c.word()}.log`);
      break;
    case 8:
      out.push(`${ind}lineinfile:`, `${ind}  path: /etc/${c.word()}.conf`,
        `${ind}  regexp: '^${c.word()}\\s*='`, `${ind}  line: "${c.word()} = {{ ${c.ident()} }}"`);
      break;
    case 9:
      out.push(`${ind}user: name=${c.word()} groups=${c.word()},wheel append=yes`);
      break;
    case 10:
      out.push(`${ind}git:`, `${ind}  repo: https://pagure.io/${c.word()}.git`, `${ind}  dest: /srv/${c.word()}`,
        `${ind}  version: "{{ ${c.ident()} | default('main') }}"`);
      break;
    default:
      out.push(`${ind}systemd:`, `${ind}  name: ${c.word()}.service`, `${ind}  daemon_reload: ${r.pick(['yes', 'true'])}`,
        `${ind}  state: ${r.pick(['restarted', 'started', 'reloaded'])}`);
  }
}

function task(c, out, ind, handlers) {
  const r = c.r;
  out.push(`${ind}- name: ${r.chance(0.15) ? `"${c.sentence(2, 5)} {{ ${c.ident()} }}"` : c.sentence(2, 7)}`);
  const ind2 = ind + '  ';
  moduleCall(c, out, ind2);
  if (r.chance(0.25)) out.push(`${ind2}when: ${r.pick([
    `env == "staging"`, `ansible_distribution_major_version|int >= ${r.int(7, 9)}`,
    `inventory_hostname.startswith('${r.pick(SERVICES)}')`, `${c.ident()} is defined`,
    `"'${c.word()}' in group_names"`, `not ${c.ident()}`,
  ])}`);
  if (r.chance(0.12)) {
    out.push(`${ind2}with_items:`);
    for (let i = r.int(1, 5); i > 0; i--) out.push(`${ind2}- ${c.word()}`);
  } else if (r.chance(0.08)) out.push(`${ind2}loop: "{{ ${c.ident()} }}"`);
  if (r.chance(0.1)) {
    out.push(`${ind2}vars:`);
    mapping(c, out, ind2 + '  ', r.int(1, 3), 2);
  }
  if (handlers.length && r.chance(0.3)) {
    if (r.chance(0.5)) out.push(`${ind2}notify: ${r.pick(handlers)}`);
    else out.push(`${ind2}notify:`, `${ind2}- ${r.pick(handlers)}`);
  }
  if (r.chance(0.7)) {
    if (r.chance(0.3)) out.push(`${ind2}tags: [${r.pick(TAGS)}, ${r.pick(TAGS)}]`);
    else {
      out.push(`${ind2}tags:`);
      const ti = r.chance(0.5) ? ind2 : ind2 + '  ';
      for (let i = r.int(1, 3); i > 0; i--) out.push(`${ti}- ${r.pick(TAGS)}`);
    }
  }
  out.push('');
}

function tasksFile(c, n, handlers, reg) {
  const r = c.r;
  const out = [];
  if (r.chance(0.4)) out.push('---');
  if (r.chance(0.5)) out.push('#', `# ${c.sentence()}`, '#');
  for (let i = 0; i < n; i++) {
    if (r.chance(0.05)) {
      out.push(`- name: ${c.sentence(2, 5)}`, '  block:');
      for (let k = r.int(1, 3); k > 0; k--) task(c, out, '  ', handlers);
      out.push('  rescue:');
      task(c, out, '  ', handlers);
    } else task(c, out, '', handlers);
  }
  if (reg) {
    out.push(`- name: ${c.sentence(2, 5)}`, '  set_fact:', c.registryLine('yaml', '    '), '');
  }
  return out;
}

function handlersFile(c, names) {
  const out = [];
  if (c.r.chance(0.4)) out.push('---');
  for (const name of names) {
    out.push(`- name: ${name}`);
    out.push(`  service: name=${c.word()} state=${c.r.pick(['restarted', 'reloaded'])}`);
    if (c.r.chance(0.3)) out.push('  ignore_errors: true');
    out.push('');
  }
  return out;
}

function metaFile(c, roleNames) {
  const out = ['---', 'galaxy_info:', `  author: ${c.r.pick(NAMES_UTF8)}`, `  description: ${c.sentence(3, 8)}`,
    '  license: MIT', `  min_ansible_version: "2.${c.r.int(9, 15)}"`, 'dependencies:'];
  const n = c.r.int(0, 3);
  if (n === 0) out[out.length - 1] = 'dependencies: []';
  for (let i = 0; i < n; i++) {
    const dep = c.r.pick(roleNames);
    out.push(c.r.chance(0.5) ? `  - { role: ${dep}, tags: ['${c.r.pick(TAGS)}'] }` : `  - role: ${dep}`);
  }
  return out;
}

/** A Kubernetes ConfigMap template: YAML whose block scalar holds an embedded config with Jinja blocks at column 0. */
function configMapTemplate(c, name, reg) {
  const r = c.r;
  const out = ['---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${name}-config`,
    `  namespace: ${name}`, 'data:', '  config.yaml: |-'];
  for (let i = r.int(4, 14); i > 0; i--) {
    if (r.chance(0.15)) {
      out.push(`{% if env == '${r.pick(['staging', 'production'])}' %}`);
      out.push(`    ${c.word()}_url: https://${c.word()}{{ env_suffix }}.${DOMAIN}/${c.word()}/`);
      out.push('{% else %}', `    ${c.word()}_url: https://${c.host()}/`, '{% endif %}');
    } else if (r.chance(0.2)) {
      out.push(`    ${c.word()}:`, `        ${c.word()}: ${scalar(c)}`, `        ${c.word()}: \${${c.word().toUpperCase()}}`);
    } else out.push(`    ${c.word()}_${c.word()}: ${r.chance(0.3) ? '{{ ' + c.ident() + ' }}' : c.word()}`);
  }
  if (reg) out.push(c.registryLine('yaml', '    '));
  if (r.chance(0.5)) out.push(`  ${c.word()}.conf: |`, `    [${c.word()}]`, `    ${c.word()} = {{ ${c.ident()} }}`);
  return out;
}

/** A Deployment/BuildConfig-like template with flow style and an image reference. */
function k8sTemplate(c, name, reg) {
  const r = c.r;
  const out = ['---', 'apiVersion: apps.openshift.io/v1', 'kind: DeploymentConfig', 'metadata:',
    `  name: ${name}`, `  labels: {app: ${name}, env: "{{ env }}"}`, 'spec:', `  replicas: {{ ${c.ident()} | default(1) }}`,
    '  template:', '    spec:', '      containers:', `      - name: ${name}`];
  out.push(reg ? c.registryLine('yaml', '        ').replace(/^(\s*)\w+:/, '$1image:') : `        image: ${name}:latest`);
  out.push('        ports:', `        - containerPort: ${r.int(1024, 9999)}`, '        env:');
  for (let i = r.int(1, 5); i > 0; i--) out.push(`        - name: ${c.word().toUpperCase()}`, `          value: "${c.jinja()}"`);
  if (r.chance(0.5)) out.push('{% if env == "staging" %}', '        - name: DEBUG', '          value: "1"', '{% endif %}');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Other formats.

function apacheConf(c, reg) {
  const r = c.r;
  const vhost = c.host();
  const out = [`# ${c.sentence()}`, `<VirtualHost *:${r.pick(['80', '443'])}>`, `  ServerName ${vhost}`,
    `  ServerAlias {{ ${c.ident()} }}`, `  DocumentRoot /srv/web/${c.word()}`];
  if (reg) out.push(c.registryLine('apache', '  '));
  for (let i = r.int(2, 10); i > 0; i--) {
    if (r.chance(0.2)) {
      out.push(`{% if env == "${r.pick(['staging', 'production'])}" %}`, `  RewriteRule ^/${c.word()}/(.*) https://${c.host()}/$1 [R,L]`, '{% endif %}');
    } else if (r.chance(0.3)) {
      out.push(`  <Location /${c.word()}>`, `    Require ${r.pick(['all granted', 'valid-user', 'ip 10.3.0.0/16'])}`, '  </Location>');
    } else out.push(`  ${r.pick(['ProxyPass', 'Header set', 'SetEnv', 'Alias', 'RequestHeader set'])} /${c.word()} ${c.word()}`);
  }
  out.push('</VirtualHost>');
  return out;
}

function iniFile(c, reg) {
  const r = c.r;
  const out = [];
  for (let s = r.int(1, 6); s > 0; s--) {
    out.push(`[${c.word()}${r.chance(0.3) ? ':' + c.word() : ''}]`);
    for (let i = r.int(2, 10); i > 0; i--) {
      if (r.chance(0.15)) out.push(`# ${c.sentence()}`);
      out.push(`${c.word()}${r.chance(0.3) ? '.' + c.word() : ''} = ${r.chance(0.4) ? c.jinja() : scalar(c).replace(/^"|"$/g, '')}`);
    }
    if (r.chance(0.2)) out.push(`{% if ${c.ident()} %}`, `${c.word()} = true`, '{% endif %}');
    out.push('');
  }
  if (reg) out.push(c.registryLine('ini'));
  return out;
}

function jsonTemplate(c, reg) {
  const r = c.r;
  const out = ['{'];
  if (reg) out.push(c.registryLine('json', '  '));
  const n = r.int(2, 12);
  for (let i = 0; i < n; i++) {
    const comma = i < n - 1 ? ',' : '';
    if (r.chance(0.2)) out.push(`  "${c.word()}": [${[c.word(), c.word()].map((w) => `"${w}"`).join(', ')}]${comma}`);
    else if (r.chance(0.3)) out.push(`  "${c.word()}": "{{ ${c.ident()} }}"${comma}`);
    else out.push(`  "${c.word()}_${i}": ${r.chance(0.5) ? r.int(0, 999) : `"${c.word()}"`}${comma}`);
  }
  out.push('}');
  return out;
}

function shellScript(c, reg) {
  const r = c.r;
  const out = ['#!/bin/bash', `# ${c.sentence()}`, 'set -euo pipefail', ''];
  if (reg) out.push(c.registryLine('text'));
  for (let i = r.int(3, 20); i > 0; i--) {
    if (r.chance(0.2)) out.push(`if [ -f /etc/${c.word()} ]; then`, `    ${c.word()} --${c.word()}`, 'fi');
    else out.push(`${c.word()} --${c.word()} "/srv/${c.word()}" ${r.chance(0.3) ? '{{ ' + c.ident() + ' }}' : ''}`.trimEnd());
  }
  return out;
}

function pythonScript(c) {
  const r = c.r;
  const out = ['#!/usr/bin/python3', `"""${c.sentence()}."""`, 'import os', 'import sys', ''];
  for (let f = r.int(1, 5); f > 0; f--) {
    out.push(`def ${c.word()}_${c.word()}(${c.word()}):`, `    """${c.sentence(3, 8)}."""`);
    for (let i = r.int(1, 6); i > 0; i--) out.push(`    ${c.word()} = os.environ.get("${c.word().toUpperCase()}", "${c.word()}")`);
    out.push(`    return ${c.word()}`, '');
  }
  out.push("if __name__ == '__main__':", `    sys.exit(${c.word()}_main(sys.argv))`);
  return out;
}

function dockerfile(c) {
  const r = c.r;
  return [`FROM ${REGISTRY}/${r.pick(['fedora', 'fedora-minimal'])}:${r.int(36, 39)}`, `LABEL maintainer="${r.pick(NAMES_UTF8)}"`,
    `RUN dnf -y install ${r.pick(PACKAGES)} ${r.pick(PACKAGES)} && dnf clean all`,
    `COPY ${c.word()}.conf /etc/${c.word()}/`, `EXPOSE ${r.int(1024, 9999)}`, `CMD ["/usr/bin/${c.word()}"]`];
}

function plainConf(c) {
  const out = [`# ${c.sentence()}`];
  for (let i = c.r.int(3, 25); i > 0; i--) out.push(`${c.word()}${c.r.pick([' ', '=', ': '])}${scalar(c).replace(/^"|"$/g, '')}`);
  return out;
}

function pemLike(c) {
  const out = ['-----BEGIN CERTIFICATE-----'];
  const b64 = c.r.bytes(c.r.int(600, 1400)).toString('base64');
  for (let i = 0; i < b64.length; i += 64) out.push(b64.slice(i, i + 64));
  out.push('-----END CERTIFICATE-----');
  return out;
}

/** PNG-like bytes: the real magic number (which has a NUL at offset 8) and random payload. */
function binaryBlob(c, size, kind) {
  const magic = kind === 'gz' ? Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3])
    : Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
  return Buffer.concat([magic, c.r.bytes(size)]);
}

// ---------------------------------------------------------------------------------------------
// The recipe's five targets, written from scratch in the shape the real files have.

function dockercfg(c, env) {
  const who = env === 'production' ? 'prod' : 'stg';
  const host = env === 'production' ? CANDIDATE : CANDIDATE_STG;
  return [`{"auths": {"${host}": {"username": "{{ candidate_registry_osbs_${who}_username }}", ` +
    `"password": "{{ candidate_registry_osbs_${who}_password }}", "email": "", "auth": "{{ auth_info_${who} | b64encode }}"}}}`];
}

function kojiFlatpakConf() {
  return ['# Where the flatpak builder plugin pushes the containers it builds', '[push]', 'registry=docker://{{ candidate_registry }}'];
}

/** OSBS's reactor config (group_vars of the OSBS control hosts): pushes go to `registries[].url`. */
function osbsReactorConfig(c, env) {
  const stg = env === 'staging';
  const koji = stg ? 'koji.stg.fedoraproject.org' : 'koji.fedoraproject.org';
  const other = [];
  mapping(c, other, '', c.r.int(4, 12), 0);
  return ['---', `# OSBS control hosts (${env})`, ...other, '',
    '_osbs_reactor_config_map:', '  version: 1', '  koji:', `    hub_url: https://${koji}/kojihub`, `    root_url: https://${koji}/`,
    '  source_registry:', `    url: ${stg ? 'registry.stg.fedoraproject.org' : 'registry.fedoraproject.org'}`,
    '  registries:', `    - url: https://${stg ? CANDIDATE_STG : CANDIDATE}/v2`, '      insecure: false', '      auth:',
    '        cfg_path: /var/run/secrets/atomic-reactor/v2-registry-dockercfg', '',
    'osbs_reactor_config_maps:', '  - name: reactor-config-map', '    data: "{{ _osbs_reactor_config_map }}"'];
}

/** A Koji builder playbook: the builders log in to the candidate registry with the login-registry role. */
function builderPlaybook(c, allRoles) {
  return ['- name: Set up the koji builders', '  hosts: buildvm:buildvm_stg', '  user: root', '', '  roles:',
    ...[0, 1, 2].map(() => `    - ${c.r.pick(allRoles)}`), '    - koji_builder', '    # push built Flatpaks to the candidate registry',
    '    - role: login-registry', `      candidate_registry: "${CANDIDATE_JINJA}"`,
    '      candidate_registry_osbs_username: "{{ candidate_registry_osbs_username }}"',
    '      candidate_registry_osbs_password: "{{ candidate_registry_osbs_password }}"'];
}

function kojiTasks(c, handlers) {
  const out = tasksFile(c, c.r.int(8, 16), handlers, false);
  out.push('- name: configure the flatpak builder plugin', '  template: src=flatpak.conf dest=/etc/kojid/plugins/flatpak.conf',
    '  vars:', `    candidate_registry: "${CANDIDATE_JINJA}"`, '  notify:', '  - restart kojid', '  tags:', '  - koji_builder', '');
  out.push(...tasksFile(c, c.r.int(3, 8), handlers, false));
  return out;
}

function bodhiIni(c) {
  const out = ['# Values that are commented out are the defaults.', '[app:main]', 'use = egg:bodhi-server', ''];
  const section = (n) => {
    for (let i = 0; i < n; i++) {
      out.push(`# ${c.sentence(6, 16)}`, `# ${c.sentence(6, 16)}`);
      const key = `${c.word()}.${c.word()}_${c.word()}`;
      out.push(c.r.chance(0.5) ? `# ${key} = ${c.word()}` : `${key} = ${c.r.chance(0.4) ? c.jinja() : c.word()}`, '');
    }
  };
  section(120);
  out.push('##', '## Containers', '##', '',
    `# container.destination_registry = ${REGISTRY}`, `# container.source_registry = ${CANDIDATE}`,
    "{% if env == 'staging' %}", `container.destination_registry = ${REGISTRY_STG}`, `container.source_registry = ${CANDIDATE_STG}`,
    '{% else %}', `container.destination_registry = ${REGISTRY}`, `container.source_registry = ${CANDIDATE}`, '{% endif %}', '');
  section(200);
  return out;
}

function registryProxyConf(c) {
  return ['RewriteEngine on', '', 'RewriteRule ^/v2/latest/(.*) /v2/f38/$1 [R,L]', '',
    '{% if env == "staging" %}', 'RewriteRule ^/v2/(.*) /v2/fedora/$1', '{% endif %}', '',
    'RewriteRule ^/signatures/(.*) /srv/web/registry-signatures/$1 [L]', '',
    '<Directory /srv/web/registry-signatures>', '    Require all granted', '</Directory>', '',
    `RewriteRule ^/v2/(.*)/blobs/(.*) https://${REGISTRY_CDN}/v2/$1/blobs/$2 [R]`, '',
    '<Location /v2>', '  <Limit GET HEAD>', '    require all granted', '  </Limit>', '  <LimitExcept GET HEAD>',
    '    require valid-user', '  </LimitExcept>', '</Location>'];
}

function registryGenericConf(c) {
  return ['# Rules shared by every registry vhost', 'RequestHeader set X-Forwarded-Proto https early', 'ProxyPreserveHost On', '',
    '# Docker pushes go to the registry backend directly', 'RewriteCond %{REQUEST_METHOD} ^(PATCH|POST|PUT|DELETE)$',
    '{% if env == "production" %}', 'RewriteRule ^/v2/(.*)$ http://oci-registry02:5000/v2/$1 [P,L]', '{% else %}',
    'RewriteRule ^/v2/(.*)$ http://oci-registry01:5000/v2/$1 [P,L]', '{% endif %}', 'RewriteRule ^/v2/(.*)$ http://localhost:10048/v2/$1 [P,L]'];
}

/** Which vhost template serves which site: the link the recipe follows to find the registry's vhost. */
function reverseProxyPlaybook(c) {
  const out = ['# Reverse proxy rules on the proxies, one role entry per proxied site.', '- name: Set up the reverse proxy rules',
    '  hosts: proxies_stg:proxies', '  user: root', '', '  vars_files:', '  - /srv/web/infra/ansible/vars/global.yml', '', '  roles:'];
  const site = (website, destname, port) => out.push('', '  - role: httpd/reverseproxy', `    website: ${website}`,
    `    destname: ${destname}`, `    proxyurl: http://localhost:${port}`);
  for (let i = c.r.int(10, 40); i > 0; i--) {
    const svc = c.r.pick(SERVICES).replace(/[^a-z0-9]/g, '');
    site(c.r.chance(0.3) ? `${svc}{{ env_suffix }}.${DOMAIN}` : `${svc}.${DOMAIN}`, svc, c.r.int(10000, 10099));
    if (i === 7) {
      site(REGISTRY, 'registry-fedora', 10048);
      site(`registry-no-cdn.${DOMAIN}`, 'registry-fedora', 10048);
      site(CANDIDATE, 'registry-generic', 10054);
    }
  }
  return out;
}

function flatpakIndexerConfigMap(c) {
  const out = ['---', 'kind: ConfigMap', 'apiVersion: v1', 'metadata:', '  name: indexer-config', 'data:', '  config.yaml: |-',
    '    koji_config: fedora', `    odcs_uri: https://odcs{{ env_suffix }}.${DOMAIN}/`, '    deltas_dir: ${OUTPUT_DIR}/deltas/',
    "{% if env == 'staging' %}", `    deltas_uri: https://${REGISTRY_JINJA}/deltas/`, '{% else %}',
    `    deltas_uri: https://${REGISTRY_CDN}/deltas/`, '{% endif %}', '    registries:', '        fedora:',
    `            public_url: https://${REGISTRY}/`, '            datasource: fedora', '    indexes:'];
  for (const tag of ['latest', 'testing']) {
    out.push(`        ${tag}:`, `            output: \${OUTPUT_DIR}/fedora/flatpak-${tag}.json`, '            registry: fedora', `            tag: ${tag}`);
    out.push("{% for arch in ['amd64', 'arm64'] %}", `        ${tag}-{{ arch }}:`,
      `            output: \${OUTPUT_DIR}/fedora/flatpak-${tag}-{{ arch }}.json`, '            architecture: {{ arch }}', '{% endfor %}');
  }
  return out;
}

function osbsPlaybook(c) {
  return ['- name: Add dockercfg secret to allow registry push worker', '  hosts: osbs_masters_stg[0]:osbs_masters[0]', '  user: root',
    '  vars_files:', '    - /srv/web/infra/ansible/vars/global.yml', '    - "/srv/private/ansible/vars.yml"', '', '  pre_tasks:',
    '    - name: Create the dockercfg secret file', '      local_action: >', '        template',
    '        src="{{ files }}/osbs/dockercfg-{{ env }}-secret.j2"', '        dest="/tmp/.dockercfg{{ env }}"', '        mode=0400', '',
    '  roles:', '    - role: osbs-secret', '      osbs_secret_name: "v2-registry-dockercfg"', '      osbs_secret_type: kubernetes.io/dockercfg'];
}

// ---------------------------------------------------------------------------------------------
// Playbooks and inventory.

function playbook(c, roleNames, reg) {
  const r = c.r;
  const group = r.pick(SERVICES).replace(/[^a-z0-9]/g, '_');
  const out = [];
  if (r.chance(0.3)) out.push(`- import_playbook: "/srv/web/infra/ansible/playbooks/include/virt-create.yml myhosts=${group}:${group}_stg"`, '');
  out.push(`- name: make the box be real`, `  hosts: ${group}:${group}_stg`, '  user: root', `  gather_facts: ${r.pick(['True', 'False', 'yes'])}`, '');
  out.push('  vars_files:', '  - /srv/web/infra/ansible/vars/global.yml', '  - "/srv/private/ansible/vars.yml"',
    '  - /srv/web/infra/ansible/vars/{{ ansible_distribution }}.yml', '');
  if (reg) out.push('  vars:', c.registryLine('yaml', '    '), '');
  out.push('  roles:');
  for (let i = r.int(2, 9); i > 0; i--) {
    const role = r.pick(roleNames);
    if (r.chance(0.4)) out.push(`  - { role: ${role}, tags: ['${role.split('/')[0]}'] }`);
    else if (r.chance(0.3)) out.push(`  - role: ${role}`, `    when: env == "${r.pick(['staging', 'production'])}"`);
    else out.push(`  - ${role}`);
  }
  out.push('', '  pre_tasks:', '  - import_tasks: "{{ tasks_path }}/yumrepos.yml"', '', '  tasks:');
  for (let i = r.int(0, 4); i > 0; i--) task(c, out, '  ', []);
  out.push('  handlers:', '  - import_tasks: "{{ handlers_path }}/restart_services.yml"');
  return out;
}

function hostVars(c, fqdn, reg) {
  const r = c.r;
  const out = ['---'];
  out.push(`nm: 255.255.255.0`, `gw: 10.3.${r.int(160, 175)}.254`, `dns: 10.3.163.33`,
    `ks_url: http://{{ ks_server }}/repo/rhel/ks/kvm-fedora-${r.int(36, 39)}`,
    `ks_repo: http://{{ ks_server }}/pub/fedora/releases/${r.int(36, 39)}/Server/x86_64/os/`,
    `volgroup: /dev/vg_guests`, `eth0_ipv4_ip: 10.3.${r.int(160, 175)}.${r.int(2, 250)}`, `vmhost: ${c.host('virthost')}`,
    `datacenter: ${r.pick(DATACENTERS)}`, `mem_size: ${r.pick([4096, 8192, 16384, 32768])}`, `num_cpus: ${r.int(1, 16)}`,
    `lvm_size: ${r.int(20, 400)}000`);
  if (r.chance(0.3)) out.push(`# ${fqdn} ${c.sentence()}`);
  if (r.chance(0.5)) mapping(c, out, '', r.int(1, 6), 1);
  if (reg) out.push(c.registryLine('yaml'));
  return out;
}

function inventoryIni(c, groups, hosts) {
  const out = [`# ${c.sentence()}`, ''];
  let h = 0;
  for (const g of groups) {
    out.push(`[${g}]`);
    for (let i = c.r.int(1, 6); i > 0 && h < hosts.length; i--) out.push(hosts[h++]);
    out.push('');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text post-processing: the oddities real repositories contain.

function finish(c, lines) {
  const r = c.r;
  let text = lines.join('\n');
  if (!r.chance(0.02)) text += '\n'; // a few files lack the final newline
  if (r.chance(0.003)) text = text.replace(/\n/g, '\r\n');
  if (r.chance(0.002)) text = '\uFEFF' + text;
  if (r.chance(0.03)) text = text.replace(/\n/, '   \n'); // trailing whitespace
  if (r.chance(0.001)) {
    // a stray latin-1 byte in a comment: not valid UTF-8
    return Buffer.concat([Buffer.from(`# caf`, 'latin1'), Buffer.from([0xe9]), Buffer.from('\n' + text)]);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Tree layout.

function uniqueRoleNames(c, n) {
  const names = [];
  const used = new Set(['koji_builder', 'bodhi2/base', 'httpd/reverseproxy', 'openshift-apps/flatpak-indexer']);
  while (names.length < n) {
    let name = c.r.chance(0.15) ? `openshift-apps/${c.r.pick(SERVICES)}` : c.r.pick(SERVICES) + c.r.pick(SUFFIXES);
    if (used.has(name)) name = `${name}${c.r.int(2, 999)}`;
    if (used.has(name)) continue;
    used.add(name);
    names.push(name);
  }
  return names;
}

/**
 * The entries of one tree, in generation order: `{ path, data }` for files (string or Buffer),
 * `{ path, link }` for symlinks. Exactly `size` entries.
 */
export function* treeEntries(size, seed = DEFAULT_SEED, padMb = 0) {
  checkSize(size);
  checkPad(padMb);
  const c = new Ctx(`${seed}/${size}`);
  const r = c.r;
  const used = new Set();
  let count = 0;
  const reg = () => r.chance(REGISTRY_DENSITY);
  /** Claims a unique path (appending -2, -3... on collision). */
  const claim = (path) => {
    let p = path;
    for (let i = 2; used.has(p); i++) p = path.replace(/(\.[^./]+)?$/, `-${i}$1`);
    used.add(p);
    count++;
    return p;
  };
  const file = (path, content) => ({ path: claim(path), data: Array.isArray(content) ? finish(c, content) : content });

  const bigFactor = Math.max(1, Math.round(size / 5000));
  const nRoles = Math.max(8, Math.round(size / 17));
  const roleNames = uniqueRoleNames(c, nRoles);
  const allRoles = [...roleNames, 'koji_builder', 'bodhi2/base', 'httpd/reverseproxy', 'openshift-apps/flatpak-indexer'];

  // Top level.
  yield file('ansible.cfg', ['[defaults]', 'inventory = inventory/inventory', 'roles_path = roles', 'forks = 50', '',
    '[ssh_connection]', 'pipelining = True']);
  yield file('README', [c.sentence(10, 20), '', c.sentence(10, 20)]);

  // The recipe's targets.
  yield file('files/osbs/dockercfg-production-secret.j2', dockercfg(c, 'production'));
  yield file('files/osbs/dockercfg-staging-secret.j2', dockercfg(c, 'staging'));
  yield file('playbooks/groups/osbs/setup-worker-namespace.yml', osbsPlaybook(c));
  yield file('inventory/group_vars/osbs_masters', osbsReactorConfig(c, 'production'));
  yield file('inventory/group_vars/osbs_masters_stg', osbsReactorConfig(c, 'staging'));
  yield file('playbooks/groups/buildvm.yml', builderPlaybook(c, allRoles));
  const kojiHandlers = ['restart kojid', 'reload httpd'];
  yield file('roles/koji_builder/tasks/main.yml', kojiTasks(c, kojiHandlers));
  yield file('roles/koji_builder/handlers/main.yml', handlersFile(c, kojiHandlers));
  yield file('roles/koji_builder/templates/flatpak.conf', kojiFlatpakConf());
  yield file('roles/bodhi2/base/templates/production.ini.j2', bodhiIni(c));
  yield file('roles/bodhi2/base/tasks/main.yml', tasksFile(c, 12, [], false));
  yield file('roles/httpd/reverseproxy/templates/reversepassproxy.registry-fedora.conf', registryProxyConf(c));
  yield file('roles/httpd/reverseproxy/templates/reversepassproxy.registry-generic.conf', registryGenericConf(c));
  yield file('roles/httpd/reverseproxy/tasks/main.yml', tasksFile(c, 6, [], false));
  yield file('playbooks/include/proxies-reverseproxy.yml', reverseProxyPlaybook(c));
  yield file('roles/openshift-apps/flatpak-indexer/templates/configmap.yml', flatpakIndexerConfigMap(c));
  yield file('roles/openshift-apps/flatpak-indexer/templates/deploymentconfig.yml', k8sTemplate(c, 'flatpak-indexer', true));

  // Big files (the real repository carries some multi-megabyte blobs).
  for (let i = 0; i < bigFactor; i++) {
    yield file(`files/fonts/${c.word()}-${i}.ttf`, binaryBlob(c, r.int(1_500_000, 2_500_000), 'png'));
    yield file(`files/archives/${c.word()}-${i}.tar.gz`, binaryBlob(c, r.int(2_000_000, 3_000_000), 'gz'));
    yield file(`files/rpms/${c.word()}-${i}.noarch.rpm`, binaryBlob(c, r.int(3_000_000, 4_500_000), 'gz'));
    const entries = [];
    for (let k = r.int(12000, 16000); k > 0; k--) entries.push(`  "${c.host()}": {"arch": "${r.pick(['x86_64', 'aarch64', 'ppc64le', 's390x'])}", "slots": ${r.int(1, 64)}}`);
    yield file(`files/${c.word()}/hosts-${i}.json`, ['{', entries.join(',\n'), '}']);
    yield file(`roles/mirrormanager/files/mirrors-${i}.yml`, varsFile(c, r.int(2500, 3500), false));
    yield file(`files/${c.word()}/changelog-${i}.txt`, Array.from({ length: r.int(15000, 20000) }, () => c.sentence(6, 16)));
  }

  // Inventory.
  const nHostVars = Math.round(size * 0.15);
  const nGroupVars = Math.round(size * 0.035);
  const hosts = [];
  for (let i = 0; i < nHostVars; i++) hosts.push(c.host());
  const groups = [];
  for (let i = 0; i < nGroupVars; i++) groups.push(`${r.pick(SERVICES).replace(/[^a-z0-9]/g, '_')}${r.pick(['', '_stg', '_aarch64', '_backend'])}`);
  yield file('inventory/inventory', inventoryIni(c, groups, hosts));
  // The environment variables templates branch on (`{% if env == 'staging' %}`), as the real inventory sets them.
  yield file('inventory/group_vars/all', ['---', 'env: production', 'env_prefix: ""', 'env_short: prod', 'env_suffix: ""',
    ...varsFile(c, 400, false).slice(1)]);
  yield file('inventory/group_vars/staging', ['---', '# Overrides for every host in staging', 'env: staging', 'env_prefix: stg.',
    'env_short: stg', 'env_suffix: .stg', ...varsFile(c, 30, false).slice(1)]);
  for (const g of groups) yield file(`inventory/group_vars/${g}`, varsFile(c, r.int(5, 60), reg()));
  for (const h of hosts) yield file(`inventory/host_vars/${h}`, hostVars(c, h, reg()));

  // Playbooks.
  const nPlaybooks = Math.round(size * 0.08);
  for (let i = 0; i < nPlaybooks; i++) {
    const dir = r.pick(['groups', 'groups', 'hosts', 'manual', 'openshift-apps']);
    const name = dir === 'hosts' ? `${r.pick(hosts)}.yml` : `${r.pick(SERVICES).replace('/', '-')}${r.chance(0.5) ? '' : '-' + c.word()}.yml`;
    yield file(`playbooks/${dir}/${name}`, playbook(c, allRoles, reg()));
  }

  // Top-level files/.
  const nTopFiles = Math.round(size * 0.06);
  for (let i = 0; i < nTopFiles; i++) {
    const area = r.pick(SERVICES).replace('/', '-');
    yield* otherFile(c, `files/${area}`, reg(), file);
  }

  // Symlinks: one to a file inside the tree, one dangling.
  yield { path: claim('files/osbs/dockercfg-prod.j2'), link: 'dockercfg-production-secret.j2' };
  yield { path: claim('files/legacy/current-release'), link: '../releases/2019/release.conf' };

  // Roles fill the remaining budget.
  for (const role of roleNames) {
    if (count >= size) break;
    yield* roleFiles(c, role, allRoles, size - count, reg, file);
  }
  let extra = 0;
  while (count < size) {
    // Budget left over after every role got its files: more role templates, spread over roles.
    const role = roleNames[extra++ % roleNames.length];
    yield* otherFile(c, `roles/${role}/templates`, reg(), file);
  }
  // Padding comes last, from its own PRNG stream: the files above are the unpadded tree's, byte for byte.
  if (padMb > 0) yield* paddingFiles(new Ctx(`${seed}/${size}/pad${padMb}`), padMb * 1_000_000, file);
}

/**
 * Large plain-text files (documentation pages, scripts, changelogs, style sheets) adding up to
 * `bytes`: what makes a real repository's byte volume (the public Fedora one carries 69 MB in
 * ~4,800 files, four times the 5,000-file synthetic tree). They are data a search must read and
 * no Ansible tool parses; a few name registry hosts in prose, as real documentation does.
 */
function* paddingFiles(c, bytes, file) {
  const r = c.r;
  const kinds = [
    ['html', (s) => `<p>${s}</p>`],
    ['py', (s) => `    # ${s}`],
    ['txt', (s) => s],
    ['css', (s) => `.${c.word()} { content: "${s}"; }`],
    ['js', (s) => `  // ${s}`],
  ];
  let total = 0;
  for (let i = 0; total < bytes; i++) {
    const [ext, line] = r.pick(kinds);
    const lines = [];
    let size = 0;
    const target = r.int(60_000, 220_000);
    while (size < target) {
      let s = c.sentence(8, 18);
      if (r.chance(0.02)) s += ` (see https://${c.host()}/)`;
      if (r.chance(0.0004)) s += ` Images are pulled from ${r.pick([REGISTRY, CANDIDATE])}.`;
      const l = line(s);
      lines.push(l);
      size += l.length + 1;
    }
    const entry = file(`files/${r.pick(SERVICES).replace('/', '-')}/docs/${c.word()}-${i}.${ext}`, lines);
    total += Buffer.byteLength(entry.data);
    yield entry;
  }
}

function checkPad(padMb) {
  if (!Number.isInteger(padMb) || padMb < 0) throw new Error(`padding must be a whole number of MB, got ${padMb}`);
}

/** Below 200 files the fixed part of the layout (targets, inventory, big files) no longer fits. */
function checkSize(size) {
  if (!Number.isInteger(size) || size < 200) throw new Error(`size must be an integer >= 200, got ${size}`);
}

function* otherFile(c, dir, reg, file) {
  const r = c.r;
  const w = `${c.word()}${r.chance(0.5) ? '-' + c.word() : ''}`;
  switch (r.int(0, 15)) {
    case 0: case 1: yield file(`${dir}/${w}.sh`, shellScript(c, reg)); break;
    case 2: yield file(`${dir}/${w}.py`, pythonScript(c)); break;
    case 3: case 4: yield file(`${dir}/${w}.conf`, apacheConf(c, reg)); break;
    case 5: case 6: yield file(`${dir}/${w}.cfg`, plainConf(c)); break;
    case 7: yield file(`${dir}/${w}.ini.j2`, iniFile(c, reg)); break;
    case 8: yield file(`${dir}/${w}.json.j2`, jsonTemplate(c, reg)); break;
    case 9: yield file(`${dir}/${w}.pem`, pemLike(c)); break;
    case 10: yield file(`${dir}/${w}.png`, binaryBlob(c, r.int(200, 40000), 'png')); break;
    case 11: yield file(`${dir}/${w}.yml`, varsFile(c, r.int(3, 30), reg)); break;
    case 12: yield file(`${dir}/${w}.yml.j2`, configMapTemplate(c, w, reg)); break;
    case 13: yield file(`${dir}/${w}.conf.j2`, apacheConf(c, reg)); break;
    case 14:
      // Few files in an infrastructure repository are Dockerfiles; most of this slot is a unit file.
      if (r.chance(0.2)) yield file(`${dir}/Dockerfile.${w}`, dockerfile(c));
      else yield file(`${dir}/${w}.service`, plainConf(c));
      break;
    default: yield file(`${dir}/${w}.repo`, iniFile(c, false));
  }
}

function* roleFiles(c, role, allRoles, budget, reg, file) {
  const r = c.r;
  const base = `roles/${role}`;
  const handlers = [];
  for (let i = r.int(0, 3); i > 0; i--) handlers.push(`restart ${c.word()}`);
  const planned = [];
  planned.push(() => file(`${base}/tasks/main.yml`, tasksFile(c, r.int(3, 25), handlers, reg())));
  for (let i = r.int(0, 4); i > 0; i--) planned.push(() => file(`${base}/tasks/${c.word()}.yml`, tasksFile(c, r.int(2, 12), handlers, reg())));
  if (handlers.length) planned.push(() => file(`${base}/handlers/main.yml`, handlersFile(c, handlers)));
  if (r.chance(0.7)) planned.push(() => file(`${base}/defaults/main.yml`, varsFile(c, r.int(3, 40), reg())));
  if (r.chance(0.3)) planned.push(() => file(`${base}/vars/main.yml`, varsFile(c, r.int(2, 20), reg())));
  if (r.chance(0.5)) planned.push(() => file(`${base}/meta/main.yml`, metaFile(c, allRoles)));
  const isApp = role.startsWith('openshift-apps/');
  for (let i = r.int(isApp ? 3 : 0, isApp ? 8 : 7); i > 0; i--) {
    planned.push(() => {
      const name = role.split('/').pop();
      if (isApp) return r.chance(0.5) ? file(`${base}/templates/${c.word()}.yml`, configMapTemplate(c, name, reg()))
        : file(`${base}/templates/${c.word()}.yml`, k8sTemplate(c, name, reg()));
      const w = c.word();
      switch (r.int(0, 4)) {
        case 0: return file(`${base}/templates/${w}.conf.j2`, apacheConf(c, reg()));
        case 1: return file(`${base}/templates/${w}.ini.j2`, iniFile(c, reg()));
        case 2: return file(`${base}/templates/${w}.json.j2`, jsonTemplate(c, reg()));
        case 3: return file(`${base}/templates/${w}.cfg.j2`, plainConf(c));
        default: return file(`${base}/templates/${w}.sh.j2`, shellScript(c, reg()));
      }
    });
  }
  const nFiles = r.int(0, 6);
  for (let i = 0; i < nFiles; i++) planned.push('files');
  for (let i = 0; i < planned.length && i < budget; i++) {
    const p = planned[i];
    if (p === 'files') yield* otherFile(c, `${base}/files`, reg(), file);
    else yield p();
  }
}

// ---------------------------------------------------------------------------------------------
// Writing, caching, verifying.

let sourceHash;
/** Hash of this generator's source, part of the cache key so edits invalidate old trees. */
function generatorHash() {
  sourceHash ??= createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex').slice(0, 10);
  return sourceHash;
}

/** The directory a tree of this size and seed lives in. */
export function treeDir(size, seed = DEFAULT_SEED, padMb = 0) {
  const seedTag = createHash('sha256').update(seed).digest('hex').slice(0, 6);
  return join(TREES_DIR, `ansible-${size}${padMb ? `+${padMb}MB` : ''}-${seedTag}-${generatorHash()}`);
}

function digestEntry(hash, e) {
  hash.update(e.path);
  hash.update('\0');
  if (e.link !== undefined) hash.update(`-> ${e.link}`);
  else hash.update(e.data);
  hash.update('\0');
}

/**
 * Makes sure the tree for (size, seed) exists, generating it if needed; the stamp file next to
 * the tree is written last, so an interrupted generation is redone.
 *
 * @example
 *   const { dir, files, bytes, generated } = ensureTree({ size: 5000 });
 */
export function ensureTree({ size, seed = DEFAULT_SEED, padMb = 0, force = false, log = () => {} }) {
  checkSize(size);
  checkPad(padMb);
  const dir = treeDir(size, seed, padMb);
  const stampPath = `${dir}.json`;
  if (!force && existsSync(stampPath) && existsSync(dir)) {
    return { ...JSON.parse(readFileSync(stampPath, 'utf8')), dir, generated: false };
  }
  mkdirSync(TREES_DIR, { recursive: true });
  // Trees of the same size and seed from earlier generator versions would only fill the disk.
  const prefix = dir.slice(0, dir.lastIndexOf('-') + 1);
  for (const name of readdirSync(TREES_DIR)) {
    const abs = join(TREES_DIR, name);
    if (abs.startsWith(prefix) && abs !== dir && abs !== stampPath) {
      rmSync(abs, { recursive: true, force: true });
    }
  }
  rmSync(stampPath, { force: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  log(`generating ${size} files into ${dir} ...`);
  const t0 = performance.now();
  const hash = createHash('sha256');
  const madeDirs = new Set();
  let files = 0;
  let bytes = 0;
  let registryFiles = 0;
  for (const e of treeEntries(size, seed, padMb)) {
    const abs = join(tmp, e.path);
    const parent = dirname(abs);
    if (!madeDirs.has(parent)) {
      mkdirSync(parent, { recursive: true });
      madeDirs.add(parent);
    }
    if (e.link !== undefined) symlinkSync(e.link, abs);
    else {
      writeFileSync(abs, e.data);
      bytes += typeof e.data === 'string' ? Buffer.byteLength(e.data) : e.data.length;
      if (e.data.includes('registry') && /registry(\.stg|\{\{ env_suffix \}\})?\.fedoraproject\.org/.test(e.data.toString('latin1'))) registryFiles++;
    }
    digestEntry(hash, e);
    files++;
  }
  renameSync(tmp, dir);
  const stamp = { size, seed, generator: generatorHash(), files, bytes, registryFiles, digest: hash.digest('hex'), ms: Math.round(performance.now() - t0) };
  writeFileSync(stampPath, JSON.stringify(stamp, null, 2) + '\n');
  return { ...stamp, dir, generated: true };
}

/**
 * Regenerates the tree in memory and compares every entry with what is on disk: proves the
 * generator is deterministic (byte for byte) and the cached tree was not touched.
 *
 * @example
 *   verifyTree({ size: 5000 }); // => { ok: true, mismatches: [] }
 */
export function verifyTree({ size, seed = DEFAULT_SEED, padMb = 0 }) {
  const dir = treeDir(size, seed, padMb);
  const mismatches = [];
  const hash = createHash('sha256');
  for (const e of treeEntries(size, seed, padMb)) {
    const abs = join(dir, e.path);
    try {
      if (e.link !== undefined) {
        if (readlinkSync(abs) !== e.link) mismatches.push(e.path);
      } else if (!readFileSync(abs).equals(typeof e.data === 'string' ? Buffer.from(e.data) : e.data)) mismatches.push(e.path);
    } catch {
      mismatches.push(e.path);
    }
    digestEntry(hash, e);
  }
  const stampPath = `${dir}.json`;
  const stamp = existsSync(stampPath) ? JSON.parse(readFileSync(stampPath, 'utf8')) : undefined;
  const digest = hash.digest('hex');
  return { ok: mismatches.length === 0 && stamp?.digest === digest, digest, stampDigest: stamp?.digest, mismatches: mismatches.slice(0, 20) };
}

function parseArgs(argv) {
  const opts = { sizes: DEFAULT_SIZES.map((size) => ({ size, padMb: 0 })), seed: DEFAULT_SEED, force: false, verify: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sizes') opts.sizes = String(argv[++i]).split(',').map(parseTreeSpec);
    else if (a === '--seed') opts.seed = String(argv[++i]);
    else if (a === '--force') opts.force = true;
    else if (a === '--verify') opts.verify = true;
    else if (a === '--quick') opts.sizes = [{ size: 5000, padMb: 0 }];
    else throw new Error(`unknown option ${a} (use --sizes 5000,5000+52,50000 --seed S --force --verify --quick)`);
  }
  return opts;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  let failed = false;
  for (const { size, padMb } of opts.sizes) {
    const t = ensureTree({ size, padMb, seed: opts.seed, force: opts.force, log: (m) => console.error(m) });
    const mb = (t.bytes / 1e6).toFixed(1);
    console.log(`${t.generated ? 'generated' : 'cached   '} ${t.dir}: ${t.files} entries, ${mb} MB, ` +
      `${t.registryFiles} files with registry references, digest ${t.digest.slice(0, 16)}${t.generated ? `, ${t.ms} ms` : ''}`);
    if (opts.verify) {
      const v = verifyTree({ size, padMb, seed: opts.seed });
      console.log(`verify ${size}${padMb ? `+${padMb}MB` : ''}: ${v.ok ? 'identical, byte for byte' : `MISMATCH ${JSON.stringify(v)}`}`);
      failed ||= !v.ok;
    }
  }
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main();
  } catch (e) {
    console.error(`generate: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 2;
  }
}
