import { useAllowedFolders } from './save-targets.ts';

/** Which folders a path field may name, as help beside it (a path outside is refused at save). */
export function AllowedFoldersHint() {
  const folders = useAllowedFolders();
  if (!folders.data) return null;
  if (folders.data.length === 0) {
    return (
      <>No folders are allowed yet: an administrator adds them in Settings, Allowed folders.</>
    );
  }
  return (
    <>
      Allowed folders:{' '}
      {folders.data.map((folder, index) => (
        <span key={folder}>
          {index > 0 ? ', ' : null}
          <code>{folder}</code>
        </span>
      ))}
      .
    </>
  );
}
