/** Adds or removes one value of a list, keeping the others; sorted when an order is given. */
export function toggled<T>(
  list: readonly T[] | undefined,
  value: T,
  on: boolean,
  order?: (a: T, b: T) => number,
): T[] {
  const without = (list ?? []).filter((item) => item !== value);
  const next = on ? [...without, value] : without;
  return order ? next.sort(order) : next;
}

/** The list with the item at index replaced. */
export function replacedAt<T>(list: readonly T[], index: number, item: T): T[] {
  return list.map((old, at) => (at === index ? item : old));
}

/** The list without the item at index. */
export function removedAt<T>(list: readonly T[], index: number): T[] {
  return list.filter((_item, at) => at !== index);
}

/**
 * The object with one optional field set, or left out when it is undefined or an empty list:
 * the schedule's defaults (the start's time, weekday, day) apply to what is left out.
 */
export function withOptional<T extends object, K extends keyof T>(
  object: T,
  key: K,
  value: T[K] | undefined,
): T {
  const next = { ...object };
  if (value === undefined || (Array.isArray(value) && value.length === 0)) delete next[key];
  else next[key] = value;
  return next;
}
