/**
 * Encrypts a value for a GitHub Actions secret as GitHub's documentation does: a libsodium sealed box
 * (crypto_box_seal: an ephemeral X25519 key pair, XSalsa20-Poly1305) to the repository's or
 * environment's public key, base64 (original variant, padded). libsodium-wrappers is loaded here, on the
 * first call, so no bundle or command that never stores a secret loads it.
 */
import { ActionError } from '../errors.js'

/** GitHub's public key for secrets could not be used. */
export class PublicKeyError extends ActionError {
  override name = 'PublicKeyError'
}

/** 32 bytes in standard padded base64: 43 characters and one `=`. */
const KEY_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/

/** The base64 sealed box of `value` for the Curve25519 public key `publicKeyBase64` (as GitHub serves it). */
export async function sealForGitHub(publicKeyBase64: string, value: string): Promise<string> {
  if (typeof publicKeyBase64 !== 'string' || !KEY_BASE64.test(publicKeyBase64)) {
    const length = typeof publicKeyBase64 === 'string' ? `${publicKeyBase64.length} characters` : typeof publicKeyBase64
    throw new PublicKeyError(
      `GitHub's public key for Actions secrets is not a 32-byte Curve25519 key in base64 (got ${length}; expected 44 characters ending in '='). Is the GitHub API URL right?`,
    )
  }
  const sodium = (await import('libsodium-wrappers')).default
  await sodium.ready
  const key = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL)
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), key)
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL)
}
