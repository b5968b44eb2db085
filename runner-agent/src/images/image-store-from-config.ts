import os from 'node:os';
import path from 'node:path';
import type { DeploymentConfig } from '../config/deployment-config.ts';
import { FilesystemImageStore } from './filesystem-image-store.ts';
import type { ImageStore } from './image-store.ts';
import { S3ImageStore } from './s3-image-store.ts';
import { StoreImageResolver } from './store-image-resolver.ts';
import { s3ClientFromConfig } from '../config/s3-client.ts';

/**
 * The image store and local cache a deployment's `images:` section names. Defaults: blobs in
 * `<stateDir>/images`, the cache of verified downloads in `<stateDir>/image-cache`.
 */
export function imageStoreFromConfig(config: DeploymentConfig): { store: ImageStore; cacheDir: string } {
  const stateDir = config.stateDir.replace(/^~(?=\/)/, os.homedir());
  const images = config.images;
  const cacheDir = images.cacheDir ?? path.join(stateDir, 'image-cache');
  if (images.kind === 'filesystem')
    return {
      store: new FilesystemImageStore({ dir: images.dir ?? path.join(stateDir, 'images') }),
      cacheDir,
    };
  const client = s3ClientFromConfig(images);
  return { store: new S3ImageStore({ client, bucket: images.bucket, prefix: images.prefix }), cacheDir };
}

/** How a deployment's VM executor finds base images: the blob a checkout's images/<name> names, from its store. */
export function imageResolverFromConfig(config: DeploymentConfig): StoreImageResolver {
  return new StoreImageResolver(imageStoreFromConfig(config));
}
