import { describeRange, inRange, parseDecimalText, type NumericRange } from '../options.js';

/** How one hyperparameter is checked (the same ranges as the command-line flags). */
export type HyperparameterSpec = NumericRange | { kind: 'boolean' } | { kind: 'choice'; values: readonly string[] };

/** Why `value` does not satisfy a hyperparameter spec, or undefined when it does. */
export function specProblem(spec: HyperparameterSpec, value: unknown): string | undefined {
  switch (spec.kind) {
    case 'integer':
    case 'number':
      return inRange(spec, value) ? undefined : `must be ${describeRange(spec)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'choice':
      return typeof value === 'string' && spec.values.includes(value)
        ? undefined
        : `must be one of ${spec.values.map((v) => `"${v}"`).join(', ')}`;
  }
}

/** Parses one command-line word by a hyperparameter spec; throws an Error saying why not. */
export function parseBySpec(spec: HyperparameterSpec, text: string): unknown {
  const word = text.trim();
  let value: unknown = word;
  if (spec.kind === 'integer' || spec.kind === 'number') {
    const parsed = parseDecimalText(word);
    if ('problem' in parsed)
      throw new Error(`"${word}" ${parsed.problem === 'overflows' ? 'overflows a 64-bit float' : 'is not a number'}`);
    value = parsed.value;
  } else if (spec.kind === 'boolean') {
    if (word !== 'true' && word !== 'false') throw new Error(`"${word}" is not true or false`);
    value = word === 'true';
  }
  const problem = specProblem(spec, value);
  if (problem !== undefined) throw new Error(`"${word}" ${problem}`);
  return value;
}
