// Calls to the server's REST API with the signed-in token, and readers for streamed answers.
export const session = { token: '', signal: undefined };

/** fetch() with the token; throws "status: message" (with the HTTP `status`) for an error answer. */
export async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    signal: options.signal ?? session.signal,
    headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json', ...options.headers },
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw Object.assign(new Error(`${response.status}: ${body.message ?? response.statusText}`), { status: response.status });
  }
  return response;
}

/** Calls onText with each piece of a streamed text answer until it ends. */
export async function readText(response, onText) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onText(value);
  }
}

/**
 * Reads a Server-Sent Events answer (with fetch, since EventSource cannot send an Authorization
 * header) and calls onEvent(name, data) for each event until the stream ends.
 */
export async function readEvents(response, onEvent) {
  let buffer = '';
  await readText(response, (text) => {
    buffer += text;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const field = (name) => block.split('\n').filter((line) => line.startsWith(`${name}:`)).map((line) => line.slice(name.length + 1).trim()).join('\n');
      if (field('event') && field('data')) onEvent(field('event'), field('data'));
    }
  });
}
