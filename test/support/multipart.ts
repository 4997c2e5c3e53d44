import { randomUUID } from 'node:crypto';

interface FormFile {
  readonly name: string;
  readonly bytes: Buffer;
  readonly type?: string;
  readonly field?: string;
}

/** A multipart/form-data body with text fields and files, as a browser form would send it. */
export function multipartForm(fields: Readonly<Record<string, string>>, fileOrFiles?: FormFile | readonly FormFile[]) {
  const boundary = `----siput${randomUUID()}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  const files: readonly FormFile[] = Array.isArray(fileOrFiles)
    ? fileOrFiles
    : fileOrFiles
      ? [fileOrFiles as FormFile]
      : [];
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
