import net from 'node:net';
import { describe, expect, it } from 'vitest';

describe('network guard', () => {
  it('refuses connections that leave the machine', async () => {
    expect(() => net.connect({ host: '203.0.113.7', port: 80 })).toThrow(/network guard/);
    await expect(fetch('http://192.0.2.1:9/')).rejects.toThrow();
  });

  it('lets loopback through', async () => {
    const server = net.createServer((s) => s.end('hi'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const text = await new Promise<string>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    server.close();
    expect(text).toBe('hi');
  });
});
