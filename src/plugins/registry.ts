import { AppError, type FieldIssue } from '../domain/errors.ts';
import type { ComponentCategory } from '../domain/task.ts';
import { compileJsonSchema } from '../domain/validation.ts';
import type { ComponentKind } from './component-kind.ts';

interface RegisteredKind {
  definition: ComponentKind;
  checkConfig: (config: unknown, path: string) => FieldIssue[];
}

/** The component kinds this server knows, by category; filled by the built-ins and plugins. */
export class ComponentRegistry {
  readonly #kinds = new Map<string, RegisteredKind>();

  register(definition: ComponentKind): void {
    const key = `${definition.category}:${definition.kind}`;
    if (this.#kinds.has(key)) {
      throw new Error(`The ${definition.category} kind '${definition.kind}' is registered twice`);
    }
    this.#kinds.set(key, { definition, checkConfig: compileJsonSchema(definition.configSchema) });
  }

  get<C extends ComponentCategory>(
    category: C,
    kind: string,
  ): Extract<ComponentKind, { category: C }> | undefined {
    return this.#kinds.get(`${category}:${kind}`)?.definition as
      Extract<ComponentKind, { category: C }> | undefined;
  }

  list(category?: ComponentCategory): ComponentKind[] {
    return [...this.#kinds.values()]
      .map((entry) => entry.definition)
      .filter((definition) => category === undefined || definition.category === category);
  }

  /** Issues with a component's config, or UNKNOWN_COMPONENT_KIND naming the kind. */
  checkComponent(
    category: ComponentCategory,
    kind: string,
    config: unknown,
    path: string,
    timezone: string,
  ): FieldIssue[] {
    const entry = this.#kinds.get(`${category}:${kind}`);
    if (!entry) {
      const known = this.list(category).map((definition) => definition.kind);
      throw new AppError(
        'UNKNOWN_COMPONENT_KIND',
        `Unknown ${category} kind '${kind}' at ${path}/kind; known: ${known.join(', ') || 'none'}`,
        { issues: [{ path: `${path}/kind`, message: `unknown ${category} kind '${kind}'` }] },
      );
    }
    const issues = entry.checkConfig(config, `${path}/config`);
    if (issues.length > 0 || !entry.definition.check) return issues;
    return entry.definition.check(config, `${path}/config`, timezone);
  }
}
