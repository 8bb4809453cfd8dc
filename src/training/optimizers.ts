/**
 * The optimizers: the base in optimizers/optimizer.ts and one update rule per file beside it.
 * Exporting a rule here is all it takes for `compile({ optimizer: 'lion' })` and saved files to
 * find it: the registry below reads this module's own exports.
 */
import { toSnakeCase } from '../layers/options.js';
import { describeValue } from '../layers/options.js';
import { Optimizer } from './optimizers/optimizer.js';
import * as rules from './optimizers.js';

export {
  Optimizer,
  OPTIMIZER_OPTIONS,
  type OptimizerArgs,
  type OptimizerDefaults,
  type SlotSpec,
  type LearningRateFn,
} from './optimizers/optimizer.js';
export { SGD, type SGDArgs } from './optimizers/sgd.js';
export { RMSprop, type RMSpropArgs } from './optimizers/rmsprop.js';
export { Adam, type AdamArgs } from './optimizers/adam.js';
export { AdamW, type AdamWArgs } from './optimizers/adamw.js';
export { Adagrad, type AdagradArgs } from './optimizers/adagrad.js';
export { Adamax, type AdamaxArgs } from './optimizers/adamax.js';
export { Adadelta, type AdadeltaArgs } from './optimizers/adadelta.js';
export { Lion, type LionArgs } from './optimizers/lion.js';

/** An optimizer's string id, as Keras spells them in compile: its class name in lower case. */
export type OptimizerId = 'sgd' | 'rmsprop' | 'adam' | 'adamw' | 'adagrad' | 'adamax' | 'adadelta' | 'lion';

type OptimizerClass = (new () => Optimizer) & { readonly className: string };

/** Every exported rule by Keras class name, read from this module the first time one is needed. */
let byClassName: Map<string, OptimizerClass> | undefined;
export function optimizerClasses(): Map<string, OptimizerClass> {
  if (!byClassName) {
    const exported: unknown[] = Object.values(rules);
    const classes = exported.filter(
      (v): v is OptimizerClass =>
        typeof v === 'function' && v.prototype instanceof Optimizer && Object.hasOwn(v, 'className'),
    );
    byClassName = new Map(classes.map((cls) => [cls.className, cls]));
  }
  return byClassName;
}

/** An optimizer from its string id (`'adam'`, `'rmsprop'`), with Keras's defaults; an instance passes through. */
export function getOptimizer(id: OptimizerId | Optimizer): Optimizer {
  if (id instanceof Optimizer) return id;
  for (const [className, cls] of optimizerClasses()) {
    if (typeof id === 'string' && (className.toLowerCase() === id || toSnakeCase(className) === id)) return new cls();
  }
  const known = [...optimizerClasses().keys()].map((n) => n.toLowerCase()).join(', ');
  throw new Error(`Unknown optimizer ${describeValue(id)}. Known: ${known}, or an Optimizer instance.`);
}
