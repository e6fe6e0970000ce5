import { TaskFailure } from './task-failure.js';

describe('TaskFailure.from', () => {
  it('keeps the message, names files in the owner folder relatively, and hides other server paths and the stack', () => {
    const error = new Error("ENOENT: no such file or directory, open '/srv/data/alice/in/clip.mp4' (module /opt/app/dist/x.js)");
    const failure = TaskFailure.from(error, '/srv/data/alice');
    expect(failure.message).toBe("ENOENT: no such file or directory, open 'in/clip.mp4' (module <server path>)");
    expect(failure.stack).toBe(failure.message);
  });

  it('leaves URLs alone', () => {
    expect(TaskFailure.from(new Error('http://example.org/a/b answered 404 Not Found'), '/srv/data/bob').message).toBe('http://example.org/a/b answered 404 Not Found');
  });
});
