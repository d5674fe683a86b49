// A parser for the YAML subset the rule templates in deploy/rules are written in (no YAML dependency):
// block mappings and sequences by indentation (a sequence may sit at its key's indent), sequence items that open
// a mapping (`- key: value`), literal block scalars (`|`), plain, single- and double-quoted scalars, integers,
// booleans, `[]` and whole-line comments. Anything else is refused with its line number, so a template that
// drifts out of the subset fails loudly instead of parsing wrong.

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  /** 1-based, for error messages. */
  number: number;
  indent: number;
  text: string;
}

const KEY = /^([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/;

export function parseYaml(source: string): YamlValue {
  const lines: Line[] = source.split('\n').map((raw, i) => {
    if (/^\s*\t/.test(raw)) throw new SyntaxError(`line ${i + 1}: tabs are not allowed in indentation`);
    const text = raw.trimEnd();
    return { number: i + 1, indent: text.length - text.trimStart().length, text: text.trimStart() };
  });
  const parser = new Parser(lines);
  const value = parser.block(0);
  parser.expectEnd();
  return value;
}

class Parser {
  #i = 0;
  constructor(private readonly lines: Line[]) {}

  /** The next line with content (skips blank lines and comments). */
  #peek(): Line | undefined {
    while (this.#i < this.lines.length && (this.lines[this.#i]!.text === '' || this.lines[this.#i]!.text.startsWith('#'))) this.#i++;
    return this.lines[this.#i];
  }

  expectEnd(): void {
    const line = this.#peek();
    if (line) throw new SyntaxError(`line ${line.number}: unexpected indentation or content`);
  }

  block(indent: number): YamlValue {
    const line = this.#peek();
    if (!line || line.indent !== indent) throw new SyntaxError(`line ${line?.number ?? 'end'}: expected content at indent ${indent}`);
    return isItem(line.text) ? this.#sequence(indent) : this.#mapping(indent);
  }

  #sequence(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    for (let line = this.#peek(); line && line.indent === indent && isItem(line.text); line = this.#peek()) {
      const rest = line.text === '-' ? '' : line.text.slice(2);
      if (KEY.test(rest)) {
        // `- key: value` opens a mapping whose keys sit two columns in: read the first key in place.
        this.lines[this.#i] = { number: line.number, indent: indent + 2, text: rest };
        items.push(this.#mapping(indent + 2));
      } else {
        this.#i++;
        items.push(scalar(rest, line.number));
      }
    }
    return items;
  }

  #mapping(indent: number): { [key: string]: YamlValue } {
    const map: { [key: string]: YamlValue } = {};
    for (let line = this.#peek(); line && line.indent === indent && !isItem(line.text); line = this.#peek()) {
      const match = KEY.exec(line.text);
      if (!match) throw new SyntaxError(`line ${line.number}: expected 'key: value'`);
      const [, key, rest = ''] = match as unknown as [string, string, string | undefined];
      if (key in map) throw new SyntaxError(`line ${line.number}: duplicate key '${key}'`);
      this.#i++;
      if (rest === '|') map[key] = this.#literal(indent, line.number);
      else if (rest !== '') map[key] = scalar(rest, line.number);
      else {
        const next = this.#peek();
        if (next && (next.indent > indent || (next.indent === indent && isItem(next.text)))) map[key] = this.block(next.indent);
        else map[key] = null;
      }
    }
    return map;
  }

  /** A `|` block: the lines indented past the key, with the first line's indentation removed; one final newline. */
  #literal(keyIndent: number, keyLine: number): string {
    const body: string[] = [];
    let blockIndent: number | undefined;
    while (this.#i < this.lines.length) {
      const line = this.lines[this.#i]!;
      if (line.text !== '' && line.indent <= keyIndent) break;
      blockIndent ??= line.text === '' ? undefined : line.indent;
      if (line.text !== '' && line.indent < blockIndent!) throw new SyntaxError(`line ${line.number}: less indented than its block`);
      body.push(line.text === '' ? '' : ' '.repeat(line.indent - blockIndent!) + line.text);
      this.#i++;
    }
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    if (body.length === 0) throw new SyntaxError(`line ${keyLine}: empty block scalar`);
    return body.join('\n') + '\n';
  }
}

function isItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function scalar(text: string, line: number): YamlValue {
  if (text === '[]') return [];
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      throw new SyntaxError(`line ${line}: bad double-quoted string`);
    }
  }
  if (text.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(text)) throw new SyntaxError(`line ${line}: bad single-quoted string`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  // Plain scalars that YAML would read as something else (flow collections, anchors, tags, comments) are refused.
  if (/^[[\]{}&*!|>%@`]/.test(text) || / #/.test(text) || /: /.test(text)) throw new SyntaxError(`line ${line}: '${text}' is outside the supported subset (quote it)`);
  return text;
}
