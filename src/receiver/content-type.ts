/**
 * OpenIM sends `application/json; charset=utf-8`. Accept any JSON media type in UTF-8, and a missing header (some
 * proxies and hand-made clients drop it); refuse forms, text and other charsets.
 */
export function isAcceptableContentType(header: string | undefined): boolean {
  if (header === undefined || header.trim() === '') return true;
  const [mediaType = '', ...parameters] = header.toLowerCase().split(';');
  const type = mediaType.trim();
  if (type !== 'application/json' && !type.endsWith('+json')) return false;
  return parameters.every((parameter) => {
    const [name = '', value = ''] = parameter.split('=').map((part) => part.trim());
    return name !== 'charset' || value.replace(/"/g, '') === 'utf-8' || value.replace(/"/g, '') === 'utf8';
  });
}
