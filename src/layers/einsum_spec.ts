/**
 * What an EinsumDense equation means for shapes, as Keras 3 reads it: the kernel's shape, the
 * bias's, the output's, and which kernel axes count as inputs and which as outputs for the
 * initializer's fans. Three forms: `ab,bc->ac`, `...b,bc->...c` (leading axes elided) and
 * `ab...,bc->ac...` (trailing axes elided).
 */
import { type SymbolicShape, formatShape } from '../tensor/shape.js';

export interface EinsumSpec {
  kernel: number[];
  bias: number[] | null;
  output: SymbolicShape;
  inputAxes: number[];
  outputAxes: number[];
}

/** Parses an equation into its three terms and where its ellipsis is, or explains what it expects. */
export function einsumTerms(equation: string): { input: string; weight: string; output: string; left: boolean } {
  const s = equation.replace('...', '0');
  const plain = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$/.exec(s);
  if (plain) return { input: plain[1], weight: plain[2], output: plain[3], left: false };
  const left = /^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$/.exec(s);
  if (left) return { input: left[1], weight: left[2], output: left[3], left: true };
  const right = /^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$/.exec(s);
  if (right) return { input: right[1], weight: right[2], output: right[3], left: false };
  throw new Error(
    `EinsumDense: invalid equation '${equation}'. Equations must look like 'ab,bc->ac', '...b,bc->...c' or ` +
      `'ab...,bc->ac...'.`,
  );
}

/**
 * The shapes an equation gives for an input shape (batch axis included) and the layer's partial
 * output shape (batch axis and elided axes excluded; null where the input decides).
 */
export function analyzeEinsum(
  where: string,
  equation: string,
  biasAxes: string | null,
  inputShape: SymbolicShape,
  partialOutput: readonly (number | null)[],
): EinsumSpec {
  const { input, weight, output, left } = einsumTerms(equation);
  const elided = inputShape.length - input.length;
  if (elided < 0 || (elided > 0 && !equation.includes('...'))) {
    throw new Error(
      `${where}: equation '${equation}' expects inputs of rank ` +
        `${input.length}${equation.includes('...') ? ' or more' : ''}, got ${formatShape(inputShape)}.`,
    );
  }
  const elidedAxes = left ? inputShape.slice(1, elided) : inputShape.slice(inputShape.length - elided);
  const full: (number | null)[] = left
    ? [inputShape[0], ...elidedAxes, ...partialOutput]
    : [inputShape[0], ...partialOutput, ...elidedAxes];
  if (full.length !== output.length + (left ? elided : 0) + (left ? 0 : elided)) {
    throw new Error(
      `${where}: output shape ${JSON.stringify(partialOutput)} does not fit equation '${equation}' (its output ` +
        `'${output}' needs ${left ? output.length : output.length - 1} sizes besides the batch and elided axes).`,
    );
  }
  const inAt = (letter: string): number => (left ? input.indexOf(letter) + elided : input.indexOf(letter));
  const outAt = (letter: string): number => (left ? output.indexOf(letter) + elided : output.indexOf(letter));
  for (const letter of output) {
    const at = outAt(letter);
    if (input.includes(letter)) {
      const fromInput = inputShape[inAt(letter)];
      if (full[at] !== null && fromInput !== null && full[at] !== fromInput) {
        throw new Error(
          `${where}: input shape ${formatShape(inputShape)} and output shape ${formatShape(full)} differ on ` +
            `their shared axis '${letter}' (${fromInput} vs ${full[at]}).`,
        );
      }
      full[at] = full[at] ?? fromInput;
    } else if (!weight.includes(letter)) {
      throw new Error(`${where}: output axis '${letter}' of '${equation}' is in neither the input nor the kernel.`);
    }
  }
  const kernel: number[] = [];
  const inputAxes: number[] = [];
  const outputAxes: number[] = [];
  [...weight].forEach((letter, i) => {
    const size = output.includes(letter)
      ? full[outAt(letter)]
      : input.includes(letter)
        ? inputShape[inAt(letter)]
        : undefined;
    if (size === undefined) {
      throw new Error(`${where}: kernel axis '${letter}' of '${equation}' is in neither the input nor the output.`);
    }
    if (size === null) {
      throw new Error(
        `${where}: kernel axis '${letter}' of '${equation}' needs a known size; got input shape ` +
          `${formatShape(inputShape)} and output shape ${formatShape(full)}.`,
      );
    }
    kernel.push(size);
    (output.includes(letter) ? outputAxes : inputAxes).push(i);
  });
  let bias: number[] | null = null;
  if (biasAxes !== null) {
    for (const letter of biasAxes) {
      if (!output.includes(letter)) {
        throw new Error(`${where}: bias axis '${letter}' is not in the output '${output}' of '${equation}'.`);
      }
    }
    // From the first biased output axis on: the bias's size there, 1 elsewhere, so it broadcasts.
    const first = Math.min(...[...biasAxes].map((l) => output.indexOf(l)));
    bias = [...output.slice(first)].map((l) => (biasAxes.includes(l) ? (full[outAt(l)] as number) : 1));
    if (!left) for (let i = 0; i < elided; i++) bias.push(1);
  }
  return { kernel, bias, output: full, inputAxes, outputAxes };
}
