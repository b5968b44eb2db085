import { PutObjectCommand } from '@aws-sdk/client-s3';
import { S3ImageStore } from '../../runner-agent/src/images/s3-image-store.ts';
import { startS3Server } from '../support/s3-server.ts';
import { imageStoreContract } from './image-store-contract.ts';

const MiB = 1024 * 1024;

imageStoreContract('S3 (against a local S3-compatible server)', async () => {
  const s3 = await startS3Server('ironbots-images');
  // The smallest part S3 allows, so the large test image goes up as a real multipart upload.
  const store = new S3ImageStore({ client: s3.client, bucket: 'ironbots-images', partBytes: 5 * MiB });
  return {
    store,
    async putRaw(blob, data) {
      await s3.client.send(
        new PutObjectCommand({ Bucket: 'ironbots-images', Key: `images/${blob}`, Body: data }),
      );
    },
    cleanup: s3.stop,
  };
});
