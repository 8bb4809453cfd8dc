/**
 * The regularizer and constraint options of a layer's weights (`kernelRegularizer`,
 * `biasConstraint`, ...), resolved once at construction so that a bad one fails there, and listed
 * in the layer's config only where one was given (Keras writes null for the others, which loading
 * treats as absent).
 */
import { type Constraint, type ConstraintFn, type ConstraintLike, getConstraint } from './constraints.js';
import { type Regularizer, type RegularizerFn, type RegularizerLike, getRegularizer } from './regularizers.js';

type Given = Partial<Record<string, RegularizerLike | ConstraintLike | null>>;

/** The options of weights with these prefixes: `PolicyArgs<'kernel' | 'bias'>` is kernelRegularizer, biasConstraint, ... */
export type PolicyArgs<K extends string> = { [P in `${K}Regularizer`]?: RegularizerLike | null } & {
  [P in `${K}Constraint`]?: ConstraintLike | null;
};

/** The option names of `PolicyArgs` for these prefixes, for a layer's list of accepted options. */
export function policyOptions(...weights: readonly string[]): string[] {
  return weights.flatMap((w) => [`${w}Regularizer`, `${w}Constraint`]);
}

export class WeightPolicies {
  private readonly regularizers = new Map<string, Regularizer | RegularizerFn>();
  private readonly constraints = new Map<string, Constraint | ConstraintFn>();

  /** `weights` are the option prefixes: `['kernel', 'bias']` reads kernelRegularizer, biasConstraint, ... */
  constructor(args: object, weights: readonly string[]) {
    const given = args as Given;
    for (const w of weights) {
      const regularizer = given[`${w}Regularizer`];
      const constraint = given[`${w}Constraint`];
      if (regularizer) this.regularizers.set(w, getRegularizer(regularizer as RegularizerLike));
      if (constraint) this.constraints.set(w, getConstraint(constraint as ConstraintLike));
    }
  }

  /** The options for `addWeight` of the weight with this prefix. */
  of(weight: string): { regularizer?: Regularizer | RegularizerFn; constraint?: Constraint | ConstraintFn } {
    return { regularizer: this.regularizers.get(weight), constraint: this.constraints.get(weight) };
  }

  /** The config entries: `kernelRegularizer: L2 {...}` for each one given. */
  config(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [w, r] of this.regularizers) out[`${w}Regularizer`] = r;
    for (const [w, c] of this.constraints) out[`${w}Constraint`] = c;
    return out;
  }
}
