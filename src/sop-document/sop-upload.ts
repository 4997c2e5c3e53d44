import { parseDocument } from 'yaml';
import type { SopDefinition } from '../sop/index.js';
import { parseSop, SopDefinitionError } from '../sop/index.js';
import { columnLetter } from './sheet-layout.js';
import { xlsxToSop } from './xlsx-import.js';

/**
 * One problem of an uploaded SOP, where its author finds it: a sheet's cell ("Prosedur!F7") or a
 * row ("Prosedur baris 7") for a workbook, a path ("steps[3] (id 4).waktu") or a line for YAML.
 */
export interface UploadProblem {
  readonly where: string;
  readonly message: string;
}

export type UploadRead = { ok: true; sop: SopDefinition } | { ok: false; problems: UploadProblem[] };

/** The kinds of file an SOP is uploaded as, told by their name. */
export const UPLOAD_KINDS = ['.xlsx', '.yaml', '.yml', '.json'] as const;

/**
 * Reads an uploaded SOP, a workbook laid out as the XLSX download or a YAML (or JSON) file as in
 * SOPS_DIR, and checks it as start-up checks the files. Every problem is listed, none stops the
 * reading of the others where the format allows.
 */
export async function readSopUpload(fileName: string, bytes: Buffer): Promise<UploadRead> {
  const name = fileName.toLowerCase();
  if (name.endsWith('.xlsx')) {
    const read = await xlsxToSop(bytes);
    if (read.ok) return read;
    return {
      ok: false,
      problems: read.problems.map((p) => ({
        where: p.column
          ? `${p.sheet}!${columnLetter(p.column)}${p.row}`
          : p.row
            ? `${p.sheet} baris ${p.row}`
            : p.sheet,
        message: p.message,
      })),
    };
  }
  if (/\.(ya?ml|json)$/.test(name)) return readYaml(bytes.toString('utf8'));
  return {
    ok: false,
    problems: [{ where: fileName, message: `unggah berkas ${UPLOAD_KINDS.join(', ')}` }],
  };
}

function readYaml(text: string): UploadRead {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0)
    return {
      ok: false,
      problems: document.errors.map((err) => ({
        where: err.linePos ? `baris ${err.linePos[0].line}, kolom ${err.linePos[0].col}` : '',
        message: `bukan YAML yang sah: ${err.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    };
  try {
    return { ok: true, sop: parseSop(document.toJS(), 'upload') };
  } catch (err) {
    if (!(err instanceof SopDefinitionError)) throw err;
    return { ok: false, problems: err.issues.map((i) => ({ where: i.path || '(akar)', message: i.reason })) };
  }
}
