/**
 * Text encodings of attribute tables. Chinese shapefiles and CSV files saved
 * by Excel are often GBK; a shapefile says so in its .cpg or in the language
 * byte of its .dbf header, a CSV file says nothing. Text that does not decode
 * cleanly (U+FFFD appears) is refused with the record and field named, so the
 * user can choose the other encoding instead of importing 乱码.
 */
import { IMPORT_FILE_REASONS, ImportFileError, type EncodingChoice } from './import-file.ts';

export type TextEncodingName = 'utf-8' | 'gbk';

const GBK_LABELS = /^(936|cp936|ansi[ _]?936|gbk|gb2312|gb[_-]?18030|x-gbk|euc-cn)$/i;
const UTF8_LABELS = /^(utf-?8|65001|cp65001)$/i;

/** The encoding a .cpg file names; null when it names one we do not read. */
export function encodingFromLabel(label: string): TextEncodingName | null {
  const text = label.replace(/^\uFEFF/, '').trim();
  if (GBK_LABELS.test(text)) return 'gbk';
  if (UTF8_LABELS.test(text)) return 'utf-8';
  return null;
}

/** The .dbf header's language driver byte: 0x4D is GB2312 (code page 936), as ArcGIS writes it. */
export function encodingFromDbfLanguageDriver(byte: number): TextEncodingName | null {
  if (byte === 0x4d || byte === 0x7a) return 'gbk';
  return null;
}

export interface ResolvedEncoding {
  encoding: TextEncodingName;
  /** Why, in words: 'chosen by the user', 'from the .cpg file' … */
  reason: string;
}

export function resolveEncoding(
  choice: EncodingChoice,
  fromFile: { encoding: TextEncodingName; reason: string } | null,
): ResolvedEncoding {
  if (choice !== 'auto') return { encoding: choice, reason: 'chosen by the user' };
  return fromFile ?? { encoding: 'utf-8', reason: 'the file names none; UTF-8 assumed' };
}

/** Refuses text that did not decode cleanly, naming where it is. */
export function assertDecoded(text: string, where: () => string, encoding: ResolvedEncoding): void {
  if (!text.includes('\uFFFD')) return;
  const other = encoding.encoding === 'gbk' ? 'UTF-8' : 'GBK';
  throw new ImportFileError(
    IMPORT_FILE_REASONS.wrongEncoding,
    `${where()} is not valid ${encoding.encoding.toUpperCase()} text (${encoding.reason}): ` +
      `the file is in another encoding — choose ${other} and read it again`,
  );
}
