/**
 * A small SQL tagged template that both engines understand.
 *
 * `sql\`select * from grid where code = ${code}\`` builds a query whose values
 * travel as parameters ($1, $2 …), never spliced into the text. Fragments nest
 * (`sql\`… ${sql\`and level = ${level}\`}\``), identifiers go through
 * `sql.identifier(name)`, lists through `sql.join(fragments, separator)`.
 * The query is compiled to `{ text, values }` only when it runs, so the same
 * fragment can be used inside a larger one.
 */

const fragmentBrand = Symbol('sql-fragment');

export interface SqlFragment {
  readonly [fragmentBrand]: true;
  readonly strings: readonly string[];
  readonly values: readonly unknown[];
}

export interface CompiledQuery {
  text: string;
  values: unknown[];
}

class Identifier {
  constructor(readonly name: string) {}
}

function makeFragment(strings: readonly string[], values: readonly unknown[]): SqlFragment {
  return { [fragmentBrand]: true, strings, values };
}

export function isFragment(value: unknown): value is SqlFragment {
  return typeof value === 'object' && value !== null && fragmentBrand in value;
}

function quoteIdentifier(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');
}

export interface SqlTag {
  (strings: TemplateStringsArray, ...values: unknown[]): SqlFragment;
  /** A table or column name, quoted. Dots separate schema and name. */
  identifier(name: string): Identifier;
  /** Fragments (or plain values, as parameters) joined by a separator written as SQL text. */
  join(items: readonly unknown[], separator?: string): SqlFragment;
  /** SQL text with no parameters. Only for text the program itself wrote, never for input. */
  unsafeRaw(text: string): SqlFragment;
  /** The empty fragment, for optional clauses. */
  empty: SqlFragment;
}

export const sql: SqlTag = Object.assign(
  (strings: TemplateStringsArray, ...values: unknown[]): SqlFragment => makeFragment(strings, values),
  {
    identifier: (name: string) => new Identifier(name),
    join(items: readonly unknown[], separator = ', '): SqlFragment {
      if (items.length === 0) return makeFragment([''], []);
      const strings = [''];
      for (let index = 1; index < items.length; index++) strings.push(separator);
      strings.push('');
      return makeFragment(strings, items);
    },
    unsafeRaw: (text: string) => makeFragment([text], []),
    empty: makeFragment([''], []),
  },
);

/** Turns a fragment into text with numbered placeholders and the list of values. */
export function compile(fragment: SqlFragment): CompiledQuery {
  const values: unknown[] = [];
  let text = '';
  const walk = (part: SqlFragment) => {
    part.strings.forEach((chunk, index) => {
      text += chunk;
      if (index >= part.values.length) return;
      const value = part.values[index];
      if (isFragment(value)) walk(value);
      else if (value instanceof Identifier) text += quoteIdentifier(value.name);
      else {
        values.push(value === undefined ? null : value);
        text += `$${values.length}`;
      }
    });
  };
  walk(fragment);
  return { text, values };
}
