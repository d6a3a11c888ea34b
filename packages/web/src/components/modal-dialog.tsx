import { useEffect, useRef } from "react";
import type { ReactNode } from "react";

/**
 * A modal built on `<dialog>`: the browser keeps focus inside it, Escape closes it, and focus
 * returns to what opened it.
 */
export const ModalDialog = ({
  title,
  open,
  onClose,
  children,
}: {
  readonly title: string;
  readonly open: boolean;
  readonly onClose: () => void;
  readonly children: ReactNode;
}) => {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog ref={dialog} aria-labelledby="dialog-title" onClose={onClose} className="modal">
      <div className="modal-header">
        <h2 id="dialog-title">{title}</h2>
        <button type="button" className="quiet" onClick={onClose} aria-label="Close">
          ×
        </button>
      </div>
      {open ? children : null}
    </dialog>
  );
};
