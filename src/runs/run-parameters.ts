import { validationError, type FieldIssue } from '../domain/errors.ts';
import { isReservedName, PARAMETER_NAME_PATTERN } from '../domain/placeholders.ts';

const PARAMETER_NAME = new RegExp(PARAMETER_NAME_PATTERN);
const MAX_PARAMETERS = 100;
const MAX_VALUE_CHARS = 10_000;

/** Run parameters become placeholders: at most 100 plain names with text values. */
export function checkParameters(parameters: Record<string, string>): void {
  const names = Object.keys(parameters);
  const issues: FieldIssue[] = names.flatMap((name) => {
    if (isReservedName(name)) {
      const message =
        'is a built-in placeholder: names under task., run., job. and trigger. are the server’s';
      return [{ path: `/parameters/${name}`, message }];
    }
    if (!PARAMETER_NAME.test(name))
      return [{ path: `/parameters/${name}`, message: 'must be a name of letters, digits, _ . -' }];
    if ((parameters[name] ?? '').length > MAX_VALUE_CHARS)
      return [{ path: `/parameters/${name}`, message: `at most ${MAX_VALUE_CHARS} characters` }];
    return [];
  });
  if (names.length > MAX_PARAMETERS)
    issues.push({ path: '/parameters', message: `at most ${MAX_PARAMETERS} parameters` });
  if (issues.length > 0) throw validationError(issues);
}
