import { Duplex } from 'node:stream';
import { coalesceWrites } from './socket-write-coalescing.js';

/** A stream that records each write reaching its transport: one entry per would-be syscall. */
function recordingSocket() {
  const sent: string[][] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      sent.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      sent.push(chunks.map(({ chunk }) => chunk.toString()));
      done();
    },
  });
  return { socket, sent };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesceWrites', () => {
  it('sends the writes of one event-loop turn together, in order, and later writes in a send of their own', async () => {
    const { socket, sent } = recordingSocket();
    coalesceWrites(socket);
    socket.write('a');
    socket.write('b');
    await Promise.resolve();
    socket.write('c');
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual([['a', 'b', 'c']]);
    socket.write('d');
    await nextTurn();
    expect(sent).toEqual([['a', 'b', 'c'], ['d']]);
  });
});
