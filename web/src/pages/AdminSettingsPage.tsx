import { useMe } from '../auth.tsx';
import { Link } from '../router.tsx';
import { DataSourcesSection } from '../admin/DataSourcesSection.tsx';
import { DefaultGrantsForm } from '../admin/DefaultGrantsForm.tsx';
import { FolderRootsForm } from '../admin/FolderRootsForm.tsx';
import { LdapSection, OidcSection } from '../admin/IdentitySections.tsx';
import { LimitsForm } from '../admin/LimitsForm.tsx';
import { NetworksForm } from '../admin/NetworksForm.tsx';
import { NoticesForm } from '../admin/NoticesForm.tsx';
import { PlaintextSmtpForm } from '../admin/PlaintextSmtpForm.tsx';
import { PublicUrlForm } from '../admin/PublicUrlForm.tsx';
import { SmtpForm } from '../admin/SmtpForm.tsx';
import { useSettings } from '../admin/use-settings.ts';
import '../admin/admin.css';
import { NotAllowedPage } from './NotAllowedPage.tsx';

/**
 * Server-wide settings: the SMTP server, the default failure notices, the server's address, the
 * allowed folders and networks, the limits per user, the rights of new tasks, the data sources.
 */
export function AdminSettingsPage() {
  const me = useMe();
  const settings = useSettings();
  if (!me.can.manageSettings) {
    return (
      <NotAllowedPage
        title="Settings"
        purpose="change the server’s settings"
        permission="settings.manage"
      />
    );
  }
  return (
    <section>
      <h1>Settings</h1>
      {me.can.administerTasks && (
        <p>
          <Link href="/tasks">All users’ tasks</Link>
        </p>
      )}
      {settings.isPending && <p className="loading">Loading settings…</p>}
      {settings.isError && <p role="alert">{settings.error.message}</p>}
      {settings.data && (
        <>
          <SmtpForm smtp={settings.data.smtp} />
          <PlaintextSmtpForm allowed={settings.data.allowPlaintextSmtp} />
          {me.can.administerTasks ? (
            <>
              <NoticesForm notices={settings.data.notices} />
              <PublicUrlForm publicUrl={settings.data.publicUrl} />
            </>
          ) : (
            <p className="muted">
              The default failure notices and the server address tell of every user’s runs:
              administrators of all tasks (taskplanner.admin) set them.
            </p>
          )}
          <FolderRootsForm roots={settings.data.folderRoots} />
          <NetworksForm networks={settings.data} />
          <LimitsForm limits={settings.data.limits} />
          <DefaultGrantsForm grants={settings.data.newTaskGrants} />
        </>
      )}
      <LdapSection />
      <OidcSection />
      <DataSourcesSection />
    </section>
  );
}
