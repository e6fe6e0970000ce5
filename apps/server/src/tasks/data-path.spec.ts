import { resolveDataPath } from './data-path.js';

describe('resolveDataPath', () => {
  it('keeps names inside the data folder, subfolders included', () => {
    expect(resolveDataPath('/srv/data', 'clip.mp4', 'name')).toBe('/srv/data/clip.mp4');
    expect(resolveDataPath('/srv/data', 'videos/clip.mp4', 'name')).toBe('/srv/data/videos/clip.mp4');
  });

  it.each(['../etc/passwd', 'a/../../x', '/etc/passwd', '..', '.', '', 'a\\..\\b', 'x\u0000y'])('refuses %j', (name) => {
    expect(() => resolveDataPath('/srv/data', name, 'name')).toThrow(/name/);
  });
});
