import type { Logger } from '../shared/logger.ts';
import { LocalMediaStorage, type LocalStorageOptions } from './local-storage.ts';
import type { MediaStorage } from './media-storage.ts';
import { S3MediaStorage, type S3StorageOptions } from './s3-storage.ts';

export type StorageOptions = ({ driver: 'local' } & LocalStorageOptions) | ({ driver: 's3' } & S3StorageOptions);

export function createStorage(options: StorageOptions, logger?: Logger): MediaStorage {
  switch (options.driver) {
    case 'local':
      return new LocalMediaStorage(options);
    case 's3':
      return new S3MediaStorage(options, logger);
  }
}
