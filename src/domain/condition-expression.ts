/**
 * A job's condition as an expression over the outputs the job published, e.g.
 * `rows > 0 and status == 200`: comparisons of names, numbers, quoted strings, true and false,
 * combined with and, or, not and parentheses. Parsed by hand into a tree and evaluated by
 * walking it: no eval, no property access beyond the outputs' own names.
 *
 *   expression := and ('or' and)*
 *   and        := unary ('and' unary)*
 *   unary      := 'not' unary | '(' expression ')' | comparison
 *   comparison := operand ('==' | '!=' | '<' | '<=' | '>' | '>=') operand
 *   operand    := name | number | string | 'true' | 'false'
 */
import type { FieldIssue } from './errors.ts';

/** The longest expression accepted, in characters. */
export const MAX_CONDITION_LENGTH = 500;

/** How deeply parentheses and `not` may nest. */
export const MAX_CONDITION_DEPTH = 20;

/** A value a job publishes with output(). */
export type OutputValue = string | number | boolean;

const COMPARISONS = ['==', '!=', '<=', '>=', '<', '>'] as const;
type Comparison = (typeof COMPARISONS)[number];

/** A side of a comparison: an output's name or a literal. */
type Operand = { name: string } | { value: OutputValue };

/** A node of a parsed expression. */
type ConditionNode =
  | { kind: 'compare'; operator: Comparison; left: Operand; right: Operand }
  | { kind: 'and' | 'or'; items: ConditionNode[] }
  | { kind: 'not'; item: ConditionNode };

/** A parsed condition: its tree and the output names it reads. */
export interface ParsedCondition {
  readonly source: string;
  readonly root: ConditionNode;
  readonly names: readonly string[];
}

/** An expression that does not parse; the message says what is wrong and where. */
export class ConditionSyntaxError extends Error {}

type TokenType =
  'name' | 'number' | 'string' | 'boolean' | 'compare' | 'and' | 'or' | 'not' | '(' | ')' | 'end';

interface Token {
  type: TokenType;
  /** As written (for messages). */
  text: string;
  /** The literal's value, for numbers, strings and booleans. */
  value?: OutputValue;
  /** 1-based character position. */
  at: number;
}

/** A Map, not an object: a name such as constructor must not find Object.prototype's. */
const KEYWORDS: ReadonlyMap<string, TokenType> = new Map([
  ['and', 'and'],
  ['or', 'or'],
  ['not', 'not'],
  ['true', 'boolean'],
  ['false', 'boolean'],
]);

/** Operators of other languages, and what to write instead. */
const FOREIGN: ReadonlyArray<[string, string]> = [
  ['&&', "use 'and' instead of '&&'"],
  ['||', "use 'or' instead of '||'"],
  ['===', "use '==' instead of '==='"],
  ['!==', "use '!=' instead of '!=='"],
  ['<>', "use '!=' instead of '<>'"],
  ['!', "use 'not' instead of '!'"],
  ['=', "use '==' to compare"],
];

const NAME = /[A-Za-z_][\w-]*(?:\.[\w-]+)*/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORD_CHAR = /[\w.]/;

function fail(message: string): never {
  throw new ConditionSyntaxError(`condition: ${message}`);
}

function matchAt(pattern: RegExp, source: string, index: number): string | null {
  pattern.lastIndex = index;
  return pattern.exec(source)?.[0] ?? null;
}

/** A quoted string from index (at its quote): its value and where it ends. */
function readString(source: string, index: number): { value: string; end: number } {
  const quote = source[index] as string;
  let value = '';
  for (let i = index + 1; i < source.length; i++) {
    const char = source[i] as string;
    if (char === quote) return { value, end: i + 1 };
    if (char === '\\') {
      const next = source[i + 1];
      if (next !== '\\' && next !== '"' && next !== "'") {
        fail(
          `unknown escape '\\${next ?? ''}' at character ${i + 1}: only \\\\, \\" and \\' are escapes`,
        );
      }
      value += next;
      i++;
    } else value += char;
  }
  return fail(`the string that starts at character ${index + 1} has no closing ${quote}`);
}

