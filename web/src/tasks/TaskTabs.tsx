import type { KeyboardEvent, ReactNode } from 'react';

/** One tab of the editor. */
export interface TabSpec<Id extends string> {
  id: Id;
  label: string;
  /** The API named a field on this tab: the tab is marked. */
  hasError: boolean;
}

const tabId = (id: string) => `tab-${id}`;
const panelId = (id: string) => `panel-${id}`;

/** The tab list (WAI-ARIA tabs: arrow keys, Home and End move between tabs and select them). */
export function TaskTabs<Id extends string>(props: {
  label: string;
  tabs: Array<TabSpec<Id>>;
  selected: Id;
  onSelect: (id: Id) => void;
}) {
  const { label, tabs, selected, onSelect } = props;
  const move = (event: KeyboardEvent) => {
    const index = tabs.findIndex((tab) => tab.id === selected);
    const targets: Record<string, number> = {
      ArrowRight: (index + 1) % tabs.length,
      ArrowLeft: (index - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    };
    const target = tabs[targets[event.key] ?? -1];
    if (!target) return;
    event.preventDefault();
    onSelect(target.id);
    document.getElementById(tabId(target.id))?.focus();
  };
  return (
    <div role="tablist" aria-label={label} onKeyDown={move} className="task-tabs">
      {tabs.map((tab) => (
        <button
          key={tab.id}
          type="button"
          role="tab"
          id={tabId(tab.id)}
          aria-selected={tab.id === selected}
          aria-controls={panelId(tab.id)}
          tabIndex={tab.id === selected ? 0 : -1}
          onClick={() => onSelect(tab.id)}
          className={tab.hasError ? 'tab-has-error' : undefined}
        >
          {tab.label}
          {tab.hasError ? (
            <span className="tab-error-mark">
              <span aria-hidden="true"> ⚠</span>
              <span className="visually-hidden"> (has errors)</span>
            </span>
          ) : null}
        </button>
      ))}
    </div>
  );
}

/** A tab's panel; only the selected one is shown. */
export function TabPanel({
  id,
  hidden,
  children,
}: {
  id: string;
  hidden: boolean;
  children: ReactNode;
}) {
  return (
    <div
      role="tabpanel"
      id={panelId(id)}
      aria-labelledby={tabId(id)}
      tabIndex={0}
      hidden={hidden}
      className="tab-panel"
    >
      {children}
    </div>
  );
}
