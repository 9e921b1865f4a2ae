import type { Logger } from '../shared/logger.ts';
import { LocalMediaStorage, type LocalStorageOptions } from './local-storage.ts';
import type { MediaStorage } from './media-storage.ts';
import type { MultipartJournal } from './multipart-journal.ts';
import { S3MediaStorage, type S3StorageOptions } from './s3-storage.ts';

export type StorageOptions = ({ driver: 'local' } & LocalStorageOptions) | ({ driver: 's3' } & S3StorageOptions);

/** `multipartJournal`: where the S3 driver writes down the multipart uploads it starts (the platform's database). */
export function createStorage(options: StorageOptions, logger?: Logger, multipartJournal?: MultipartJournal): MediaStorage {
  switch (options.driver) {
    case 'local':
      return new LocalMediaStorage(options);
    case 's3':
      return new S3MediaStorage(options, logger, multipartJournal);
  }
}
