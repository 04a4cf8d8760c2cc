/**
 * Pagure: the branch is pushed to the user's fork, then the pull request is created with
 * `POST /api/0/<repo>/pull-request/new` (pagure's API 0). The token is read from the
 * environment by the caller and only ever put in the Authorization header, never printed.
 */
import { AnsimodError } from '@ansimod/core';

/** Where the pull request goes and where it comes from. */
export interface PagurePullRequest {
  /** The pagure instance, e.g. `https://pagure.io`. */
  url: string;
  /** The target project, `[namespace/]name` (e.g. `fedora-infra/ansible`). */
  repo: string;
  /** The fork's owner; the fork is `fork/<user>/<repo>` on the same instance. */
  forkUser: string;
  branchFrom: string;
  branchTo: string;
  title: string;
  initialComment: string;
}

/** The request, with the token left out (what `--dry-run` prints). */
export interface PagureRequest {
  method: 'POST';
  url: string;
  /** Form fields, in order. */
  fields: Array<[string, string]>;
}

/**
 * The API request that creates the pull request from the fork.
 *
 * @example
 * pagureRequest({ url: 'https://pagure.io', repo: 'fedora-infra/ansible', forkUser: 'ada', branchFrom: 'x', branchTo: 'main', title: 'T', initialComment: 'D' }).url;
 * // => 'https://pagure.io/api/0/fedora-infra/ansible/pull-request/new'
 */
export function pagureRequest(p: PagurePullRequest): PagureRequest {
  const parts = p.repo.split('/').filter(Boolean);
  const name = parts[parts.length - 1];
  if (!name || parts.length > 2) throw new AnsimodError({ code: 'INVALID_OPTION', message: `--pagure-repo expects [namespace/]name, got "${p.repo}"` });
  const namespace = parts.length === 2 ? parts[0] : undefined;
  const fields: Array<[string, string]> = [
    ['title', p.title],
    ['branch_to', p.branchTo],
    ['branch_from', p.branchFrom],
    ['repo_from', name],
    ['repo_from_username', p.forkUser],
    ...(namespace ? ([['repo_from_namespace', namespace]] as Array<[string, string]>) : []),
    ['initial_comment', p.initialComment],
  ];
  return { method: 'POST', url: `${p.url.replace(/\/+$/, '')}/api/0/${parts.map(encodeURIComponent).join('/')}/pull-request/new`, fields };
}

/**
 * The request as `--dry-run` prints it: method and URL, the auth header naming the variable
 * (never its value), and the form fields one per line.
 *
 * @example
 * describePagureRequest(request, 'PAGURE_TOKEN').split('\n')[0]; // => 'POST https://pagure.io/api/0/…/pull-request/new'
 */
export function describePagureRequest(r: PagureRequest, tokenVariable: string): string {
  return [
    `${r.method} ${r.url}`,
    `Authorization: token $${tokenVariable}`,
    'Content-Type: application/x-www-form-urlencoded',
    '',
    ...r.fields.map(([k, v]) => `${k}=${JSON.stringify(v)}`),
  ].join('\n');
}

/**
 * Sends the request; resolves to the new pull request's URL (or id) from pagure's answer. A
 * refusal or an unreachable server is an AnsimodError with one line: pagure's own message.
 *
 * @example
 * const where = await sendPagureRequest(request, process.env.PAGURE_TOKEN!);
 */
export async function sendPagureRequest(r: PagureRequest, token: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(r.url, {
      method: r.method,
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(r.fields).toString(),
      redirect: 'error',
    });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new AnsimodError({ code: 'FORGE_FAILED', message: `cannot reach pagure at ${new URL(r.url).origin}: ${cause ?? (e instanceof Error ? e.message : String(e))}` });
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = {};
  }
  if (!res.ok) {
    const why = [body['error'], body['errors'] ? JSON.stringify(body['errors']) : undefined].filter(Boolean).join(' ') || text.split('\n')[0] || res.statusText;
    throw new AnsimodError({ code: 'FORGE_FAILED', message: `pagure refused the pull request (HTTP ${res.status}): ${String(why).replace(/\s+/g, ' ').slice(0, 300)}` });
  }
  const id = body['id'];
  const project = body['project'] as { fullname?: string; url_path?: string } | undefined;
  if (typeof id === 'number' && project?.url_path) return `${new URL(r.url).origin}/${project.url_path}/pull-request/${id}`;
  return typeof id === 'number' ? `pull request #${id}` : 'pull request created';
}
