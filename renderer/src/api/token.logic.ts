/** sessionStorage key of the browser-mode token, so a reload keeps working after the URL is cleaned. */
export const TOKEN_STORAGE_KEY = 'watchfloor.token';

/**
 * Reads `token=…` from a location hash such as `#token=abc` and returns it together with the hash
 * that should remain visible once the token is taken out ('' when nothing else was in it).
 */
export function takeTokenFromHash(hash: string): { token: string | null; remainingHash: string } {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (body === '') return { token: null, remainingHash: '' };
  const params = new URLSearchParams(body);
  const token = params.get('token');
  if (token === null) return { token: null, remainingHash: hash };
  params.delete('token');
  const rest = params.toString();
  return { token: token.trim() === '' ? null : token.trim(), remainingHash: rest === '' ? '' : `#${rest}` };
}
