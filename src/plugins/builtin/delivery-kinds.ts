import type { Plugin } from '../plugin.ts';
import { emailAction } from './actions/email.ts';
import { ftpUploadAction } from './actions/ftp-upload.ts';
import { saveFileAction } from './actions/save-file.ts';
import { sftpUploadAction } from './actions/sftp-upload.ts';

/** Built-in kinds: delivery (e-mail, folders, SFTP, FTP). */
export const deliveryKinds: Pick<Plugin, 'components' | 'permissions'> = {
  permissions: [
    { name: 'action.email', description: 'May send e-mail from tasks' },
    { name: 'action.files', description: 'May save files into the allowed folders of the server' },
    { name: 'action.sftp', description: 'May upload files to SFTP servers' },
    { name: 'action.ftp', description: 'May upload files to FTP servers' },
  ],
  components: [emailAction, saveFileAction, sftpUploadAction, ftpUploadAction],
};
