import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { parseBlobName } from '../../runner-agent/src/images/image-reference.ts';
import { S3ImageStore } from '../../runner-agent/src/images/s3-image-store.ts';
import { startS3Server } from '../support/s3-server.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { BIG_IMAGE_BYTES, imageStoreContract, writeRandomImage } from './image-store-contract.ts';

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

describe('S3 image store specifics', () => {
  it('uploads a large image in multipart parts, and records its sha256 with the object', async () => {
    const s3 = await startS3Server('multipart-images');
    const tmp = await withTempDir();
    try {
      const store = new S3ImageStore({ client: s3.client, bucket: 'multipart-images', partBytes: 5 * MiB });
      const commands: string[] = [];
      s3.client.middlewareStack.add(
        (next, context) => (args) => {
          commands.push(context.commandName ?? '?');
          return next(args);
        },
        { step: 'initialize', name: 'recordCommands' },
      );
      const file = path.join(tmp.dir, 'big.qcow2');
      const blob = await writeRandomImage(file, BIG_IMAGE_BYTES);
      await store.upload(file, blob);
      expect(commands.filter((c) => c !== 'HeadObjectCommand')).toEqual([
        'CreateMultipartUploadCommand',
        'UploadPartCommand',
        'UploadPartCommand',
        'UploadPartCommand',
        'CompleteMultipartUploadCommand',
      ]);
      const head = await s3.client.send(
        new HeadObjectCommand({ Bucket: 'multipart-images', Key: `images/${blob}` }),
      );
      expect(head.ContentLength).toBe(BIG_IMAGE_BYTES);
      expect(head.Metadata).toEqual({ sha256: parseBlobName(blob).sha256 });
    } finally {
      await tmp.remove();
      await s3.stop();
    }
  });
});
