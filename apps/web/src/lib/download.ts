/** Saving text the console already has as a file, without another request. */

/** The last path segment, or `fallback` when there is none. */
export function baseName(path: string | undefined, fallback: string): string {
  const name = path?.split(/[\\/]/).pop();
  return name ? name : fallback;
}

export function downloadText(fileName: string, text: string, type = 'text/plain;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
