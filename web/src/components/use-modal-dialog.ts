import { useEffect, useRef } from 'react';

/**
 * A <dialog> shown modally while open is true and closed when it turns false (Escape still
 * closes it, through its onClose); onOpen runs each time it opens, before it shows.
 */
export function useModalDialog(open: boolean, onOpen?: () => void) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      onOpen?.();
      element.showModal();
    }
    if (!open && element.open) element.close();
    // onOpen is read when the dialog opens: a new function each render is no reason to run.
  }, [open]);
  return dialog;
}
