/**
 * Regularizers and constraints in a Keras 3 config, both ways: `{ module: 'keras.regularizers',
 * class_name: 'L2', config: { l2: 0.01 } }`. A penalty or projection given as a plain function
 * has no such form, so a model holding one cannot be saved.
 */
import { Constraint, constraintFromConfig } from './constraints.js';
import type { KerasObject } from './keras_config.js';
import { Regularizer, regularizerFromConfig } from './regularizers.js';

/** Whether a config key holds a regularizer or a constraint (`kernel_regularizer`, `activityRegularizer`). */
export function isPolicyKey(key: string): boolean {
  return /(_r|R)egularizer$|(_c|C)onstraint$/.test(key);
}

/** Keras's object for a regularizer or constraint in a config; `where` names the layer for errors. */
export function policyToKeras(value: unknown, key: string, where: string): KerasObject | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Regularizer || value instanceof Constraint) {
    const module = value instanceof Regularizer ? 'keras.regularizers' : 'keras.constraints';
    return { module, class_name: value.className, config: value.getConfig(), registered_name: null };
  }
  throw new Error(
    `${where} has a ${key} given as a function, which a .keras file cannot hold; use a Regularizer or Constraint class (with getConfig).`,
  );
}

/** The regularizer or constraint a Keras config entry describes. */
export function policyFromKeras(value: KerasObject, key: string): Regularizer | Constraint {
  const config = value.config ?? {};
  return /regularizer$/i.test(key)
    ? regularizerFromConfig(value.class_name, config)
    : constraintFromConfig(value.class_name, config);
}
