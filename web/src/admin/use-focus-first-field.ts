import { useEffect, useRef } from 'react';

/** A ref for a form whose first text field takes the focus when the form opens. */
export function useFocusFirstField<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input:not([type="hidden"]), textarea')?.focus();
  }, []);
  return ref;
}
