import { MISFIRE_POLICIES, OVERLAP_POLICIES } from '../../../src/domain/policy-names.ts';
import { Field } from './Field.tsx';
import { NumberInput } from '../tasks/NumberInput.tsx';
import type { PolicyDraft } from '../tasks/task-draft.ts';
import type { Policy } from '../types.ts';

/** Props of the policy fields of the task editor. */
export interface PolicyFieldsProps {
  policy: PolicyDraft;
  onChange: (policy: PolicyDraft) => void;
  issueAt: (path: string) => string | undefined;
}

type NumberKey = Exclude<keyof Policy, 'overlap' | 'misfire'>;
type ChoiceKey = 'overlap' | 'misfire';

/** What each choice means, one text per name of the server's lists. */
const CHOICE_TEXTS: { [K in ChoiceKey]: Record<Policy[K], string> } = {
  overlap: {
    skip: 'Skip it (recorded as skipped)',
    queue: 'Queue one to start when the running one ends',
    parallel: 'Start it beside the running one',
  },
  misfire: {
    once: 'Run once for all of them',
    all: 'Run each, oldest first, up to the limit',
    skip: 'Skip the late ones, run the rest up to the limit',
  },
};

/** The choices in the server's order, the default (DEFAULT_POLICY) first. */
const CHOICES: { [K in ChoiceKey]: Array<[Policy[K], string]> } = {
  overlap: OVERLAP_POLICIES.map((name) => [name, CHOICE_TEXTS.overlap[name]]),
  misfire: MISFIRE_POLICIES.map((name) => [name, CHOICE_TEXTS.misfire[name]]),
};

/** A policy number; empty leaves the server's default (for the time-out: no limit). */
function PolicyNumber({
  field,
  label,
  help,
  ...props
}: PolicyFieldsProps & { field: NumberKey; label: string; help: string }) {
  const { policy, onChange, issueAt } = props;
  const id = `policy-${field}`;
  const error = issueAt(`/policy/${field}`);
  const setValue = (value: number | undefined) => {
    const next: PolicyDraft = { ...policy };
    if (value !== undefined) next[field] = value;
    else if (field === 'timeoutSeconds') next.timeoutSeconds = null;
    else delete next[field];
    onChange(next);
  };
  return (
    <Field id={id} label={label} help={help} error={error}>
      {(control) => (
        <NumberInput
          {...control}
          value={policy[field]}
          integer
          min={field === 'retries' ? 0 : 1}
          onValue={setValue}
        />
      )}
    </Field>
  );
}

/** A policy choice as a select. */
function PolicyChoice({
  field,
  label,
  ...props
}: PolicyFieldsProps & { field: ChoiceKey; label: string }) {
  const { policy, onChange, issueAt } = props;
  const id = `policy-${field}`;
  const error = issueAt(`/policy/${field}`);
  const options: Array<[string, string]> = CHOICES[field];
  return (
    <Field id={id} label={label} error={error}>
      {(control) => (
        <select
          {...control}
          value={policy[field] ?? options[0]?.[0]}
          onChange={(event) => onChange({ ...policy, [field]: event.target.value })}
        >
          {options.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** How a task treats overlapping and missed runs, time-outs, retries, and how long runs are kept. */
export function PolicyFields(props: PolicyFieldsProps) {
  return (
    <>
      <fieldset>
        <legend>Overlaps and missed runs</legend>
        <PolicyChoice
          {...props}
          field="overlap"
          label="When a run comes due while one is still running"
        />
        <PolicyChoice
          {...props}
          field="misfire"
          label="When several runs were missed (say, the server was down)"
        />
        <PolicyNumber
          {...props}
          field="misfireLimit"
          label="Most missed runs to run"
          help='With "run each" or "skip the late ones"; 1 to 10,000.'
        />
      </fieldset>
      <fieldset>
        <legend>Time-out and retries</legend>
        <PolicyNumber
          {...props}
          field="timeoutSeconds"
          label="Time-out (seconds)"
          help="A run still going after this long is stopped. Empty: no limit."
        />
        <PolicyNumber
          {...props}
          field="retries"
          label="Retries"
          help="How often a failed, timed-out or interrupted run is repeated."
        />
        <PolicyNumber
          {...props}
          field="retryBackoffSeconds"
          label="Wait before the first retry (seconds)"
          help="Each further retry waits twice as long."
        />
      </fieldset>
      <fieldset>
        <legend>Run history</legend>
        <PolicyNumber
          {...props}
          field="keepRuns"
          label="Runs to keep"
          help="The newest this many runs are kept."
        />
        <PolicyNumber
          {...props}
          field="keepDays"
          label="Days to keep runs"
          help="Runs older than this are deleted."
        />
        <PolicyNumber
          {...props}
          field="keepFailedDays"
          label="Days to keep failed runs"
          help="Failed, timed-out and interrupted runs are kept this long instead."
        />
      </fieldset>
    </>
  );
}