/** The token at index (after blanks). */
function readToken(source: string, index: number): Token {
  const at = index + 1;
  const char = source[index] as string;
  if (char === '(' || char === ')') return { type: char, text: char, at };
  if (char === '"' || char === "'") {
    const { value, end } = readString(source, index);
    return { type: 'string', text: source.slice(index, end), value, at };
  }
  const operator = COMPARISONS.find((each) => source.startsWith(each, index));
  const foreign = FOREIGN.find(([text]) => source.startsWith(text, index));
  if (foreign && (!operator || foreign[0].length > operator.length)) {
    fail(`'${foreign[0]}' at character ${at} is not an operator: ${foreign[1]}`);
  }
  if (operator) return { type: 'compare', text: operator, at };
  const number = matchAt(NUMBER, source, index);
  const name = matchAt(NAME, source, index);
  if (number !== null) {
    if (WORD_CHAR.test(source[index + number.length] ?? '')) {
      fail(
        `'${source.slice(index, index + number.length + 1)}…' at character ${at} is not a number`,
      );
    }
    return { type: 'number', text: number, value: Number(number), at };
  }
  if (name !== null) {
    const keyword = KEYWORDS.get(name.toLowerCase());
    if (keyword === 'boolean')
      return { type: keyword, text: name, value: name.toLowerCase() === 'true', at };
    return { type: keyword ?? 'name', text: name, at };
  }
  return fail(`unexpected character '${char}' at character ${at}`);
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    if (/\s/.test(source[index] as string)) {
      index++;
      continue;
    }
    const token = readToken(source, index);
    tokens.push(token);
    index = token.at - 1 + token.text.length;
  }
  tokens.push({ type: 'end', text: '', at: source.length + 1 });
  return tokens;
}

/** A token as a message names it. */
function described(token: Token): string {
  return token.type === 'end' ? 'the end' : `'${token.text}'`;
}

/** Reads tokens into a tree, one grammar rule per method. */
class Parser {
  #next = 0;
  readonly names = new Set<string>();

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): ConditionNode {
    const root = this.#or(0);
    const rest = this.#peek();
    if (rest.type !== 'end') {
      this.#expected("'and', 'or' or the end", rest);
    }
    return root;
  }

  #peek(): Token {
    return this.tokens[this.#next] as Token;
  }

  #take(): Token {
    return this.tokens[this.#next++] as Token;
  }

  /** Fails naming what was expected, after which token, and what came instead. */
  #expected(what: string, found: Token): never {
    const before = this.tokens[this.#next - 1];
    const after = before ? ` after '${before.text}'` : '';
    const instead = found.type === 'end' ? '' : `, found ${described(found)}`;
    return fail(`expected ${what}${after} at character ${found.at}${instead}`);
  }

  #or(depth: number): ConditionNode {
    const items = [this.#and(depth)];
    while (this.#peek().type === 'or') {
      this.#take();
      items.push(this.#and(depth));
    }
    return items.length === 1 ? (items[0] as ConditionNode) : { kind: 'or', items };
  }

  #and(depth: number): ConditionNode {
    const items = [this.#unary(depth)];
    while (this.#peek().type === 'and') {
      this.#take();
      items.push(this.#unary(depth));
    }
    return items.length === 1 ? (items[0] as ConditionNode) : { kind: 'and', items };
  }

  #unary(depth: number): ConditionNode {
    const token = this.#peek();
    if (token.type !== 'not' && token.type !== '(') return this.#comparison();
    if (depth >= MAX_CONDITION_DEPTH) {
      fail(`nested deeper than ${MAX_CONDITION_DEPTH} levels at character ${token.at}`);
    }
    this.#take();
    if (token.type === 'not') return { kind: 'not', item: this.#unary(depth + 1) };
    const inner = this.#or(depth + 1);
    if (this.#peek().type !== ')') {
      this.#expected(`')' to close the '(' at character ${token.at}`, this.#peek());
    }
    this.#take();
    return inner;
  }

  #comparison(): ConditionNode {
    const left = this.#operand();
    const operator = this.#peek();
    if (operator.type !== 'compare') {
      this.#expected('a comparison (==, !=, <, <=, >, >=)', operator);
    }
    this.#take();
    const right = this.#operand();
    return { kind: 'compare', operator: operator.text as Comparison, left, right };
  }

  #operand(): Operand {
    const token = this.#peek();
    if (token.type === 'name') {
      this.#take();
      this.names.add(token.text);
      return { name: token.text };
    }
    if (token.value !== undefined) {
      this.#take();
      return { value: token.value };
    }
    return this.#expected('a number, a string or a name', token);
  }
}

