/**
 * Which layers and weights an object holds, found the way Keras 3's tracker finds them: in the
 * order its properties were assigned, looking inside arrays and plain objects. JavaScript keeps
 * property insertion order, so a walk over the object at the time of asking gives the same order
 * as Keras's tracking of assignments, without intercepting every assignment.
 */

/** What the walk collects and what it must not enter. */
export interface TrackingKinds<L extends object, V extends object> {
  isLayer(value: unknown): value is L;
  isVariable(value: unknown): value is V;
}

/**
 * The layers and variables held by `owner`'s own properties (not those of the layers it holds:
 * each layer answers for its own). Arrays and plain objects are searched in order; anything else
 * (tensors, symbolic tensors, graph nodes, maps, class instances) is not entered, which also keeps
 * the walk away from the framework's own bookkeeping.
 */
export function trackedChildren<L extends object, V extends object>(
  owner: object,
  kinds: TrackingKinds<L, V>,
): { layers: L[]; variables: V[] } {
  const layers: L[] = [];
  const variables: V[] = [];
  const seen = new Set<unknown>([owner]);
  const visit = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if (kinds.isLayer(value)) layers.push(value);
    else if (kinds.isVariable(value)) variables.push(value);
    else if (depth < MAX_DEPTH && (Array.isArray(value) || isPlainObject(value))) {
      for (const item of Object.values(value)) visit(item, depth + 1);
    }
  };
  for (const value of Object.values(owner)) visit(value, 0);
  return { layers, variables };
}

/** Containers nested deeper than this are not searched (a guard against pathological structures). */
const MAX_DEPTH = 8;

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
