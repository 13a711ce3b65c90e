import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { WEB_ROOT } from '../../src/http/web-ui.ts';
import type { MatrixIds } from './matrix-decisions.ts';

/** The route of the built UI's files (dist/web/assets, served by path). */
export const UI_FILE_KEY = 'GET /assets/*';

/** One operation of the OpenAPI document. */
export interface DocumentedRoute {
  key: string;
  method: string;
  path: string;
  operation: OpenApiOperation;
}

/** The parts of an OpenAPI operation the tests read. */
export interface OpenApiOperation {
  security?: unknown[];
  parameters?: Array<{ in: string; name: string; schema?: unknown; required?: boolean }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** The files of the built UI's assets as URL paths, e.g. /assets/index-abc.js. */
export function uiFiles(): string[] {
  const assets = join(WEB_ROOT, 'assets');
  if (!existsSync(assets)) return [];
  return readdirSync(assets, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(assets, name)).isFile())
    .map((name) => `/assets/${name.split('\\').join('/')}`);
}

/**
 * Reads Fastify's route tree (printRoutes) into full paths with their methods. The tree splits
 * paths at common prefixes ("a" above "pi/" and "ssets/"), so a path is its parts joined; the
 * tree without them (commonPrefix: false) loses the prefix of a wildcard route.
 */
function routeTree(app: FastifyInstance): Array<{ path: string; methods: string[] }> {
  const found: Array<{ path: string; methods: string[] }> = [];
  const stack: string[] = [];
  for (const line of app.printRoutes().split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = `${depth === 0 ? '' : stack[depth - 1]}${match[2] ?? ''}`;
    stack[depth] = path;
    stack.length = depth + 1;
    if (match[3]) found.push({ path, methods: match[3].split(', ') });
  }
  return found;
}

/**
 * Every `METHOD path` the app routes, in OpenAPI path syntax ({id}); HEAD only where it is
 * not the twin Fastify adds to a GET.
 */
export function appRoutes(app: FastifyInstance): string[] {
  const keys = new Set<string>();
  for (const { path, methods } of routeTree(app)) {
    const openApiPath = path.replace(/:(\w+)/g, '{$1}');
    for (const method of methods) {
      if (method === 'HEAD' && methods.includes('GET')) continue;
      keys.add(`${method} ${openApiPath}`);
    }
  }
  return [...keys].sort();
}

/** Every operation of an OpenAPI document, keyed `METHOD path`. */
export function documentedRoutes(document: {
  paths: Record<string, Record<string, OpenApiOperation>>;
}): DocumentedRoute[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        operation,
      })),
  );
}

/** Which id fills which path parameter, by the resource the path is under. */
const PARAMETER_IDS: Record<string, (ids: MatrixIds) => string> = {
  'tasks {id}': (ids) => ids.task,
  'runs {id}': (ids) => ids.run,
  'runs {artifactId}': (ids) => ids.artifact,
  'tokens {id}': (ids) => ids.token,
  'users {id}': (ids) => ids.user,
  'groups {id}': (ids) => ids.group,
  'data-sources {id}': (ids) => ids.dataSource,
  'outbox {id}': (ids) => ids.message,
  'hooks {token}': (ids) => ids.hook,
};

/**
 * A path with its parameters filled from the ids (one of them replaced, if given); throws
 * for a parameter no id is known for, so a new kind of object gets one here.
 */
export function filledPath(
  path: string,
  ids: MatrixIds,
  replace?: { parameter: string; value: string },
): string {
  const resource = /^\/(?:api\/v1\/)?([a-z-]+)\//.exec(path)?.[1] ?? '';
  return path.replace(/\{\w+\}/g, (parameter) => {
    if (replace?.parameter === parameter) return replace.value;
    const fill = PARAMETER_IDS[`${resource} ${parameter}`];
    if (!fill) throw new Error(`no id for ${parameter} in ${path}: add one to PARAMETER_IDS`);
    return fill(ids);
  });
}
