/** The URL as text without its user name and password, safe for logs and error messages. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    // Not a URL: hide anything between "//" and "@" all the same.
    return String(url).replace(/\/\/[^/@\s]*@/g, '//***@');
  }
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
  }
  return parsed.href;
}
