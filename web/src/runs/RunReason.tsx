import { REASON_CODES, type ReasonCode } from '../../../src/domain/reason-codes.ts';

/**
 * Why a run is as it is: the sentence of its reason code, then the detail (which trigger, what
 * failed). A run from before reason codes may have only the detail.
 */
export function RunReason({ code, detail }: { code: ReasonCode | null; detail: string | null }) {
  return (
    <span className="run-reason">
      {code && <span title={code}>{REASON_CODES[code]}</span>}
      {detail && <span className="muted"> {detail}</span>}
    </span>
  );
}