/** Parses an expression; throws ConditionSyntaxError saying what is wrong and where. */
export function parseCondition(source: string): ParsedCondition {
  if (source.length > MAX_CONDITION_LENGTH) {
    fail(`the expression has ${source.length} characters, more than ${MAX_CONDITION_LENGTH}`);
  }
  if (source.trim() === '') fail('the expression is empty; write e.g. rows > 0');
  const parser = new Parser(tokenize(source));
  const root = parser.parse();
  return { source, root, names: [...parser.names] };
}

/** Whether a condition holds, and why it could not be evaluated as written (then it is false). */
export interface ConditionVerdict {
  holds: boolean;
  problems: string[];
}

function kindOf(value: OutputValue): string {
  return typeof value === 'boolean' ? 'true/false' : `a ${typeof value}`;
}

function compare(
  operator: Comparison,
  left: OutputValue,
  right: OutputValue,
  problems: string[],
): boolean {
  if (typeof left !== typeof right) {
    problems.push(
      `${JSON.stringify(left)} (${kindOf(left)}) ${operator} ${JSON.stringify(right)} (${kindOf(right)}) compares different kinds of value`,
    );
    return false;
  }
  if (operator === '==') return left === right;
  if (operator === '!=') return left !== right;
  if (typeof left === 'boolean') {
    problems.push(`'${operator}' compares numbers or strings, not true/false`);
    return false;
  }
  if (operator === '<') return left < right;
  if (operator === '<=') return left <= right;
  if (operator === '>') return left > right;
  return left >= right;
}

function evaluate(
  node: ConditionNode,
  outputs: ReadonlyMap<string, OutputValue>,
  problems: string[],
): boolean {
  const valueOf = (operand: Operand) =>
    'name' in operand ? (outputs.get(operand.name) as OutputValue) : operand.value;
  switch (node.kind) {
    case 'compare':
      return compare(node.operator, valueOf(node.left), valueOf(node.right), problems);
    case 'not':
      return !evaluate(node.item, outputs, problems);
    case 'and':
      return node.items.map((item) => evaluate(item, outputs, problems)).every(Boolean);
    case 'or':
      return node.items.map((item) => evaluate(item, outputs, problems)).some(Boolean);
  }
}

/**
 * Evaluates a condition on the outputs a job published. A name the job did not publish, or a
 * comparison of different kinds of value, makes the whole condition false, with a problem
 * saying why.
 */
export function evaluateCondition(
  condition: ParsedCondition,
  published: ReadonlyMap<string, OutputValue>,
): ConditionVerdict {
  const listed = [...published.keys()].join(', ') || 'none';
  const missing = condition.names.filter((name) => !published.has(name));
  if (missing.length > 0) {
    const problems = missing.map(
      (name) => `the job published no output '${name}'; outputs: ${listed}`,
    );
    return { holds: false, problems };
  }
  const problems: string[] = [];
  const value = evaluate(condition.root, published, problems);
  return { holds: value && problems.length === 0, problems };
}

/** The expression of a job's condition ({"expression": "rows > 0"}), or null when it has none. */
export function conditionExpression(condition: Record<string, unknown> | null): unknown {
  return condition !== null && Object.hasOwn(condition, 'expression') ? condition.expression : null;
}

/** What is wrong with a job's condition's expression, as issues under path (the condition's). */
export function conditionIssues(
  condition: Record<string, unknown> | null,
  path: string,
): FieldIssue[] {
  const expression = conditionExpression(condition);
  if (expression === null) return [];
  const at = `${path}/expression`;
  if (typeof expression !== 'string') {
    return [{ path: at, message: 'condition: the expression must be text, e.g. "rows > 0"' }];
  }
  try {
    parseCondition(expression);
    return [];
  } catch (error) {
    if (!(error instanceof ConditionSyntaxError)) throw error;
    return [{ path: at, message: error.message }];
  }
}
