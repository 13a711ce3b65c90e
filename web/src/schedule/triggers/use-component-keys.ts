import { useRef } from 'react';

/**
 * Stable React keys for list items that may have no id yet (a trigger not saved): a key
 * follows an item through edits (carry), so removing one item does not hand its editor's
 * state to the next.
 */
export function useComponentKeys() {
  const state = useRef({ keys: new WeakMap<object, number>(), next: 0 });
  const keyOf = (item: object): number => {
    let key = state.current.keys.get(item);
    if (key === undefined) {
      key = state.current.next++;
      state.current.keys.set(item, key);
    }
    return key;
  };
  const carry = (from: object, to: object) => {
    state.current.keys.set(to, keyOf(from));
  };
  return { keyOf, carry };
}
